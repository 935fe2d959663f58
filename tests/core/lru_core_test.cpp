// LRUCore: eviction order, recency updates, counters, config errors and the memory target.

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "purecache/core/lru_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/reference_models.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;

// Behaviour tests run on the core and on the reference model, so the differential test's oracle
// is itself checked against these hand-worked sequences.
using Core = purecache::LRUCore<int, int>;
using Model = purecache::test::LRUModel<int, int>;

constexpr Timestamp kNow{0};

/// Sets each key to ten times itself.
template <class C>
void set_all(C& core, std::initializer_list<int> keys) {
  for (const int key : keys)
    core.set(key, key * 10, kNow, kDefaultTTL);
}

/// True if `key` is cached. Reads refresh recency, so call only where that no longer matters.
template <class C>
bool holds(C& core, int key) {
  return core.get(key, kNow) != nullptr;
}

}  // namespace

TEMPLATE_TEST_CASE("LRU evicts the least recently inserted key when nothing was read",
                   "[core][lru]", Core, Model) {
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2, 3});
  CHECK(core.set(4, 40, kNow, kDefaultTTL));
  CHECK(core.size() == 3);
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  CHECK_FALSE(holds(core, 1));
  CHECK(holds(core, 2));
  CHECK(holds(core, 3));
  CHECK(holds(core, 4));
}

TEMPLATE_TEST_CASE("an LRU read makes the key the most recent", "[core][lru]", Core, Model) {
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2, 3});
  REQUIRE(core.get(1, kNow) != nullptr);  // order, oldest first: 2 3 1
  set_all(core, {4});                     // evicts 2 -> 3 1 4
  CHECK(core.get(2, kNow) == nullptr);
  set_all(core, {5});  // evicts 3 -> 1 4 5
  CHECK(core.get(3, kNow) == nullptr);
  CHECK(holds(core, 1));
  CHECK(core.evictions().capacity == 2);
}

TEMPLATE_TEST_CASE("an LRU overwrite makes the key the most recent and replaces its value",
                   "[core][lru]", Core, Model) {
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2, 3});
  CHECK_FALSE(core.set(1, 111, kNow, kDefaultTTL));  // 2 3 1
  set_all(core, {4});                                // evicts 2
  CHECK(core.get(2, kNow) == nullptr);
  const int* value = core.get(1, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == 111);
  CHECK(core.evictions().capacity == 1);
}

TEMPLATE_TEST_CASE("an LRU miss does not change the eviction order", "[core][lru]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2});
  CHECK(core.get(9, kNow) == nullptr);
  CHECK_FALSE(core.erase(9, kNow));
  set_all(core, {3});
  CHECK(core.get(1, kNow) == nullptr);
  CHECK(holds(core, 2));
}

TEMPLATE_TEST_CASE("LRU evicts in the hand-worked order of a mixed sequence", "[core][lru]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 4});
  set_all(core, {1, 2, 3, 4});                      // 1 2 3 4 (oldest first)
  REQUIRE(core.get(2, kNow) != nullptr);            // 1 3 4 2
  REQUIRE(core.get(1, kNow) != nullptr);            // 3 4 2 1
  CHECK(core.set(5, 50, kNow, kDefaultTTL));        // evicts 3 -> 4 2 1 5
  CHECK_FALSE(core.set(4, 44, kNow, kDefaultTTL));  // 2 1 5 4
  CHECK(core.set(6, 60, kNow, kDefaultTTL));        // evicts 2 -> 1 5 4 6
  CHECK(core.erase(5, kNow));                       // 1 4 6
  CHECK(core.set(7, 70, kNow, kDefaultTTL));        // no eviction -> 1 4 6 7
  CHECK(core.evictions().capacity == 2);
  CHECK(core.set(8, 80, kNow, kDefaultTTL));  // evicts 1 -> 4 6 7 8
  CHECK(core.set(9, 90, kNow, kDefaultTTL));  // evicts 4 -> 6 7 8 9
  CHECK(core.evictions().capacity == 4);
  CHECK(core.size() == 4);
  for (const int gone : {1, 2, 3, 4, 5})
    CHECK(core.get(gone, kNow) == nullptr);
  for (const int kept : {6, 7, 8, 9}) {
    const int* value = core.get(kept, kNow);
    REQUIRE(value != nullptr);
    CHECK(*value == kept * 10);
  }
}

