// LFUCore: frequency counting, the least-recent tie-break, counters, config errors and memory.

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>

#include "purecache/core/lfu_core.hpp"
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
using Core = purecache::LFUCore<int, int>;
using Model = purecache::test::LFUModel<int, int>;

constexpr Timestamp kNow{0};

/// Sets each key to ten times itself.
template <class C>
void set_all(C& core, std::initializer_list<int> keys) {
  for (const int key : keys)
    core.set(key, key * 10, kNow, kDefaultTTL);
}

/// Reads `key` `times` times, requiring a hit each time.
template <class C>
void read(C& core, int key, int times = 1) {
  for (int i = 0; i < times; ++i)
    REQUIRE(core.get(key, kNow) != nullptr);
}

/// True if `key` is cached. Reads count as uses, so call only where that no longer matters.
template <class C>
bool holds(C& core, int key) {
  return core.get(key, kNow) != nullptr;
}

}  // namespace

TEMPLATE_TEST_CASE("LFU counts one use per insertion, read hit and overwrite", "[core][lfu]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 4});
  set_all(core, {1, 2});
  CHECK(core.frequency(1) == 1);
  read(core, 1, 3);
  CHECK(core.frequency(1) == 4);
  CHECK_FALSE(core.set(1, 11, kNow, kDefaultTTL));
  CHECK(core.frequency(1) == 5);
  CHECK(core.get(7, kNow) == nullptr);  // a miss counts nothing anywhere
  CHECK(core.frequency(2) == 1);
  CHECK(core.frequency(7) == 0);
  CHECK_FALSE(core.erase(7, kNow));
  CHECK(core.frequency(7) == 0);
}

TEMPLATE_TEST_CASE("LFU evicts the least frequently used key", "[core][lfu]", Core, Model) {
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2, 3});
  read(core, 1, 2);  // 1: 3 uses
  read(core, 2);     // 2: 2 uses, 3: 1 use
  CHECK(core.set(4, 40, kNow, kDefaultTTL));
  CHECK(core.evictions() == EvictionCounts{.capacity = 1, .expired = 0});
  CHECK(core.frequency(3) == 0);
  CHECK(core.frequency(1) == 3);
  CHECK(core.frequency(2) == 2);
  CHECK(core.frequency(4) == 1);
  CHECK(core.size() == 3);
}

TEMPLATE_TEST_CASE("LFU breaks frequency ties by evicting the least recently used", "[core][lfu]",
                   Core, Model) {
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2, 3});
  read(core, 1);
  read(core, 2);
  read(core, 3);  // all at 2 uses; least recently used first: 1 2 3
  set_all(core, {4});
  CHECK(core.frequency(1) == 0);
  set_all(core, {5});  // 4 is alone at 1 use
  CHECK(core.frequency(4) == 0);
  read(core, 5);  // 2, 3 and 5 at 2 uses; 2 used least recently
  set_all(core, {6});
  CHECK(core.frequency(2) == 0);
  CHECK(core.frequency(3) == 2);
  CHECK(core.frequency(5) == 2);
  CHECK(core.frequency(6) == 1);
  CHECK(core.evictions().capacity == 3);
}

TEMPLATE_TEST_CASE("the LFU tie-break follows the last use, not the insertion order", "[core][lfu]",
                   Core, Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2});
  read(core, 2);
  read(core, 1);  // both at 2 uses; 2 was used before 1
  set_all(core, {3});
  CHECK(core.frequency(2) == 0);
  CHECK(core.frequency(1) == 2);
}

TEMPLATE_TEST_CASE("an LFU overwrite counts as a use and replaces the value", "[core][lfu]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2});
  CHECK_FALSE(core.set(1, 11, kNow, kDefaultTTL));
  set_all(core, {3});
  CHECK(core.frequency(2) == 0);
  const int* value = core.get(1, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == 11);
}

