#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/backend/backends.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/error.hpp"

using namespace purecache;
using namespace std::chrono_literals;

namespace {

struct VirtualTimePolicy {
  using Clock = VirtualClock;
  using Mutex = AsyncMutex;
  using HoldTimer = NoHoldTimer;
};

// Counts lock holds, to prove every operation takes the lock.
struct CountingHoldTimer {
  struct Mark {};
  int* starts;
  int* stops;
  [[nodiscard]] Mark start() const noexcept {
    ++*starts;
    return {};
  }
  void stop(Mark /*unused*/) const noexcept { ++*stops; }
};

struct CountingPolicy {
  using Clock = SteadyClock;
  using Mutex = LocalAsyncMutex;
  using HoldTimer = CountingHoldTimer;
};

}  // namespace

TEST_CASE("an LRU backend evicts the least recently used key through the coroutine path",
          "[backend]") {
  LRUBackend<std::uint64_t, std::uint64_t> backend(CoreConfig{.capacity = 2});
  CHECK(sync_wait(backend.set(1, 10)));
  CHECK(sync_wait(backend.set(2, 20)));
  CHECK(sync_wait(backend.get(1)) == std::optional<std::uint64_t>(10));
  CHECK(sync_wait(backend.set(3, 30)));
  CHECK_FALSE(sync_wait(backend.get(2)).has_value());
  CHECK(sync_wait(backend.size()) == 2);
  const BackendStats stats = sync_wait(backend.stats());
  CHECK(stats.capacity == 2);
  CHECK(stats.evictions.capacity == 1);
  CHECK(stats.memory.current_bytes > 0);
}

TEST_CASE("an LFU backend keeps the frequently read key", "[backend]") {
  LFUBackend<std::string, std::string> backend(CoreConfig{.capacity = 2});
  CHECK(sync_wait(backend.set("hot", "h")));
  CHECK(sync_wait(backend.set("cold", "c")));
  CHECK(sync_wait(backend.get("hot")) == std::optional<std::string>("h"));
  CHECK(sync_wait(backend.set("new", "n")));
  CHECK_FALSE(sync_wait(backend.get("cold")).has_value());
  CHECK(sync_wait(backend.get("hot")).has_value());
}

TEST_CASE("a TTL backend expires entries on its virtual clock", "[backend][ttl]") {
  VirtualClock clock;
  LockedBackend<TTLCore<std::string, int>, VirtualTimePolicy> backend(CoreConfig{.ttl = 10s},
                                                                      clock);
  CHECK(sync_wait(backend.set("a", 1)));
  CHECK(sync_wait(backend.set("b", 2, 30s)));
  clock.advance(10s - 1ns);
  CHECK(sync_wait(backend.get("a")) == std::optional<int>(1));
  clock.advance(1ns);
  CHECK_FALSE(sync_wait(backend.get("a")).has_value());
  CHECK(sync_wait(backend.get("b")) == std::optional<int>(2));
  clock.advance(20s);
  CHECK(sync_wait(backend.purge()) == 1);
  CHECK(sync_wait(backend.size()) == 0);
  CHECK(sync_wait(backend.stats()).evictions.expired == 2);
}

TEST_CASE("purge is a no-op on backends without expiry", "[backend]") {
  LRUBackend<int, int> backend(CoreConfig{.capacity = 4});
  CHECK(sync_wait(backend.set(1, 1)));
  CHECK(sync_wait(backend.purge()) == 0);
  CHECK(sync_wait(backend.size()) == 1);
}

TEST_CASE("every operation of a backend holds its lock, get included", "[backend]") {
  int starts = 0;
  int stops = 0;
  LockedBackend<LRUCore<int, int>, CountingPolicy> backend(CoreConfig{.capacity = 2}, SteadyClock{},
                                                           CountingHoldTimer{&starts, &stops});
  CHECK(sync_wait(backend.set(1, 1)));
  CHECK(sync_wait(backend.get(1)).has_value());
  CHECK_FALSE(sync_wait(backend.get(2)).has_value());
  CHECK(sync_wait(backend.erase(1)));
  sync_wait(backend.clear());
  CHECK(starts == 5);
  CHECK(stops == 5);
}

