// SieveCore: the visited bit, the hand that stays where it stopped; count and weight mode; the
// oracle.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "purecache/core/sieve_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/queue_models.hpp"
#include "support/queue_oracle.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::Timestamp;
using purecache::test::cached_keys;

using Core = purecache::SieveCore<int, std::uint64_t>;
using Model = purecache::test::SieveModel<int, std::uint64_t>;

constexpr Timestamp kNow{0};

}  // namespace

TEMPLATE_TEST_CASE("SIEVE keeps visited keys in place and its hand where it stopped",
                   "[core][sieve]", Core, Model) {
  TestType cache(CoreConfig{.capacity = 3});
  // Queues are written oldest first, a visited key with a star, the hand as ^.
  cache.set(1, 10, kNow);
  cache.set(2, 20, kNow);
  cache.set(3, 30, kNow);                  // 1 2 3, hand at the tail
  REQUIRE(cache.get(1, kNow) != nullptr);  // 1* 2 3
  CHECK(cache.set(4, 40, kNow));           // 1 cleared and left in place, 2 goes: 1 ^3 4
  CHECK(cached_keys(cache) == std::vector<int>{1, 3, 4});
  REQUIRE(cache.get(3, kNow) != nullptr);  // 1 ^3* 4
  CHECK(cache.set(5, 50, kNow));           // 3 cleared, 4 (the newest) goes; past the head: ^1 3 5
  CHECK(cached_keys(cache) == std::vector<int>{1, 3, 5});
  CHECK(cache.set(6, 60, kNow));  // the hand restarts at the tail: 1 goes: ^3 5 6
  CHECK(cache.set(7, 70, kNow));  // 3 goes: ^5 6 7
  CHECK(cached_keys(cache) == std::vector<int>{5, 6, 7});
  CHECK(cache.evictions() == EvictionCounts{.capacity = 4, .expired = 0});
}

TEMPLATE_TEST_CASE("erasing the key under SIEVE's hand moves the hand to the newer neighbour",
                   "[core][sieve]", Core, Model) {
  TestType cache(CoreConfig{.capacity = 3});
  for (const int key : {1, 2, 3})
    cache.set(key, 1, kNow);
  REQUIRE(cache.get(1, kNow) != nullptr);
  cache.set(4, 1, kNow);         // 2 goes: 1 ^3 4
  CHECK(cache.erase(3, kNow));   // 1 ^4
  cache.set(5, 1, kNow);         // room: 1 ^4 5
  CHECK(cache.set(6, 1, kNow));  // 4 goes, not 1 at the tail: 1 ^5 6
  CHECK(cached_keys(cache) == std::vector<int>{1, 5, 6});
}

TEMPLATE_TEST_CASE("a SIEVE overwrite marks the key visited and keeps its place", "[core][sieve]",
                   Core, Model) {
  TestType cache(CoreConfig{.capacity = 2});
  cache.set(1, 10, kNow);
  cache.set(2, 20, kNow);
  CHECK_FALSE(cache.set(1, 11, kNow));  // 1* 2
  CHECK(cache.set(3, 30, kNow));        // 1 cleared, 2 goes: 1 3 (hand past the head)
  CHECK(cached_keys(cache) == std::vector<int>{1, 3});
  CHECK(*cache.get(1, kNow) == 11);
}

TEMPLATE_TEST_CASE("SIEVE by weight sweeps until the new key fits, wrapping past the head",
                   "[core][sieve]", Core, Model) {
  TestType cache(CoreConfig{.max_weight = 10}, purecache::test::value_weight<int>);
  cache.set(1, 4, kNow);
  cache.set(2, 3, kNow);
  cache.set(3, 2, kNow);  // 1 2 3 weigh 9
  REQUIRE(cache.get(1, kNow) != nullptr);
  CHECK(cache.set(4, 6, kNow));  // needs 4 or less held: 1 cleared, 2 goes (6), 3 goes (4): ^1 4
  CHECK(cached_keys(cache) == std::vector<int>{1, 4});
  CHECK(cache.weight() == 10);
  REQUIRE(cache.get(4, kNow) != nullptr);  // ^1 4*
  // Needs 5 or less held: 1 goes (6, hand at 4), 4 is cleared, the hand wraps to the tail, which
  // is 4 again, and 4 goes (0).
  CHECK(cache.set(5, 5, kNow));
  CHECK(cached_keys(cache) == std::vector<int>{5});
  CHECK_FALSE(cache.set(6, 11, kNow));  // heavier than the whole cache: not kept, evicts nothing
  CHECK_FALSE(cache.set(5, 12, kNow));  // an overwrite above the limit drops the key
  CHECK(cache.size() == 0);
  CHECK(cache.weight() == 0);
  CHECK(cache.evictions().capacity == 5);
}

TEST_CASE("SIEVE matches its reference model over random operations in both modes",
          "[core][sieve][differential]") {
  purecache::test::compare_over_bounds_and_modes<
      purecache::SieveCore<std::uint64_t, std::uint64_t>,
      purecache::test::SieveModel<std::uint64_t, std::uint64_t>>(303);
}

TEST_CASE("SIEVE takes no parameters", "[core][sieve]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 2, .parameters = "hand=0"}), purecache::ConfigError);
  CHECK_NOTHROW(Core(CoreConfig{.capacity = 2}));
}