TEMPLATE_TEST_CASE("an LRU core of capacity 1 holds the latest key", "[core][lru]", Core, Model) {
  TestType core(CoreConfig{.capacity = 1});
  CHECK(core.set(1, 10, kNow, kDefaultTTL));
  CHECK(core.set(2, 20, kNow, kDefaultTTL));
  CHECK(core.size() == 1);
  CHECK(core.get(1, kNow) == nullptr);
  const int* value = core.get(2, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == 20);
  CHECK_FALSE(core.set(2, 21, kNow, kDefaultTTL));  // overwrite: no eviction
  CHECK(core.evictions().capacity == 1);
  CHECK(core.erase(2, kNow));
  CHECK(core.size() == 0);
  CHECK(core.set(3, 30, kNow, kDefaultTTL));  // room again after the erase
  CHECK(core.evictions().capacity == 1);
}

TEMPLATE_TEST_CASE("an LRU erase frees room for a new key without an eviction", "[core][lru]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2});
  CHECK(core.erase(1, kNow));
  CHECK_FALSE(core.erase(1, kNow));
  set_all(core, {3});
  CHECK(core.evictions() == EvictionCounts{});
  CHECK(holds(core, 2));
  CHECK(holds(core, 3));
}

TEMPLATE_TEST_CASE("LRU clear empties the cache but keeps the eviction counters", "[core][lru]",
                   Core, Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2, 3});
  REQUIRE(core.evictions().capacity == 1);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.get(2, kNow) == nullptr);
  CHECK(core.get(3, kNow) == nullptr);
  CHECK(core.evictions().capacity == 1);
  // After clear the order starts afresh: 4 is now the oldest.
  set_all(core, {4, 5});
  CHECK(core.evictions().capacity == 1);
  set_all(core, {6});
  CHECK(core.evictions().capacity == 2);
  CHECK(core.get(4, kNow) == nullptr);
  CHECK(holds(core, 5));
}

TEST_CASE("LRU reports its capacity, ignores time and never counts expiries", "[core][lru]") {
  STATIC_REQUIRE_FALSE(Core::kUsesTime);
  Core core(CoreConfig{.capacity = 5, .ttl = std::chrono::nanoseconds(1)});
  CHECK(core.capacity() == 5);
  set_all(core, {1, 2});
  // A TTL argument and a far later time change nothing: LRU entries never expire.
  core.set(3, 30, Timestamp{0}, std::chrono::nanoseconds(1));
  const int* value = core.get(3, Timestamp{1'000'000'000});
  REQUIRE(value != nullptr);
  CHECK(*value == 30);
  CHECK(core.get(1, Timestamp{1'000'000'000}) != nullptr);
  CHECK(core.size() == 3);
  CHECK(core.evictions().expired == 0);
}

TEST_CASE("an LRU core rejects capacity 0", "[core][lru]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 0}), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(CoreConfig{.capacity = 0}), "capacity must be >= 1, got 0");
  CHECK_NOTHROW(Core(CoreConfig{.capacity = 1}));  // LRU has no TTL to check
}

TEST_CASE("a full LRU core of 100,000 8-byte entries uses at most 48 bytes per entry",
          "[core][lru][memory]") {
  constexpr std::uint64_t kEntries = 100'000;
  purecache::LRUCore<std::uint64_t, std::uint64_t> core(CoreConfig{.capacity = kEntries});
  for (std::uint64_t i = 0; i < kEntries; ++i)
    core.set(i, i, kNow, kDefaultTTL);
  REQUIRE(core.size() == kEntries);
  const auto full = core.memory();
  INFO("current_bytes = " << full.current_bytes << ", peak_bytes = " << full.peak_bytes);
  CHECK(full.current_bytes <= 48 * kEntries);
  CHECK(full.peak_bytes >= full.current_bytes);

  // Steady-state churn at capacity allocates nothing more.
  for (std::uint64_t i = kEntries; i < 3 * kEntries; ++i)
    core.set(i, i, kNow, kDefaultTTL);
  CHECK(core.size() == kEntries);
  CHECK(core.evictions().capacity == 2 * kEntries);
  CHECK(core.memory().current_bytes <= full.current_bytes);
}
