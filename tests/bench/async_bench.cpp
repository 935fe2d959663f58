// Costs of the coroutine primitives: mutexes (uncontended and shared by two threads), awaiting a
// recycled Task, sync_wait.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::AsyncMutex;
using purecache::LocalAsyncMutex;
using purecache::sync_wait;
using purecache::Task;

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

}  // namespace

BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, AsyncMutex);
BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, LocalAsyncMutex);
BENCHMARK(bm_await_trivial_task);
BENCHMARK(bm_sync_wait_trivial_task);
BENCHMARK(bm_shared_lock_unlock_sync_wait)->Threads(1)->Threads(2)->UseRealTime();
