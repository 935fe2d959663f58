#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "async/async_test_support.hpp"
#include "purecache/async/async_mutex.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::AsyncMutex;
using purecache::Task;
using purecache::test::drain_until;
using purecache::test::HopQueue;
using purecache::test::spawn;

Task<long> read_later(const long& value) { co_return value; }

// Read, await a nested task (and sometimes move to another thread), then write: any overlap of
// two critical sections loses an increment (and TSan reports the race).
Task<> increment_rounds(AsyncMutex& mutex, long& counter, HopQueue& queue, int rounds, int id) {
  for (int round = 0; round < rounds; ++round) {
    auto guard = co_await mutex.scoped_lock();
    const long seen = co_await read_later(counter);
    if ((round + id) % 3 == 0) co_await queue.hop();
    counter = seen + 1;
    guard.unlock();
    if ((round + id) % 5 == 0) co_await queue.hop();
  }
}

Task<> lock_briefly(AsyncMutex& mutex, HopQueue& queue, long& counter, int k) {
  co_await mutex.lock();
  if (k % 2 == 0) co_await queue.hop();
  ++counter;
  mutex.unlock();
  if (k % 3 == 0) co_await queue.hop();
}

Task<std::thread::id> note_thread_when_locked(AsyncMutex& mutex) {
  auto guard = co_await mutex.scoped_lock();
  co_return std::this_thread::get_id();
}

struct ThreadRecord {
  std::thread::id id;
  bool done = false;
};

Task<> record_thread(AsyncMutex& mutex, ThreadRecord& record) {
  record.id = co_await note_thread_when_locked(mutex);
  record.done = true;
}

}  // namespace

TEST_CASE("AsyncMutex excludes coroutines running on several threads",
          "[async][mutex][concurrency]") {
  const int threads = GENERATE(2, 4);
  constexpr int kCoroutinesPerThread = 50;
  constexpr int kRounds = 200;
  AsyncMutex mutex;
  HopQueue queue;
  long counter = 0;
  const auto total = static_cast<std::size_t>(threads * kCoroutinesPerThread);
  std::atomic<std::size_t> finished{0};

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int c = 0; c < kCoroutinesPerThread; ++c) {
        spawn(increment_rounds(mutex, counter, queue, kRounds, t * kCoroutinesPerThread + c),
              finished);
      }
      drain_until(queue, finished, total);
    });
  }
  for (std::thread& thread : pool)
    thread.join();

  REQUIRE(finished.load() == total);
  REQUIRE(counter == static_cast<long>(total) * kRounds);
  REQUIRE_FALSE(mutex.is_locked());
}

TEST_CASE("AsyncMutex loses no wake-up while threads hammer lock and unlock",
          "[async][mutex][concurrency]") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  AsyncMutex mutex;
  HopQueue queue;
  long counter = 0;
  long plain_sections = 0;
  const std::size_t total = std::size_t{kThreads} * kPerThread;
  std::atomic<std::size_t> finished{0};

  std::vector<std::thread> pool;
  std::vector<long> plain_per_thread(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        spawn(lock_briefly(mutex, queue, counter, k + t), finished);
        // Plain code competing too: try_lock, and unlock() resuming waiters inline.
        if (k % 7 == 0 && mutex.try_lock()) {
          ++plain_sections;
          mutex.unlock();
          ++plain_per_thread[static_cast<std::size_t>(t)];
        }
        if (k % 4 == 0) static_cast<void>(queue.run_one());
      }
      drain_until(queue, finished, total);
    });
  }
  for (std::thread& thread : pool)
    thread.join();

  long plain_expected = 0;
  for (long n : plain_per_thread)
    plain_expected += n;
  REQUIRE(finished.load() == total);
  REQUIRE(counter == static_cast<long>(total));
  REQUIRE(plain_sections == plain_expected);
  REQUIRE_FALSE(mutex.is_locked());
}

TEST_CASE("AsyncMutex resumes a waiter on the thread that unlocks", "[async][mutex][concurrency]") {
  AsyncMutex mutex;
  REQUIRE(mutex.try_lock());
  ThreadRecord record;
  std::atomic<std::size_t> finished{0};
  spawn(record_thread(mutex, record), finished);
  REQUIRE(finished.load() == 0);

  std::thread::id unlocker;
  std::thread thread([&] {
    unlocker = std::this_thread::get_id();
    mutex.unlock();
  });
  thread.join();

  REQUIRE(record.done);
  REQUIRE(record.id == unlocker);
  REQUIRE_FALSE(mutex.is_locked());
}
