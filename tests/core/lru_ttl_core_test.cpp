// LRUTTLCore: LRU eviction plus expiry at t + ttl, and which reason each eviction counts as.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/reference_models.hpp"

namespace {

using namespace std::chrono_literals;
using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;

// Behaviour tests run on the core and on the reference model, so the differential test's oracle
// is itself checked against these hand-worked sequences.
using Core = purecache::LRUTTLCore<int, int>;
using Model = purecache::test::LRUTTLModel<int, int>;

/// The value cached for `key` at `now`, or -1 on a miss.
template <class C>
int value_at(C& core, int key, Timestamp now) {
  const int* value = core.get(key, now);
  return value == nullptr ? -1 : *value;
}

}  // namespace

TEMPLATE_TEST_CASE("an LRU+TTL entry is live until t + ttl and absent from t + ttl on",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 4, .ttl = 100ns});
  CHECK(core.set(1, 10, 1000ns, kDefaultTTL));
  CHECK(value_at(core, 1, 1099ns) == 10);  // a read does not extend the entry's life
  CHECK(core.size() == 1);
  CHECK(value_at(core, 1, 1100ns) == -1);
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
}

TEMPLATE_TEST_CASE("a per-entry TTL overrides the configured one in LRU+TTL", "[core][lru-ttl]",
                   Core, Model) {
  TestType core(CoreConfig{.capacity = 4, .ttl = 100ns});
  core.set(1, 10, 0ns, 10ns);
  core.set(2, 20, 0ns, 500ns);
  core.set(3, 30, 0ns, kDefaultTTL);
  CHECK(value_at(core, 1, 9ns) == 10);
  CHECK(value_at(core, 1, 10ns) == -1);
  CHECK(value_at(core, 3, 99ns) == 30);
  CHECK(value_at(core, 3, 100ns) == -1);
  CHECK(value_at(core, 2, 499ns) == 20);
  CHECK(value_at(core, 2, 500ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 3});
}

TEMPLATE_TEST_CASE("an LRU+TTL overwrite resets the expiry and makes the key the most recent",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 0ns, kDefaultTTL);
  CHECK_FALSE(core.set(1, 11, 50ns, kDefaultTTL));  // order 2 1; 1 now lives until 150
  CHECK(core.set(3, 30, 60ns, kDefaultTTL));        // evicts 2, which was live
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  CHECK(value_at(core, 2, 60ns) == -1);
  CHECK(value_at(core, 1, 149ns) == 11);
  CHECK(value_at(core, 1, 150ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
}

TEMPLATE_TEST_CASE("an LRU+TTL read makes the key the most recent", "[core][lru-ttl]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 1000ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 1ns, kDefaultTTL);
  CHECK(value_at(core, 1, 2ns) == 10);
  core.set(3, 30, 3ns, kDefaultTTL);
  CHECK(value_at(core, 2, 3ns) == -1);
  CHECK(value_at(core, 1, 3ns) == 10);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
}

TEMPLATE_TEST_CASE("evicting an LRU+TTL tail that had expired counts as expired, else capacity",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);           // expires at 100
  core.set(2, 20, 50ns, kDefaultTTL);          // expires at 150
  CHECK(core.set(3, 30, 120ns, kDefaultTTL));  // tail 1 had expired
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
  CHECK(core.size() == 2);
  CHECK(core.set(4, 40, 130ns, kDefaultTTL));  // tail 2 is live
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
  CHECK(value_at(core, 1, 130ns) == -1);
  CHECK(value_at(core, 2, 130ns) == -1);
  CHECK(value_at(core, 3, 130ns) == 30);
  CHECK(value_at(core, 4, 130ns) == 40);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
}

TEMPLATE_TEST_CASE("an LRU+TTL tail evicted exactly at its expiry counts as expired",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 1, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK(core.set(2, 20, 100ns, kDefaultTTL));
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
  CHECK(core.set(3, 30, 199ns, kDefaultTTL));  // 2 expires at 200: one ns short
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
}

TEMPLATE_TEST_CASE("a full LRU+TTL cache evicts its tail even when a newer entry has expired",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 100ns});
  core.set(1, 10, 0ns, 1000ns);
  core.set(2, 20, 1ns, 10ns);           // expires at 11
  CHECK(value_at(core, 2, 5ns) == 20);  // order 1 2: the tail 1 is live
  CHECK(core.set(3, 30, 20ns, kDefaultTTL));
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  CHECK(core.size() == 2);  // 2 is expired but nobody has looked yet
  CHECK(value_at(core, 2, 20ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
  CHECK(value_at(core, 1, 20ns) == -1);
  CHECK(value_at(core, 3, 20ns) == 30);
}

TEMPLATE_TEST_CASE("setting over an expired LRU+TTL entry in a full cache evicts nothing else",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 100ns});
  core.set(1, 10, 0ns, 10ns);
  core.set(2, 20, 0ns, kDefaultTTL);
  CHECK(core.set(1, 11, 10ns, kDefaultTTL));  // logically absent: new; order 2 1
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
  CHECK(core.size() == 2);
  CHECK(core.set(3, 30, 11ns, kDefaultTTL));  // evicts 2, the tail, which is live
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
  CHECK(value_at(core, 1, 11ns) == 11);
  CHECK(value_at(core, 2, 11ns) == -1);
}

TEMPLATE_TEST_CASE("erasing an expired LRU+TTL entry returns false and counts it as expired",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 0ns, kDefaultTTL);
  CHECK(core.erase(2, 99ns));
  CHECK_FALSE(core.erase(1, 100ns));
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
}

