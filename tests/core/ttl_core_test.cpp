// TTLCore: expiry at exactly t + ttl, per-entry TTLs, lazy expiry, purge, counters and config.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include "purecache/core/ttl_core.hpp"
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
using Core = purecache::TTLCore<int, int>;
using Model = purecache::test::TTLModel<int, int>;

const CoreConfig kConfig{.ttl = 100ns};

/// The value cached for `key` at `now`, or -1 on a miss.
template <class C>
int value_at(C& core, int key, Timestamp now) {
  const int* value = core.get(key, now);
  return value == nullptr ? -1 : *value;
}

}  // namespace

TEMPLATE_TEST_CASE("a TTL entry is live until t + ttl and absent from t + ttl on", "[core][ttl]",
                   Core, Model) {
  TestType core(kConfig);
  CHECK(core.set(1, 10, 1000ns, kDefaultTTL));
  CHECK(value_at(core, 1, 1000ns) == 10);
  CHECK(value_at(core, 1, 1099ns) == 10);  // a read does not extend the entry's life
  CHECK(core.evictions() == EvictionCounts{});
  CHECK(value_at(core, 1, 1100ns) == -1);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
  CHECK(core.size() == 0);
  CHECK(value_at(core, 1, 1100ns) == -1);  // dropped once, counted once
  CHECK(core.evictions().expired == 1);
}

TEMPLATE_TEST_CASE("a per-entry TTL overrides the configured one", "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, 10ns);
  core.set(2, 20, 0ns, 500ns);
  core.set(3, 30, 0ns, kDefaultTTL);
  CHECK(value_at(core, 1, 9ns) == 10);
  CHECK(value_at(core, 1, 10ns) == -1);
  CHECK(value_at(core, 3, 99ns) == 30);
  CHECK(value_at(core, 2, 99ns) == 20);
  CHECK(value_at(core, 3, 100ns) == -1);
  CHECK(value_at(core, 2, 100ns) == 20);
  CHECK(value_at(core, 2, 499ns) == 20);
  CHECK(value_at(core, 2, 500ns) == -1);
  CHECK(core.evictions().expired == 3);
  CHECK(core.size() == 0);
}

TEMPLATE_TEST_CASE("a TTL overwrite resets the expiry to now + ttl", "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  SECTION("later, with the default TTL") {
    core.set(1, 10, 0ns, kDefaultTTL);
    CHECK_FALSE(core.set(1, 11, 50ns, kDefaultTTL));
    CHECK(value_at(core, 1, 149ns) == 11);
    CHECK(value_at(core, 1, 150ns) == -1);
  }
  SECTION("shorter than what was left") {
    core.set(1, 10, 0ns, kDefaultTTL);
    CHECK_FALSE(core.set(1, 11, 10ns, 5ns));
    CHECK(value_at(core, 1, 14ns) == 11);
    CHECK(value_at(core, 1, 15ns) == -1);
  }
  SECTION("from a per-entry TTL back to the default") {
    core.set(1, 10, 0ns, 1000ns);
    CHECK_FALSE(core.set(1, 11, 10ns, kDefaultTTL));
    CHECK(value_at(core, 1, 109ns) == 11);
    CHECK(value_at(core, 1, 110ns) == -1);
  }
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 1});
}

TEMPLATE_TEST_CASE("reading an expired TTL entry drops it and counts it as expired", "[core][ttl]",
                   Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, kDefaultTTL);
  core.set(2, 20, 50ns, kDefaultTTL);
  CHECK(core.size() == 2);  // lazy: nothing is dropped until someone looks
  CHECK(value_at(core, 1, 120ns) == -1);
  CHECK(core.size() == 1);
  CHECK(core.evictions().expired == 1);
  CHECK(value_at(core, 2, 120ns) == 20);
}

TEMPLATE_TEST_CASE("erasing an expired TTL entry returns false and counts it as expired",
                   "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK(core.erase(1, 99ns));  // still live one ns before its expiry
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK_FALSE(core.erase(1, 100ns));
  CHECK(core.size() == 0);
  CHECK(core.evictions().expired == 1);
  CHECK_FALSE(core.erase(1, 100ns));
  CHECK(core.evictions().expired == 1);
}

TEMPLATE_TEST_CASE("setting over an expired TTL entry inserts it anew and counts the expiry",
                   "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK(core.set(1, 11, 100ns, kDefaultTTL));
  CHECK(core.size() == 1);
  CHECK(core.evictions().expired == 1);
  CHECK(value_at(core, 1, 199ns) == 11);
  CHECK(value_at(core, 1, 200ns) == -1);
  CHECK(core.evictions().expired == 2);
}

TEMPLATE_TEST_CASE("purge drops every expired TTL entry and returns how many", "[core][ttl]", Core,
                   Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, 10ns);
  core.set(2, 20, 0ns, 20ns);
  core.set(3, 30, 0ns, 30ns);
  core.set(4, 40, 0ns, 40ns);
  CHECK(core.purge(9ns) == 0);
  CHECK(core.purge(25ns) == 2);
  CHECK(core.size() == 2);
  CHECK(core.evictions().expired == 2);
  CHECK(core.purge(25ns) == 0);
  CHECK(core.purge(29ns) == 0);
  CHECK(core.purge(30ns) == 1);
  CHECK(value_at(core, 4, 39ns) == 40);
  CHECK(core.purge(39ns) == 0);
  CHECK(core.purge(40ns) == 1);
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{.capacity = 0, .expired = 4});
  core.set(5, 50, 40ns, kDefaultTTL);
  CHECK(core.purge(139ns) == 0);
  CHECK(value_at(core, 5, 139ns) == 50);
}

