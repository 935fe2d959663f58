#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "async/async_test_support.hpp"
#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::AsyncMutex;
using purecache::AsyncMutexLock;
using purecache::LocalAsyncMutex;
using purecache::sync_wait;
using purecache::Task;
using purecache::test::HopQueue;
using purecache::test::spawn;

template <class Mutex>
Task<> append_when_locked(Mutex& mutex, std::vector<int>& order, int index) {
  auto guard = co_await mutex.scoped_lock();
  order.push_back(index);
}

// Like append_when_locked, but while holding the lock it queues `late` more waiters, which
// must still come after every waiter that arrived before them.
template <class Mutex>
Task<> append_and_enqueue_more(Mutex& mutex, std::vector<int>& order, int index, int late_from,
                               int late_count, std::atomic<std::size_t>& finished) {
  auto guard = co_await mutex.scoped_lock();
  order.push_back(index);
  for (int i = late_from; i < late_from + late_count; ++i) {
    spawn(append_when_locked(mutex, order, i), finished);
  }
}

template <class Mutex>
Task<> lock_then_throw(Mutex& mutex, bool& was_locked) {
  auto guard = co_await mutex.scoped_lock();
  was_locked = mutex.is_locked();
  throw std::runtime_error("inside the critical section");
}

template <class Mutex>
Task<> lock_hop_unlock(Mutex& mutex, HopQueue& queue, int& inside) {
  co_await mutex.lock();
  ++inside;
  co_await queue.hop();  // suspended while owning the lock
  mutex.unlock();
}

std::vector<int> iota_vector(int count) {
  std::vector<int> values(static_cast<std::size_t>(count));
  std::iota(values.begin(), values.end(), 0);
  return values;
}

// Index of the first element of `order` that differs from 0, 1, 2, ... (its size if none):
// keeps a failure message short where printing 100,000 numbers would not.
int first_out_of_order(const std::vector<int>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] != static_cast<int>(i)) return static_cast<int>(i);
  }
  return static_cast<int>(order.size());
}

}  // namespace

TEMPLATE_TEST_CASE("try_lock takes a free mutex and fails on a held one", "[async][mutex]",
                   AsyncMutex, LocalAsyncMutex) {
  TestType mutex;
  REQUIRE_FALSE(mutex.is_locked());
  REQUIRE(mutex.try_lock());
  REQUIRE(mutex.is_locked());
  REQUIRE_FALSE(mutex.try_lock());
  mutex.unlock();
  REQUIRE_FALSE(mutex.is_locked());
  REQUIRE(mutex.try_lock());
  mutex.unlock();
}

TEMPLATE_TEST_CASE("the lock guard unlocks on destruction and can be moved or released early",
                   "[async][mutex]", AsyncMutex, LocalAsyncMutex) {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<AsyncMutexLock<TestType>>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<AsyncMutexLock<TestType>>);

  TestType mutex;
  bool held_inside = false;
  bool held_after_move = false;
  bool held_after_early_unlock = true;
  auto body = [&]() -> Task<> {
    {
      auto guard = co_await mutex.scoped_lock();
      held_inside = guard.owns_lock() && mutex.is_locked();
      AsyncMutexLock<TestType> moved = std::move(guard);
      held_after_move = !guard.owns_lock() && moved.owns_lock() && mutex.is_locked();
    }
    auto again = co_await mutex.scoped_lock();
    again.unlock();
    held_after_early_unlock = again.owns_lock() || mutex.is_locked();
  };
  sync_wait(body());
  REQUIRE(held_inside);
  REQUIRE(held_after_move);
  REQUIRE_FALSE(held_after_early_unlock);
  REQUIRE_FALSE(mutex.is_locked());
}