TEMPLATE_TEST_CASE("LRU+TTL purge drops expired entries, returns how many and frees room",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 3, .ttl = 100ns});
  core.set(1, 10, 0ns, 10ns);
  core.set(2, 20, 0ns, 20ns);
  core.set(3, 30, 0ns, kDefaultTTL);
  CHECK(core.purge(19ns) == 1);
  CHECK(core.purge(20ns) == 1);
  CHECK(core.purge(20ns) == 0);
  CHECK(core.size() == 1);
  core.set(4, 40, 20ns, kDefaultTTL);
  core.set(5, 50, 20ns, kDefaultTTL);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 2});
  CHECK(value_at(core, 3, 99ns) == 30);
  CHECK(core.purge(120ns) == 3);
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 5});
}

TEMPLATE_TEST_CASE("LRU+TTL evicts and expires in the hand-worked order of a mixed sequence",
                   "[core][lru-ttl]", Core, Model) {
  // Comments give the order, least recent first, with each entry's expiry.
  TestType core(CoreConfig{.capacity = 3, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 10ns, kDefaultTTL);
  core.set(3, 30, 20ns, kDefaultTTL);    // 1@100 2@110 3@120
  CHECK(value_at(core, 1, 30ns) == 10);  // 2@110 3@120 1@100
  core.set(4, 40, 40ns, kDefaultTTL);    // evicts live 2: 3@120 1@100 4@140
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  CHECK(value_at(core, 1, 100ns) == -1);  // expired: 3@120 4@140
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
  core.set(5, 50, 105ns, kDefaultTTL);  // room: 3@120 4@140 5@205
  core.set(6, 60, 120ns, kDefaultTTL);  // evicts expired 3: 4@140 5@205 6@220
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 2});
  CHECK(value_at(core, 4, 130ns) == 40);  // 5@205 6@220 4@140
  core.set(7, 70, 135ns, 5ns);            // evicts live 5: 6@220 4@140 7@140
  core.set(8, 80, 140ns, kDefaultTTL);    // evicts live 6: 4@140 7@140 8@240
  CHECK(core.evictions() == EvictionCounts{.capacity = 3, .expired = 2});
  CHECK(core.size() == 3);
  CHECK(core.purge(140ns) == 2);
  CHECK(core.size() == 1);
  CHECK(value_at(core, 8, 239ns) == 80);
  CHECK(value_at(core, 8, 240ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 3, .expired = 5});
}

TEMPLATE_TEST_CASE("an LRU+TTL core of capacity 1 holds the latest key", "[core][lru-ttl]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 1, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK(core.set(2, 20, 1ns, kDefaultTTL));
  CHECK(core.size() == 1);
  CHECK(value_at(core, 1, 1ns) == -1);
  CHECK_FALSE(core.set(2, 21, 2ns, kDefaultTTL));
  CHECK(value_at(core, 2, 101ns) == 21);
  CHECK(value_at(core, 2, 102ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
}

TEMPLATE_TEST_CASE("LRU+TTL clear empties the cache but keeps the eviction counters",
                   "[core][lru-ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 1, .ttl = 100ns});
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 0ns, kDefaultTTL);
  REQUIRE(value_at(core, 2, 100ns) == -1);
  core.set(3, 30, 100ns, kDefaultTTL);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
  CHECK(core.purge(1000ns) == 0);
  CHECK(core.set(4, 40, 1000ns, kDefaultTTL));
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 1});
}

TEMPLATE_TEST_CASE("an LRU+TTL entry whose expiry lies past the largest timestamp never expires",
                   "[core][lru-ttl]", Core, Model) {
  constexpr Timestamp kEpochNow = std::chrono::seconds(1'700'000'000);
  constexpr Timestamp kCentury = kEpochNow + std::chrono::hours(24 * 365 * 100);
  SECTION("given per entry") {
    TestType core(CoreConfig{.capacity = 1, .ttl = 100ns});
    core.set(1, 10, kEpochNow, purecache::Duration::max());
    CHECK(value_at(core, 1, kCentury) == 10);
    core.set(2, 20, kCentury, kDefaultTTL);  // evicts 1, which was live
    CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  }
  SECTION("configured as the default") {
    TestType core(CoreConfig{.capacity = 1, .ttl = purecache::Duration::max()});
    core.set(1, 10, kEpochNow, kDefaultTTL);
    CHECK(core.purge(kCentury) == 0);
    CHECK(value_at(core, 1, kCentury) == 10);
    core.set(2, 20, kCentury, kDefaultTTL);
    CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  }
}

TEST_CASE("LRU+TTL uses time and reports its capacity", "[core][lru-ttl]") {
  STATIC_REQUIRE(Core::kUsesTime);
  STATIC_REQUIRE(purecache::ExpiringCore<Core>);
  CHECK(Core(CoreConfig{.capacity = 7, .ttl = 1ns}).capacity() == 7);
}

TEST_CASE("an LRU+TTL core rejects capacity 0 and a TTL that is not positive", "[core][lru-ttl]") {
  const CoreConfig no_capacity{.capacity = 0, .ttl = 100ns};
  const CoreConfig zero_ttl{.capacity = 1, .ttl = 0ns};
  const CoreConfig negative_ttl{.capacity = 1, .ttl = -5ns};
  const CoreConfig smallest{.capacity = 1, .ttl = 1ns};
  CHECK_THROWS_AS(Core(no_capacity), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(no_capacity), "capacity must be >= 1, got 0");
  CHECK_THROWS_AS(Core(zero_ttl), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(zero_ttl), "ttl must be > 0 ns, got 0 ns");
  CHECK_THROWS_AS(Core(negative_ttl), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(negative_ttl), "ttl must be > 0 ns, got -5 ns");
  CHECK_NOTHROW(Core(smallest));
}
