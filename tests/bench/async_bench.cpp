// Costs of the coroutine primitives: mutexes (uncontended, shared by two threads, contended by
// coroutines on a two-worker pool in either hand-off mode), awaiting a recycled Task, sync_wait.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/executor.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"

namespace {

using purecache::AsyncMutex;
using purecache::LocalAsyncMutex;
using purecache::ScheduledAsyncMutex;
using purecache::sync_wait;
using purecache::Task;
using purecache::ThreadPool;

template <class Mutex>
Task<> lock_unlock_loop(benchmark::State& state, Mutex& mutex) {
  for ([[maybe_unused]] auto _ : state) {
    auto guard = co_await mutex.scoped_lock();
    benchmark::DoNotOptimize(&guard);
  }
}

template <class Mutex>
void bm_uncontended_scoped_lock(benchmark::State& state) {
  Mutex mutex;
  sync_wait(lock_unlock_loop(state, mutex));
}

Task<std::int64_t> trivial(std::int64_t value) { co_return value; }

Task<> await_trivial_loop(benchmark::State& state) {
  std::int64_t sum = 0;
  for ([[maybe_unused]] auto _ : state) {
    sum += co_await trivial(sum);
    benchmark::DoNotOptimize(sum);
  }
}

void bm_await_trivial_task(benchmark::State& state) { sync_wait(await_trivial_loop(state)); }

void bm_sync_wait_trivial_task(benchmark::State& state) {
  std::int64_t sum = 1;
  for ([[maybe_unused]] auto _ : state) {
    sum += sync_wait(trivial(sum));
    benchmark::DoNotOptimize(sum);
  }
}

Task<> lock_unlock_once(AsyncMutex& mutex) {
  auto guard = co_await mutex.scoped_lock();
  benchmark::DoNotOptimize(&guard);
}

// Every thread locks and unlocks one shared mutex, one sync_wait per lock. A contended waiter is
// resumed on the unlocking thread, and its own thread sleeps in sync_wait until then, so a
// long-running coroutine per thread would end up running on one thread.
void bm_shared_lock_unlock_sync_wait(benchmark::State& state) {
  static AsyncMutex mutex;
  for ([[maybe_unused]] auto _ : state)
    sync_wait(lock_unlock_once(mutex));
  state.SetItemsProcessed(state.iterations());
}

// `co_await mutex.lock()` that also notes whether the caller had to wait (was suspended and
// handed the lock by an unlock()). The flag is set before the waiter is pushed, because once
// pushed it may run on another thread at once; the hand-off publishes the write.
template <class Mutex>
class WaitNotingLock {
 public:
  explicit WaitNotingLock(Mutex& mutex) noexcept : inner_(mutex) {}
  [[nodiscard]] bool await_ready() noexcept { return inner_.await_ready(); }
  bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
    waited_ = true;
    if (inner_.await_suspend(awaiting)) return true;  // *this may be running elsewhere already
    waited_ = false;
    return false;
  }
  [[nodiscard]] bool await_resume() const noexcept { return waited_; }

 private:
  typename Mutex::LockAwaiter inner_;  // the mutex's own awaiter, unchanged
  bool waited_ = false;                // true once pushed as a waiter
};

constexpr int kContendedLocksPerClient = 1024;
constexpr std::size_t kContendedThreads = 2;

// What the clients share. The counters are guarded by the mutex; the start gate is not.
template <class Mutex>
struct ContendedState {
  Mutex mutex;
  std::int64_t counter = 0;                                  // one per critical section
  std::int64_t waited = 0;                                   // acquisitions handed off by unlock()
  std::int64_t moved = 0;                                    // waiters resumed on another worker
  std::array<std::int64_t, kContendedThreads> per_thread{};  // critical sections by worker
  std::array<bool, kContendedThreads> worker_started{};      // each touched by its worker only
  std::atomic<std::size_t> workers_started{0};               // workers past the gate's first step
};

