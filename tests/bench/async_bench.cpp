// Costs of the coroutine primitives: uncontended mutexes, awaiting a recycled Task, sync_wait.
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

}  // namespace

BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, AsyncMutex);
BENCHMARK_TEMPLATE(bm_uncontended_scoped_lock, LocalAsyncMutex);
BENCHMARK(bm_await_trivial_task);
BENCHMARK(bm_sync_wait_trivial_task);