TEST_CASE("make_backend builds every registered kind and rejects bad configs", "[backend]") {
  // 20: S3-FIFO admits only keys lighter than its small queue, 10% of the capacity.
  constexpr std::size_t kCapacity = 20;
  for (const auto& row : kBackendKinds) {
    INFO(row.name);
    if (row.offline) {
      // Belady needs each request's next access: no application can give it one.
      CHECK_THROWS_WITH((make_backend<std::string, int>(row.kind, CoreConfig{.capacity = 3})),
                        "policy '" + std::string(row.name) +
                            "' needs each request's next access, which an application cannot "
                            "know: it runs only in the simulator's fast engine (--engine fast)");
      continue;
    }
    auto backend =
        make_backend<std::string, std::vector<int>>(row.kind, CoreConfig{.capacity = kCapacity, .ttl = 1h});
    CHECK(sync_wait(backend->set("k", std::vector<int>{1, 2, 3})));
    CHECK(sync_wait(backend->get("k")) ==
          std::optional<std::vector<int>>(std::vector<int>{1, 2, 3}));
    CHECK(sync_wait(backend->erase("k")));
    CHECK_FALSE(sync_wait(backend->erase("k")));
    CHECK(sync_wait(backend->stats()).capacity == (row.bounded ? kCapacity : 0U));
  }
  CHECK_THROWS_AS((make_backend<int, int>(BackendKind::lru, CoreConfig{.capacity = 0})),
                  ConfigError);
  CHECK_THROWS_WITH((make_backend<int, int>(BackendKind::lfu, CoreConfig{.capacity = 0})),
                    "capacity must be >= 1, got 0");
  CHECK_THROWS_WITH((make_backend<int, int>(BackendKind::ttl, CoreConfig{.ttl = -5ns})),
                    "ttl must be > 0 ns, got -5 ns");
  CHECK_THROWS_WITH((make_backend<int, int>(BackendKind::lru_ttl, CoreConfig{.capacity = 1})),
                    "ttl must be > 0 ns, got 0 ns");
}

TEST_CASE("backend kinds parse from their CLI words and reject unknown ones", "[backend]") {
  std::string names;  // the registry's words in its order, as the message lists them
  for (const auto& row : kBackendKinds) {
    INFO(row.name);
    CHECK(parse_backend_kind(row.name) == row.kind);
    CHECK(to_string(row.kind) == row.name);
    CHECK(info(row.kind).name == row.name);
    names += (names.empty() ? "" : ", ") + std::string(row.name);
  }
  CHECK(backend_kind_names() == names);
  CHECK_THROWS_AS(parse_backend_kind("nosuch"), ConfigError);
  CHECK_THROWS_WITH(parse_backend_kind("nosuch"), "policy must be one of " + names + ", got 'nosuch'");
  // A long value is cut in the message, so that garbage cannot flood a terminal.
  CHECK_THROWS_WITH(parse_backend_kind(std::string(50, 'x')),
                    "policy must be one of " + names + ", got '" + std::string(40, 'x') + "...'");
}

TEST_CASE("the backend kind registry has one row per kind, each with its own word", "[backend]") {
  for (std::size_t i = 0; i < kBackendKinds.size(); ++i) {
    INFO(kBackendKinds[i].name);
    CHECK_FALSE(kBackendKinds[i].name.empty());
    CHECK_FALSE(kBackendKinds[i].summary.empty());
    for (std::size_t j = 0; j < i; ++j) {
      CHECK(kBackendKinds[j].kind != kBackendKinds[i].kind);
      CHECK(kBackendKinds[j].name != kBackendKinds[i].name);
    }
  }
}

TEST_CASE("make_backend builds a sharded backend whose shards split the capacity", "[backend]") {
  auto backend = make_backend<int, int>(BackendKind::lru, {.core = {.capacity = 10}, .shards = 3});
  auto* sharded = dynamic_cast<ShardedBackend<int, int>*>(backend.get());
  REQUIRE(sharded != nullptr);
  REQUIRE(sharded->shard_count() == 3);
  CHECK(sync_wait(sharded->shard(0).stats()).capacity == 4);
  CHECK(sync_wait(sharded->shard(2).stats()).capacity == 3);
  CHECK(sync_wait(backend->stats()).capacity == 10);
  // One shard is the plain backend, with no wrapper.
  CHECK(dynamic_cast<ShardedBackend<int, int>*>(
            make_backend<int, int>(BackendKind::lru, {.core = {.capacity = 10}}).get()) == nullptr);
  CHECK_THROWS_WITH(
      (make_backend<int, int>(BackendKind::lru, {.core = {.capacity = 2}, .shards = 3})),
      "capacity 2 is less than shards 3: every shard needs room for one entry");
  CHECK_THROWS_WITH(
      (make_backend<int, int>(BackendKind::lru, {.core = {.capacity = 2}, .shards = 0})),
      "shards must be at least 1, got 0");
}
