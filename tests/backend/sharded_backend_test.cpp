#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/backend/backends.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/backend/sharded_backend.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/s3fifo_core.hpp"
#include "purecache/error.hpp"
#include "support/backend_stress.hpp"
#include "support/split_mix64.hpp"

using namespace purecache;

namespace {

using U64 = std::uint64_t;
using Shards = std::vector<std::unique_ptr<IBackend<U64, U64>>>;

// `count` shards of Backend splitting `capacity` between them.
template <class Backend>
ShardedBackend<U64, U64> make_sharded(std::size_t capacity, std::size_t count) {
  Shards shards;
  for (std::size_t i = 0; i < count; ++i)
    shards.push_back(std::make_unique<Backend>(shard_config({.capacity = capacity}, i, count)));
  return ShardedBackend<U64, U64>(std::move(shards));
}

}  // namespace

TEST_CASE("shard_config splits a bound exactly, the first shards taking the remainder",
          "[backend][sharded]") {
  std::vector<std::size_t> capacities;
  for (std::size_t i = 0; i < 3; ++i)
    capacities.push_back(shard_config({.capacity = 10}, i, 3).capacity);
  CHECK(capacities == std::vector<std::size_t>{4, 3, 3});
  CHECK(shard_config({.max_weight = 7}, 1, 2).max_weight == 3);
  CHECK(shard_config({.capacity = 8}, 3, 4).capacity == 2);
  CHECK(shard_config({.ttl = std::chrono::seconds(1)}, 0, 4).capacity == 0);  // unbounded stays so
  CHECK_THROWS_WITH(shard_config({.capacity = 3}, 0, 4),
                    "capacity 3 is less than shards 4: every shard needs room for one entry");
  CHECK_THROWS_WITH(shard_config({.capacity = 3}, 0, 0), "shards must be at least 1, got 0");
  CHECK_THROWS_AS((ShardedBackend<U64, U64>(Shards{})), ConfigError);
}

TEST_CASE("a sharded backend of one shard answers exactly as the backend alone",
          "[backend][sharded]") {
  LRUBackend<U64, U64> alone(CoreConfig{.capacity = 8});
  ShardedBackend<U64, U64> sharded = make_sharded<LRUBackend<U64, U64>>(8, 1);
  test::SplitMix64 random(7);
  for (int op = 0; op < 2000; ++op) {
    const U64 key = random.below(24);
    switch (random.below(3)) {
      case 0:
        REQUIRE(sync_wait(sharded.get(key)) == sync_wait(alone.get(key)));
        break;
      case 1:
        REQUIRE(sync_wait(sharded.set(key, static_cast<U64>(op))) == sync_wait(alone.set(key, static_cast<U64>(op))));
        break;
      default:
        REQUIRE(sync_wait(sharded.erase(key)) == sync_wait(alone.erase(key)));
        break;
    }
  }
  const BackendStats a = sync_wait(alone.stats());
  const BackendStats s = sync_wait(sharded.stats());
  CHECK(s.size == a.size);
  CHECK(s.capacity == a.capacity);
  CHECK(s.evictions == a.evictions);
  CHECK(s.memory.current_bytes == a.memory.current_bytes);
}

TEST_CASE("each shard keeps within its own capacity and the stats add up across shards",
          "[backend][sharded]") {
  ShardedBackend<U64, U64> sharded = make_sharded<S3FIFOBackend<U64, U64>>(100, 3);
  REQUIRE(sharded.shard_count() == 3);
  for (U64 key = 0; key < 1000; ++key)
    static_cast<void>(sync_wait(sharded.set(key, key)));
  BackendStats sum;
  for (std::size_t i = 0; i < 3; ++i) {
    const BackendStats part = sync_wait(sharded.shard(i).stats());
    CHECK(part.capacity == shard_config({.capacity = 100}, i, 3).capacity);
    CHECK(part.size <= part.capacity);
    sum.size += part.size;
    sum.evictions.capacity += part.evictions.capacity;
  }
  const BackendStats total = sync_wait(sharded.stats());
  CHECK(total.capacity == 100);
  CHECK(total.size == sum.size);
  CHECK(sync_wait(sharded.size()) == total.size);
  CHECK(total.evictions.capacity == sum.evictions.capacity);
  CHECK(total.size > 0);
  CHECK(total.size + total.evictions.capacity == 1000);
  // A key lives in its own shard only.
  for (U64 key = 0; key < 1000; ++key) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (i != sharded.shard_of(key)) CHECK_FALSE(sync_wait(sharded.shard(i).get(key)));
    }
  }
  sync_wait(sharded.clear());
  CHECK(sync_wait(sharded.size()) == 0);
}

TEST_CASE("keys spread over the shards", "[backend][sharded]") {
  ShardedBackend<U64, U64> sharded = make_sharded<LRUBackend<U64, U64>>(64, 4);
  std::vector<int> per_shard(4, 0);
  for (U64 key = 0; key < 4000; ++key)
    ++per_shard[sharded.shard_of(key)];
  for (int count : per_shard) {
    CHECK(count > 900);
    CHECK(count < 1100);
  }
}

TEMPLATE_TEST_CASE("a sharded backend shared by clients on several threads stays consistent",
                   "[backend][sharded][concurrency]", (LRUBackend<U64, U64>),
                   (LockedBackend<LFUCore<U64, U64>, ScheduledHandOffBackendPolicy>)) {
  constexpr std::size_t kCapacity = 16;
  ShardedBackend<U64, U64> sharded = make_sharded<TestType>(kCapacity, 4);
  const test::StressShape shape;
  test::StressTally tally;
  test::run_stress(sharded, shape, tally);
  test::check_final_state(sharded, kCapacity, shape, tally);
  for (std::size_t i = 0; i < 4; ++i) {
    const BackendStats part = sync_wait(sharded.shard(i).stats());
    CHECK(part.size <= part.capacity);
  }
}