TEMPLATE_TEST_CASE("the lock guard unlocks when an exception leaves the critical section",
                   "[async][mutex]", AsyncMutex, LocalAsyncMutex) {
  TestType mutex;
  bool was_locked = false;
  REQUIRE_THROWS_WITH(sync_wait(lock_then_throw(mutex, was_locked)), "inside the critical section");
  REQUIRE(was_locked);
  REQUIRE_FALSE(mutex.is_locked());

  // With a waiter queued, the unwinding guard hands the lock on instead.
  REQUIRE(mutex.try_lock());
  std::vector<int> order;
  std::atomic<std::size_t> finished{0};
  spawn(append_when_locked(mutex, order, 1), finished);
  mutex.unlock();
  REQUIRE(order == std::vector<int>{1});
  REQUIRE_FALSE(mutex.is_locked());
}

TEMPLATE_TEST_CASE("waiters acquire in the order they queued", "[async][mutex]", AsyncMutex,
                   LocalAsyncMutex) {
  TestType mutex;
  std::vector<int> order;
  std::atomic<std::size_t> finished{0};
  REQUIRE(mutex.try_lock());
  for (int i = 0; i < 100; ++i)
    spawn(append_when_locked(mutex, order, i), finished);
  REQUIRE(order.empty());
  REQUIRE(finished.load() == 0);
  mutex.unlock();
  REQUIRE(finished.load() == 100);
  REQUIRE(order == iota_vector(100));
  REQUIRE_FALSE(mutex.is_locked());
}

TEMPLATE_TEST_CASE("waiters arriving during a hand-off queue behind earlier waiters",
                   "[async][mutex]", AsyncMutex, LocalAsyncMutex) {
  TestType mutex;
  std::vector<int> order;
  std::atomic<std::size_t> finished{0};
  REQUIRE(mutex.try_lock());
  // 0 queues 10..14 while 1..9 already sit in the holder's private FIFO.
  spawn(append_and_enqueue_more(mutex, order, 0, 10, 5, finished), finished);
  for (int i = 1; i < 10; ++i)
    spawn(append_when_locked(mutex, order, i), finished);
  mutex.unlock();
  REQUIRE(finished.load() == 15);
  REQUIRE(order == iota_vector(15));
}

TEMPLATE_TEST_CASE("an unlock hands the lock over without ever freeing it", "[async][mutex]",
                   AsyncMutex, LocalAsyncMutex) {
  TestType mutex;
  HopQueue queue;
  int inside = 0;
  std::atomic<std::size_t> finished{0};
  REQUIRE(mutex.try_lock());
  spawn(lock_hop_unlock(mutex, queue, inside), finished);
  REQUIRE(inside == 0);
  mutex.unlock();  // the waiter now owns the lock and is parked in the queue
  REQUIRE(inside == 1);
  REQUIRE_FALSE(mutex.try_lock());  // no barging in while the new owner is suspended
  REQUIRE(queue.run_one());
  REQUIRE(finished.load() == 1);
  REQUIRE(mutex.try_lock());
  mutex.unlock();
}

TEMPLATE_TEST_CASE("100,000 waiters on one mutex all complete without deep recursion",
                   "[async][mutex]", AsyncMutex, LocalAsyncMutex) {
  constexpr int kWaiters = 100'000;
  TestType mutex;
  std::vector<int> order;
  order.reserve(kWaiters);
  std::atomic<std::size_t> finished{0};
  REQUIRE(mutex.try_lock());
  for (int i = 0; i < kWaiters; ++i)
    spawn(append_when_locked(mutex, order, i), finished);
  mutex.unlock();
  REQUIRE(finished.load() == kWaiters);
  REQUIRE(order.size() == std::size_t{kWaiters});
  REQUIRE(first_out_of_order(order) == kWaiters);
  REQUIRE_FALSE(mutex.is_locked());
}

TEMPLATE_TEST_CASE("lock and unlock work without a guard", "[async][mutex]", AsyncMutex,
                   LocalAsyncMutex) {
  TestType mutex;
  int value = 0;
  auto body = [&]() -> Task<> {
    co_await mutex.lock();
    ++value;
    mutex.unlock();
    co_await mutex.lock();
    ++value;
    mutex.unlock();
  };
  sync_wait(body());
  REQUIRE(value == 2);
  REQUIRE_FALSE(mutex.is_locked());
}