TEMPLATE_TEST_CASE("a new LFU key is never the victim of its own insertion", "[core][lfu]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1});
  read(core, 1, 5);
  set_all(core, {2});
  read(core, 2, 5);  // both at 6 uses; 1 used least recently
  CHECK(core.set(3, 30, kNow, kDefaultTTL));
  CHECK(core.frequency(3) == 1);
  CHECK(core.frequency(1) == 0);
  CHECK(core.frequency(2) == 6);
  CHECK(core.set(4, 40, kNow, kDefaultTTL));  // now 3 is the least used
  CHECK(core.frequency(3) == 0);
  CHECK(core.frequency(4) == 1);
  CHECK(core.frequency(2) == 6);
}

TEMPLATE_TEST_CASE("an evicted LFU key that returns starts again at one use", "[core][lfu]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1});
  read(core, 1, 2);       // 1: 3 uses
  set_all(core, {2, 3});  // 3 evicts 2
  CHECK(core.frequency(2) == 0);
  read(core, 3, 3);    // 3: 4 uses
  set_all(core, {4});  // evicts 1 (3 uses)
  CHECK(core.frequency(1) == 0);
  set_all(core, {1});  // evicts 4 (1 use); 1 returns with no history
  CHECK(core.frequency(4) == 0);
  CHECK(core.frequency(1) == 1);
  read(core, 1);  // 1: 2 uses, against 3's 4: with its old count it would be 5
  set_all(core, {5});
  CHECK(core.frequency(1) == 0);
  CHECK(core.frequency(3) == 4);
  CHECK(core.evictions().capacity == 4);
}

TEMPLATE_TEST_CASE("an erased LFU key that returns starts again at one use", "[core][lfu]", Core,
                   Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1});
  read(core, 1, 3);
  CHECK(core.erase(1, kNow));
  CHECK(core.frequency(1) == 0);
  CHECK(core.set(1, 10, kNow, kDefaultTTL));
  CHECK(core.frequency(1) == 1);
  set_all(core, {2});
  read(core, 2);  // 2: 2 uses against 1's 1
  set_all(core, {3});
  CHECK(core.frequency(1) == 0);
  CHECK(core.frequency(2) == 2);
  CHECK(core.evictions().capacity == 1);
}

TEMPLATE_TEST_CASE("LFU evicts in the hand-worked order of a mixed sequence", "[core][lfu]", Core,
                   Model) {
  // Comments give {key: uses} after each step; victims in order are 2, 1, 3, 6, 4, 5.
  TestType core(CoreConfig{.capacity = 3});
  set_all(core, {1, 2});
  read(core, 1);
  set_all(core, {3});  // {1:2, 2:1, 3:1}
  set_all(core, {4});  // 2 and 3 tie at 1 use, 2 older: evicts 2 -> {1:2, 3:1, 4:1}
  CHECK(core.frequency(2) == 0);
  read(core, 3);
  read(core, 4);       // {1:2, 3:2, 4:2}, least recent first 1 3 4
  set_all(core, {5});  // evicts 1 -> {3:2, 4:2, 5:1}
  CHECK(core.frequency(1) == 0);
  CHECK_FALSE(core.set(5, 55, kNow, kDefaultTTL));
  read(core, 5);       // {3:2, 4:2, 5:3}
  set_all(core, {6});  // evicts 3 -> {4:2, 5:3, 6:1}
  CHECK(core.frequency(3) == 0);
  CHECK(core.get(1, kNow) == nullptr);
  set_all(core, {7});  // evicts 6 -> {4:2, 5:3, 7:1}
  CHECK(core.frequency(6) == 0);
  read(core, 7, 2);    // {4:2, 5:3, 7:3}
  set_all(core, {8});  // evicts 4 -> {5:3, 7:3, 8:1}
  CHECK(core.frequency(4) == 0);
  CHECK(core.erase(8, kNow));
  set_all(core, {9});  // room: no eviction -> {5:3, 7:3, 9:1}
  CHECK(core.evictions().capacity == 5);
  read(core, 9, 2);     // {5:3, 7:3, 9:3}, least recent first 5 7 9
  set_all(core, {10});  // evicts 5
  CHECK(core.frequency(5) == 0);
  CHECK(core.evictions().capacity == 6);
  CHECK(core.size() == 3);
  CHECK(core.frequency(7) == 3);
  CHECK(core.frequency(9) == 3);
  CHECK(core.frequency(10) == 1);
  const int* value = core.get(7, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == 70);
}