TEMPLATE_TEST_CASE("purge leaves live TTL entries readable", "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  for (int key = 0; key < 50; ++key) {
    // Even keys get 10 ns, odd keys the default 100 ns.
    core.set(key, key, 0ns, key % 2 == 0 ? 10ns : kDefaultTTL);
  }
  CHECK(core.purge(50ns) == 25);
  CHECK(core.size() == 25);
  for (int key = 0; key < 50; ++key)
    CHECK(value_at(core, key, 50ns) == (key % 2 == 0 ? -1 : key));
  CHECK(core.evictions().expired == 25);
}

TEMPLATE_TEST_CASE("a TTL cache is unbounded", "[core][ttl]", Core, Model) {
  TestType core(CoreConfig{.capacity = 5, .ttl = 100ns});  // capacity is ignored
  CHECK(core.capacity() == 0);
  for (int key = 0; key < 1000; ++key)
    CHECK(core.set(key, key, 0ns, kDefaultTTL));
  CHECK(core.size() == 1000);
  CHECK(core.evictions() == EvictionCounts{});
  CHECK(value_at(core, 0, 1ns) == 0);
  CHECK(value_at(core, 999, 1ns) == 999);
}

TEMPLATE_TEST_CASE("erasing a live TTL entry is not an eviction", "[core][ttl]", Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, kDefaultTTL);
  CHECK(core.erase(1, 99ns));
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{});
  CHECK(core.purge(1000ns) == 0);
}

TEMPLATE_TEST_CASE("TTL clear empties the cache but keeps the eviction counters", "[core][ttl]",
                   Core, Model) {
  TestType core(kConfig);
  core.set(1, 10, 0ns, kDefaultTTL);
  REQUIRE(value_at(core, 1, 100ns) == -1);
  core.set(2, 20, 100ns, kDefaultTTL);
  core.set(3, 30, 100ns, kDefaultTTL);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.evictions().expired == 1);
  // Cleared entries are gone, not expired: nothing more is counted when their time comes.
  CHECK(value_at(core, 2, 300ns) == -1);
  CHECK(core.purge(300ns) == 0);
  CHECK(core.evictions().expired == 1);
  CHECK(core.set(2, 21, 300ns, kDefaultTTL));
  CHECK(value_at(core, 2, 399ns) == 21);
}

TEMPLATE_TEST_CASE("TTL entries expire correctly at epoch-sized timestamps", "[core][ttl]", Core,
                   Model) {
  constexpr Timestamp kEpochNow = std::chrono::seconds(1'700'000'000);
  TestType core(CoreConfig{.ttl = std::chrono::hours(1)});
  core.set(1, 10, kEpochNow, kDefaultTTL);
  CHECK(value_at(core, 1, kEpochNow + std::chrono::hours(1) - 1ns) == 10);
  CHECK(value_at(core, 1, kEpochNow + std::chrono::hours(1)) == -1);
}

TEMPLATE_TEST_CASE("a TTL entry whose expiry lies past the largest timestamp never expires",
                   "[core][ttl]", Core, Model) {
  // Duration::max() passes the ttl > 0 check, and is the natural "never expire": t + ttl must
  // not wrap around to the past.
  constexpr Timestamp kEpochNow = std::chrono::seconds(1'700'000'000);
  constexpr Timestamp kCentury = kEpochNow + std::chrono::hours(24 * 365 * 100);
  SECTION("given per entry") {
    TestType core(kConfig);
    core.set(1, 10, kEpochNow, purecache::Duration::max());
    CHECK(value_at(core, 1, kEpochNow) == 10);
    CHECK(core.purge(kCentury) == 0);
    CHECK(value_at(core, 1, kCentury) == 10);
  }
  SECTION("configured as the default") {
    TestType core(CoreConfig{.ttl = purecache::Duration::max()});
    core.set(1, 10, kEpochNow, kDefaultTTL);
    CHECK(value_at(core, 1, kEpochNow) == 10);
    CHECK(core.purge(kCentury) == 0);
    CHECK(value_at(core, 1, kCentury) == 10);
  }
}

TEST_CASE("TTL uses time and reports no capacity", "[core][ttl]") {
  STATIC_REQUIRE(Core::kUsesTime);
  STATIC_REQUIRE(purecache::ExpiringCore<Core>);
  CHECK(Core(kConfig).capacity() == 0);
}

TEST_CASE("a TTL core rejects a TTL that is not positive", "[core][ttl]") {
  CHECK_THROWS_AS(Core(CoreConfig{.ttl = 0ns}), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(CoreConfig{.ttl = 0ns}), "ttl must be > 0 ns, got 0 ns");
  CHECK_THROWS_WITH(Core(CoreConfig{}), "ttl must be > 0 ns, got 0 ns");
  CHECK_THROWS_AS(Core(CoreConfig{.ttl = -5ns}), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(CoreConfig{.ttl = -5ns}), "ttl must be > 0 ns, got -5 ns");
  const CoreConfig no_capacity{.capacity = 0, .ttl = 1ns};
  CHECK_NOTHROW(Core(no_capacity));  // capacity is not used
}
