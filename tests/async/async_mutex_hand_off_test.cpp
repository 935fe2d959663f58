#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "async/async_test_support.hpp"
#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"

namespace {

using purecache::AsyncMutex;
using purecache::CountdownLatch;
using purecache::ScheduledAsyncMutex;
using purecache::Task;
using purecache::ThreadPool;

Task<std::thread::id> worker_thread(ThreadPool& pool) {
  co_await pool.schedule();
  co_return std::this_thread::get_id();
}

// Waits for the lock on the pool, then notes where it runs and in which order it got the lock.
template <class Mutex>
purecache::detail::DetachedTask wait_and_record(ThreadPool& pool, Mutex& mutex, int id,
                                                std::vector<int>& order,
                                                std::vector<std::thread::id>& threads,
                                                CountdownLatch& done) {
  co_await pool.schedule();
  {
    auto guard = co_await mutex.scoped_lock();
    order.push_back(id);
    threads.push_back(std::this_thread::get_id());
  }
  done.count_down();
}

// Starts `count` waiters on a one-worker pool while the caller holds `mutex`, and returns once
// all of them are queued on it (the worker runs FIFO: a later task runs after their suspension).
template <class Mutex>
void queue_waiters(ThreadPool& pool, Mutex& mutex, int count, std::vector<int>& order,
                   std::vector<std::thread::id>& threads, CountdownLatch& done) {
  for (int id = 0; id < count; ++id)
    wait_and_record(pool, mutex, id, order, threads, done);
  static_cast<void>(purecache::sync_wait(worker_thread(pool)));
}

/// Where each of three waiters, queued on a one-worker pool while this thread held `mutex`,
/// ran its critical section after this thread released it; checks they got it in FIFO order.
template <class Mutex>
std::vector<std::thread::id> threads_of_three_waiters(ThreadPool& pool, Mutex& mutex) {
  REQUIRE(mutex.try_lock());
  std::vector<int> order;
  std::vector<std::thread::id> threads;
  CountdownLatch done(3);
  queue_waiters(pool, mutex, 3, order, threads, done);
  mutex.unlock();
  done.wait();
  CHECK(order == std::vector<int>{0, 1, 2});
  CHECK_FALSE(mutex.is_locked());
  return threads;
}

template <class Mutex>
Task<> increment_rounds(ThreadPool& pool, Mutex& mutex, long& counter, int rounds, int id) {
  for (int round = 0; round < rounds; ++round) {
    auto guard = co_await mutex.scoped_lock();
    const long seen = counter;
    if ((round + id) % 3 == 0) co_await pool.schedule();  // hold the lock across threads
    counter = seen + 1;
    guard.unlock();
    if ((round + id) % 4 == 0) co_await pool.schedule();
  }
}

}  // namespace

TEST_CASE("the inline hand-off runs the next waiter on the releasing thread",
          "[async][mutex][concurrency]") {
  ThreadPool pool(1);
  AsyncMutex mutex;
  CHECK(threads_of_three_waiters(pool, mutex) ==
        std::vector<std::thread::id>(3, std::this_thread::get_id()));
}

TEST_CASE("the scheduled hand-off sends each waiter back to its own executor, in FIFO order",
          "[async][mutex][concurrency]") {
  ThreadPool pool(1);
  const std::thread::id worker = purecache::sync_wait(worker_thread(pool));
  ScheduledAsyncMutex mutex;
  CHECK(threads_of_three_waiters(pool, mutex) == std::vector<std::thread::id>(3, worker));
}

TEST_CASE("the scheduled hand-off resumes inline a waiter that has no executor",
          "[async][mutex][concurrency]") {
  ScheduledAsyncMutex mutex;
  REQUIRE(mutex.try_lock());
  std::thread::id resumed_on;
  std::atomic<std::size_t> finished{0};
  // This thread is no executor's: the waiter queues here and records a null executor.
  purecache::test::spawn(
      [](ScheduledAsyncMutex& m, std::thread::id& where) -> Task<> {
        auto guard = co_await m.scoped_lock();
        where = std::this_thread::get_id();
      }(mutex, resumed_on),
      finished);
  REQUIRE(finished.load() == 0);
  std::thread::id releaser;
  std::thread thread([&] {
    releaser = std::this_thread::get_id();
    mutex.unlock();
  });
  thread.join();
  CHECK(finished.load() == 1);
  CHECK(resumed_on == releaser);
  CHECK_FALSE(mutex.is_locked());
}

TEMPLATE_TEST_CASE("both hand-off modes exclude clients running on a thread pool",
                   "[async][mutex][concurrency]", AsyncMutex, ScheduledAsyncMutex) {
  constexpr int kThreads = 4;
  constexpr int kClients = 16;
  constexpr int kRounds = 100;
  ThreadPool pool(kThreads);
  TestType mutex;
  long counter = 0;
  std::vector<Task<>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(increment_rounds(pool, mutex, counter, kRounds, c));
  purecache::sync_wait_all(pool, std::move(clients));
  CHECK(counter == long{kClients} * kRounds);
  CHECK_FALSE(mutex.is_locked());
}