TEMPLATE_TEST_CASE("an LFU core of capacity 1 holds the latest key", "[core][lfu]", Core, Model) {
  TestType core(CoreConfig{.capacity = 1});
  set_all(core, {1});
  read(core, 1, 10);
  CHECK(core.set(2, 20, kNow, kDefaultTTL));
  CHECK(core.get(1, kNow) == nullptr);
  CHECK(core.frequency(2) == 1);
  CHECK_FALSE(core.set(2, 21, kNow, kDefaultTTL));
  CHECK(core.frequency(2) == 2);
  CHECK(core.size() == 1);
  CHECK(core.evictions().capacity == 1);
}

TEMPLATE_TEST_CASE("LFU clear empties the cache, forgets uses and keeps the counters",
                   "[core][lfu]", Core, Model) {
  TestType core(CoreConfig{.capacity = 2});
  set_all(core, {1, 2, 3});  // evicts 1
  read(core, 3, 5);
  REQUIRE(core.evictions().capacity == 1);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.frequency(3) == 0);
  CHECK(core.evictions().capacity == 1);
  set_all(core, {3, 2});
  read(core, 2);       // 3 back at 1 use, 2 at 2
  set_all(core, {4});  // evicts 3
  CHECK(core.frequency(3) == 0);
  CHECK(holds(core, 2));
  CHECK(core.evictions().capacity == 2);
}

TEST_CASE("LFU reports its capacity and ignores time", "[core][lfu]") {
  STATIC_REQUIRE_FALSE(Core::kUsesTime);
  Core core(CoreConfig{.capacity = 3, .ttl = std::chrono::nanoseconds(1)});
  CHECK(core.capacity() == 3);
  core.set(1, 10, Timestamp{0}, std::chrono::nanoseconds(1));
  CHECK(core.get(1, Timestamp{1'000'000'000}) != nullptr);
  CHECK(core.evictions().expired == 0);
}

TEST_CASE("an LFU core rejects capacity 0", "[core][lfu]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 0}), purecache::ConfigError);
  CHECK_THROWS_WITH(Core(CoreConfig{.capacity = 0}), "capacity must be >= 1, got 0");
  CHECK_NOTHROW(Core(CoreConfig{.capacity = 1}));
}

TEST_CASE("a full LFU core of 100,000 8-byte entries uses at most 64 bytes per entry",
          "[core][lfu][memory]") {
  constexpr std::uint64_t kEntries = 100'000;
  purecache::LFUCore<std::uint64_t, std::uint64_t> core(CoreConfig{.capacity = kEntries});
  for (std::uint64_t i = 0; i < kEntries; ++i)
    core.set(i, i, kNow, kDefaultTTL);
  REQUIRE(core.size() == kEntries);
  // Leave keys at eight different frequencies, so frequency bookkeeping is part of the figure.
  std::uint64_t misses = 0;
  for (std::uint64_t i = 0; i < kEntries; ++i) {
    for (std::uint64_t j = 0; j < i % 8; ++j) {
      if (core.get(i, kNow) == nullptr) ++misses;
    }
  }
  REQUIRE(misses == 0);
  const auto full = core.memory();
  INFO("current_bytes = " << full.current_bytes << ", peak_bytes = " << full.peak_bytes);
  CHECK(full.current_bytes <= 64 * kEntries);
  CHECK(full.peak_bytes >= full.current_bytes);

  for (std::uint64_t i = kEntries; i < 3 * kEntries; ++i)
    core.set(i, i, kNow, kDefaultTTL);
  CHECK(core.size() == kEntries);
  CHECK(core.evictions().capacity == 2 * kEntries);
  CHECK(core.memory().current_bytes <= 64 * kEntries);
}
