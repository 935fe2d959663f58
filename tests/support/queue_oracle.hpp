#pragma once
/// Runs a queue core (FIFO, CLOCK, SIEVE) and its naive model side by side over seeded random
/// gets, sets and erases, in count mode and in weight mode, comparing every answer.

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/time.hpp"
#include "purecache/core/weigher.hpp"
#include "support/core_printers.hpp"
#include "support/split_mix64.hpp"

namespace purecache::test {

/// Weight of a key with a value: the value itself, so an overwrite can change the weight.
template <class K>
std::uint64_t value_weight(const K& /*key*/, const std::uint64_t& value) {
  return value;
}

/// Which of keys 1..9 are cached, in ascending order (contains() is not a hit).
template <class C>
std::vector<int> cached_keys(const C& cache) {
  std::vector<int> keys;
  for (int key = 1; key <= 9; ++key) {
    if (cache.contains(key)) keys.push_back(key);
  }
  return keys;
}

/// `operations` random operations over keys [0, 3 * bound): 60% get (a miss is followed by a
/// set, as a demand-filled replay does), 30% set, 10% erase. Weight mode draws values (weights)
/// in [0, limit / 2], sometimes above the limit. Every return value, size, weight and eviction
/// count is compared after every operation. Returns the number of hits.
template <class Core, class Model>
std::uint64_t compare_with_model(bool by_weight, std::uint64_t limit, std::uint64_t seed,
                                 int operations) {
  const CoreConfig config =
      by_weight ? CoreConfig{.max_weight = limit} : CoreConfig{.capacity = limit};
  const Weigher<std::uint64_t, std::uint64_t> weigher =
      by_weight ? Weigher<std::uint64_t, std::uint64_t>(value_weight<std::uint64_t>) : nullptr;
  Core core(config, weigher);
  Model model(config, weigher);
  SplitMix64 random(seed);
  const std::uint64_t keys = 3 * (by_weight ? 8 : limit);
  const auto draw_value = [&] {
    if (!by_weight) return random.below(1000);
    return random.below(20) == 0 ? limit + 1 : random.below(limit / 2 + 1);
  };
  constexpr Timestamp kNow{0};
  std::uint64_t hits = 0;
  for (int step = 0; step < operations; ++step) {
    INFO("mode " << (by_weight ? "weight" : "count") << ", limit " << limit << ", seed " << seed
                 << ", step " << step);
    const std::uint64_t key = random.below(keys);
    const std::uint64_t kind = random.below(10);
    if (kind < 6) {
      const std::uint64_t* got = core.get(key, kNow);
      const std::uint64_t* expected = model.get(key, kNow);
      REQUIRE((got == nullptr) == (expected == nullptr));
      if (got != nullptr) {
        REQUIRE(*got == *expected);
        ++hits;
      } else {
        const std::uint64_t value = draw_value();
        REQUIRE(core.set(key, value, kNow) == model.set(key, value, kNow));
      }
    } else if (kind < 9) {
      const std::uint64_t value = draw_value();
      REQUIRE(core.set(key, value, kNow) == model.set(key, value, kNow));
    } else {
      REQUIRE(core.erase(key, kNow) == model.erase(key, kNow));
    }
    REQUIRE(core.size() == model.size());
    REQUIRE(core.weight() == model.weight());
    REQUIRE(core.evictions() == model.evictions());
  }
  return hits;
}

/// compare_with_model over several bounds in both modes; checks the runs hit and evicted.
template <class Core, class Model>
void compare_over_bounds_and_modes(std::uint64_t seed) {
  for (const bool by_weight : {false, true}) {
    for (const std::uint64_t limit : {1U, 2U, 5U, 16U, 64U}) {
      const std::uint64_t weight_limit = by_weight ? limit * 4 : limit;
      const std::uint64_t hits =
          compare_with_model<Core, Model>(by_weight, weight_limit, seed + limit, 4000);
      CHECK(hits > 0);
    }
  }
}

}  // namespace purecache::test
