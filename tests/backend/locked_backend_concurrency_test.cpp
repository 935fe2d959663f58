#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "purecache/async/sync_wait.hpp"
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
