#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <utility>

#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/s3fifo_core.hpp"
#include "support/backend_stress.hpp"

using namespace purecache;
using purecache::test::StressShape;
using purecache::test::StressTally;

namespace {

using U64 = std::uint64_t;
constexpr std::size_t kCapacity = 16;

// What a counting wait timer saw, from every thread.
struct WaitTally {
  std::atomic<std::uint64_t> starts{0};
  std::atomic<std::uint64_t> stops{0};
  std::atomic<std::uint64_t> queued{0};
};

// A wait timer that counts requests for the lock, acquisitions and queued acquisitions; its
// marks pair each stop with its own start.
struct CountingWaitTimer {
  using Mark = std::uint64_t;
  WaitTally* tally = nullptr;
  [[nodiscard]] Mark start() const noexcept {
    return tally->starts.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  void stop(Mark mark, bool queued) const noexcept {
    if (mark == 0) std::abort();  // a stop without its start
    tally->stops.fetch_add(1, std::memory_order_relaxed);
    if (queued) tally->queued.fetch_add(1, std::memory_order_relaxed);
  }
};

template <class Base>
struct WaitTimedPolicy : Base {
  using WaitTimer = CountingWaitTimer;
};

}  // namespace

// Three policies with different bookkeeping on a read (list move, frequency bucket, bit), in
// both hand-off modes.
TEMPLATE_TEST_CASE("a locked backend shared by clients on several threads stays consistent",
                   "[backend][concurrency]", (LockedBackend<LRUCore<U64, U64>>),
                   (LockedBackend<LFUCore<U64, U64>>), (LockedBackend<S3FIFOCore<U64, U64>>),
                   (LockedBackend<LRUCore<U64, U64>, ScheduledHandOffBackendPolicy>),
                   (LockedBackend<LFUCore<U64, U64>, ScheduledHandOffBackendPolicy>),
                   (LockedBackend<S3FIFOCore<U64, U64>, ScheduledHandOffBackendPolicy>)) {
  TestType backend(CoreConfig{.capacity = kCapacity});
  const StressShape shape;
  StressTally tally;
  test::run_stress(backend, shape, tally);
  test::check_final_state(backend, kCapacity, shape, tally);
}

TEMPLATE_TEST_CASE("a cache used by clients on several threads counts every operation",
                   "[cache][concurrency]", DefaultBackendPolicy, ScheduledHandOffBackendPolicy) {
  std::unique_ptr<IBackend<U64, U64>> backend =
      std::make_unique<LockedBackend<LRUCore<U64, U64>, TestType>>(
          CoreConfig{.capacity = kCapacity});
  Cache<U64, U64> cache(std::move(backend));
  const StressShape shape;
  StressTally tally;
  test::run_stress(cache, shape, tally);
  const CacheCounters counters = cache.counters();
  CHECK(counters.hits == tally.hits.load());
  CHECK(counters.misses == tally.misses.load());
  CHECK(counters.hits + counters.misses == tally.gets.load());
  CHECK(counters.sets == tally.sets.load());
  CHECK(counters.erases == tally.erases.load());
  test::check_final_state(cache.backend(), kCapacity, shape, tally);
}

TEMPLATE_TEST_CASE("a wait timer sees every acquisition of a backend's lock, from any thread",
                   "[backend][concurrency]", DefaultBackendPolicy, ScheduledHandOffBackendPolicy) {
  WaitTally waits;
  LockedBackend<LRUCore<U64, U64>, WaitTimedPolicy<TestType>> backend(
      CoreConfig{.capacity = kCapacity}, {}, {}, CountingWaitTimer{&waits});
  const StressShape shape;
  StressTally tally;
  test::run_stress(backend, shape, tally);
  const std::uint64_t operations = tally.gets + tally.sets + tally.erases;
  CHECK(waits.starts == operations);
  CHECK(waits.stops == operations);
  CHECK(waits.queued <= operations);
  test::check_final_state(backend, kCapacity, shape, tally);
  // The frame-less awaitables time their waits as the Tasks do.
  const std::uint64_t before = waits.starts;
  (void)sync_wait([&]() -> Task<bool> { co_return co_await backend.set_op(1, 1); }());
  CHECK(waits.starts == before + 1);
  CHECK(waits.stops == before + 1);
}