std::size_t worker_index(ThreadPool& pool) {
  for (std::size_t index = 0; index < pool.size(); ++index)
    if (purecache::current_executor() == &pool.worker(index)) return index;
  return 0;  // unreachable: clients run on the pool
}

// Holds the first client on each worker until every worker has one running, so that the
// workers contend from the first lock (a worker otherwise wakes tens of microseconds after the
// other and may find the work done). Later clients on a worker pass at once.
template <class Mutex>
void start_together(ContendedState<Mutex>& shared, std::size_t worker) {
  if (shared.worker_started[worker]) return;
  shared.worker_started[worker] = true;
  shared.workers_started.fetch_add(1, std::memory_order_acq_rel);
  while (shared.workers_started.load(std::memory_order_acquire) < kContendedThreads)
    std::this_thread::yield();
}

// A closed-loop client: lock, a short critical section, unlock, again.
template <class Mutex>
Task<> contending_client(ThreadPool& pool, ContendedState<Mutex>& shared) {
  start_together(shared, worker_index(pool));
  for (int round = 0; round < kContendedLocksPerClient; ++round) {
    const std::size_t before = worker_index(pool);
    const bool waited = co_await WaitNotingLock<Mutex>(shared.mutex);
    const std::size_t after = worker_index(pool);
    ++shared.counter;
    shared.waited += waited ? 1 : 0;
    shared.moved += before != after ? 1 : 0;
    ++shared.per_thread[after];
    benchmark::DoNotOptimize(shared.counter);
    shared.mutex.unlock();
  }
}

// `state.range(0)` client coroutines on a two-worker pool (spread over both, started together)
// each lock the shared mutex kContendedLocksPerClient times. Items are lock+unlock pairs. Counters:
// `waited`, the share of acquisitions that found the lock held and were handed it by an unlock();
// `moved`, the share that resumed on the other worker (the inline hand-off runs the waiter on the
// releasing thread); `busiest_thread`, the share of critical sections run by the busier worker
// (0.5: even, 1: all on one thread).
template <class Mutex>
void bm_contended_lock_unlock(benchmark::State& state) {
  const auto clients = static_cast<std::size_t>(state.range(0));
  ThreadPool pool(kContendedThreads);
  ContendedState<Mutex> shared;
  for ([[maybe_unused]] auto _ : state) {
    shared.worker_started = {};
    shared.workers_started.store(0, std::memory_order_relaxed);
    std::vector<Task<>> tasks;
    tasks.reserve(clients);
    for (std::size_t client = 0; client < clients; ++client)
      tasks.push_back(contending_client(pool, shared));
    purecache::sync_wait_all(pool, std::move(tasks));
  }
  const auto expected = static_cast<std::int64_t>(state.iterations()) *
                        static_cast<std::int64_t>(clients) * kContendedLocksPerClient;
  if (shared.counter != expected) state.SkipWithError("a critical section was lost");
  state.SetItemsProcessed(expected);
  const auto total = static_cast<double>(std::max<std::int64_t>(shared.counter, 1));
  state.counters["waited"] = static_cast<double>(shared.waited) / total;
  state.counters["moved"] = static_cast<double>(shared.moved) / total;
  state.counters["busiest_thread"] =
      static_cast<double>(*std::max_element(shared.per_thread.begin(), shared.per_thread.end())) /
      total;
}

}  // namespace

BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, AsyncMutex);
BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, LocalAsyncMutex);
BENCHMARK(bm_await_trivial_task);
BENCHMARK(bm_sync_wait_trivial_task);
BENCHMARK(bm_shared_lock_unlock_sync_wait)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_TEMPLATE(bm_contended_lock_unlock, AsyncMutex)->Arg(2)->Arg(8)->UseRealTime();
BENCHMARK_TEMPLATE(bm_contended_lock_unlock, ScheduledAsyncMutex)->Arg(2)->Arg(8)->UseRealTime();
