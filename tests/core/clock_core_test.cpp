// ClockCore: the reference bit, second chances at the head; count and weight mode; the oracle.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "purecache/core/clock_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/queue_models.hpp"
#include "support/queue_oracle.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::Timestamp;
using purecache::test::cached_keys;

using Core = purecache::ClockCore<int, std::uint64_t>;
using Model = purecache::test::ClockModel<int, std::uint64_t>;

constexpr Timestamp kNow{0};

}  // namespace

TEMPLATE_TEST_CASE("CLOCK gives a read key a second chance at the head", "[core][clock]", Core,
                   Model) {
  TestType cache(CoreConfig{.capacity = 3});
  // Queues are written oldest first, a referenced key with a star.
  cache.set(1, 10, kNow);
  cache.set(2, 20, kNow);
  cache.set(3, 30, kNow);                  // 1 2 3
  REQUIRE(cache.get(1, kNow) != nullptr);  // 1* 2 3
  CHECK(cache.set(4, 40, kNow));           // 1 loses its bit and moves to the head; 2 goes: 3 1 4
  CHECK(cached_keys(cache) == std::vector<int>{1, 3, 4});
  REQUIRE(cache.get(3, kNow) != nullptr);  // 3* 1 4
  CHECK(cache.set(5, 50, kNow));           // 3 moves to the head; 1 (bit spent) goes: 4 3 5
  CHECK(cached_keys(cache) == std::vector<int>{3, 4, 5});
  CHECK(cache.set(6, 60, kNow));  // 4 goes: 3 5 6
  CHECK(cache.set(7, 70, kNow));  // 3 (bit spent) goes: 5 6 7
  CHECK(cached_keys(cache) == std::vector<int>{5, 6, 7});
  CHECK(cache.evictions() == EvictionCounts{.capacity = 4, .expired = 0});
}

TEMPLATE_TEST_CASE("a CLOCK pass over only referenced keys evicts the first one it cleared",
                   "[core][clock]", Core, Model) {
  TestType cache(CoreConfig{.capacity = 3});
  for (const int key : {1, 2, 3})
    cache.set(key, 1, kNow);
  for (const int key : {3, 1, 2})
    REQUIRE(cache.get(key, kNow) != nullptr);  // 1* 2* 3*
  CHECK(cache.set(4, 1, kNow));                // all three cleared and moved, back to 1 2 3: 1 goes
  CHECK(cached_keys(cache) == std::vector<int>{2, 3, 4});
  CHECK(cache.set(5, 1, kNow));  // 2 goes: the bits stay spent
  CHECK(cached_keys(cache) == std::vector<int>{3, 4, 5});
}

TEMPLATE_TEST_CASE("a CLOCK overwrite sets the bit and keeps the key's place", "[core][clock]",
                   Core, Model) {
  TestType cache(CoreConfig{.capacity = 2});
  cache.set(1, 10, kNow);
  cache.set(2, 20, kNow);
  CHECK_FALSE(cache.set(1, 11, kNow));  // 1* 2
  CHECK(cache.set(3, 30, kNow));        // 1 moves to the head, 2 goes: 1 3
  CHECK(cached_keys(cache) == std::vector<int>{1, 3});
  CHECK(*cache.get(1, kNow) == 11);
}

TEMPLATE_TEST_CASE("CLOCK by weight passes over referenced keys until the new key fits",
                   "[core][clock]", Core, Model) {
  TestType cache(CoreConfig{.max_weight = 10}, purecache::test::value_weight<int>);
  cache.set(1, 4, kNow);
  cache.set(2, 3, kNow);
  cache.set(3, 2, kNow);  // 1 2 3 weigh 9
  REQUIRE(cache.get(1, kNow) != nullptr);
  CHECK(cache.set(4, 6, kNow));  // needs 4 or less held: 1 moves, 2 goes (6), 3 goes (4): 1 4
  CHECK(cached_keys(cache) == std::vector<int>{1, 4});
  CHECK(cache.weight() == 10);
  CHECK(cache.evictions().capacity == 2);
  CHECK_FALSE(cache.set(5, 11, kNow));  // heavier than the whole cache: not kept, evicts nothing
  CHECK(cached_keys(cache) == std::vector<int>{1, 4});
  CHECK_FALSE(cache.set(4, 12, kNow));  // an overwrite above the limit drops the key
  CHECK(cached_keys(cache) == std::vector<int>{1});
  CHECK(cache.weight() == 4);
  CHECK(cache.evictions().capacity == 3);
}

TEST_CASE("CLOCK matches its reference model over random operations in both modes",
          "[core][clock][differential]") {
  purecache::test::compare_over_bounds_and_modes<
      purecache::ClockCore<std::uint64_t, std::uint64_t>,
      purecache::test::ClockModel<std::uint64_t, std::uint64_t>>(202);
}

TEST_CASE("CLOCK takes no parameters", "[core][clock]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 2, .parameters = "n-bit-counter=2"}),
                  purecache::ConfigError);
  CHECK_NOTHROW(Core(CoreConfig{.capacity = 2}));
}
