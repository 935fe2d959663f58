// FIFOCore: insertion order decides, hits change nothing; count and weight mode; the oracle.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "purecache/core/fifo_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/queue_models.hpp"
#include "support/queue_oracle.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::Timestamp;
using purecache::test::cached_keys;

using Core = purecache::FIFOCore<int, std::uint64_t>;
using Model = purecache::test::FIFOModel<int, std::uint64_t>;

constexpr Timestamp kNow{0};

/// Reads `keys` one after the other; returns which of them hit.
template <class C>
std::vector<bool> read(C& cache, std::vector<int> keys) {
  std::vector<bool> hits;
  for (const int key : keys)
    hits.push_back(cache.get(key, kNow) != nullptr);
  return hits;
}

}  // namespace

TEMPLATE_TEST_CASE("FIFO evicts the oldest insertion whatever was read since", "[core][fifo]", Core,
                   Model) {
  TestType cache(CoreConfig{.capacity = 3});
  // Trace (get, fill on a miss): 1 2 3 1 4 1 2 5 3.
  // 1 2 3 miss (queue 1 2 3), 1 hit, 4 evicts 1 (2 3 4), 1 misses and evicts 2 (3 4 1),
  // 2 misses and evicts 3 (4 1 2), 5 evicts 4 (1 2 5), 3 misses and evicts 1 (2 5 3).
  const std::vector<int> trace{1, 2, 3, 1, 4, 1, 2, 5, 3};
  const std::vector<bool> expected{false, false, false, true, false, false, false, false, false};
  std::vector<bool> hits;
  for (const int key : trace) {
    const bool hit = cache.get(key, kNow) != nullptr;
    if (!hit) cache.set(key, 1, kNow);
    hits.push_back(hit);
  }
  CHECK(hits == expected);
  CHECK(cached_keys(cache) == std::vector<int>{2, 3, 5});
  CHECK(cache.evictions() == EvictionCounts{.capacity = 5, .expired = 0});
}

TEMPLATE_TEST_CASE("a FIFO overwrite keeps the key's place in the queue", "[core][fifo]", Core,
                   Model) {
  TestType cache(CoreConfig{.capacity = 2});
  CHECK(cache.set(1, 10, kNow));
  CHECK(cache.set(2, 20, kNow));
  CHECK_FALSE(cache.set(1, 11, kNow));  // still the oldest
  CHECK(cache.set(3, 30, kNow));        // evicts 1
  CHECK(read(cache, {1, 2, 3}) == std::vector<bool>{false, true, true});
  CHECK(*cache.get(2, kNow) == 20);
}

TEMPLATE_TEST_CASE("FIFO by weight evicts the oldest until the new key fits", "[core][fifo]", Core,
                   Model) {
  TestType cache(CoreConfig{.max_weight = 10}, purecache::test::value_weight<int>);
  cache.set(1, 4, kNow);
  cache.set(2, 3, kNow);
  cache.set(3, 2, kNow);  // 1 2 3 weigh 9
  CHECK(cache.weight() == 9);
  CHECK(cache.set(4, 6, kNow));  // needs 5 free: evicts 1 (5 left), then 2 (2 left); 3 4 weigh 8
  CHECK(cached_keys(cache) == std::vector<int>{3, 4});
  CHECK(cache.weight() == 8);
  CHECK(cache.evictions().capacity == 2);
  CHECK_FALSE(cache.set(5, 11, kNow));  // heavier than the whole cache: not kept, evicts nothing
  CHECK(cached_keys(cache) == std::vector<int>{3, 4});
  CHECK_FALSE(cache.set(4, 9, kNow));  // grows to 9: 3 (the oldest) goes, 4 stays
  CHECK(cached_keys(cache) == std::vector<int>{4});
  CHECK(cache.weight() == 9);
  CHECK_FALSE(cache.set(4, 12, kNow));  // an overwrite above the limit drops the key
  CHECK(cache.size() == 0);
  CHECK(cache.weight() == 0);
  CHECK(cache.evictions().capacity == 4);
}

TEST_CASE("FIFO matches its reference model over random operations in both modes",
          "[core][fifo][differential]") {
  purecache::test::compare_over_bounds_and_modes<
      purecache::FIFOCore<std::uint64_t, std::uint64_t>,
      purecache::test::FIFOModel<std::uint64_t, std::uint64_t>>(101);
}

TEST_CASE("FIFO takes no parameters", "[core][fifo]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 2, .parameters = "x=1"}), purecache::ConfigError);
  CHECK_NOTHROW(Core(CoreConfig{.capacity = 2}));
}
