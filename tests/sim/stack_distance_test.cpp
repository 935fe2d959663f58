#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/mrc/distance_histogram.hpp"
#include "purecache/sim/mrc/stack_distance_profiler.hpp"
#include "support/split_mix64.hpp"

using purecache::sim::DistanceHistogram;
using purecache::sim::KeyId;
using purecache::sim::StackDistanceProfiler;

namespace {

constexpr std::uint64_t kCold = StackDistanceProfiler::kCold;

/// LRU caches of every size 1..sizes with demand fill, simulated one by one: the naive model.
class EverySizeLRU {
 public:
  explicit EverySizeLRU(std::size_t sizes) : caches_(sizes) {}

  /// Per size: whether a get of `key` hits; every cache then holds it as most recent.
  std::vector<bool> get(KeyId key) {
    std::vector<bool> hits;
    for (std::size_t c = 0; c < caches_.size(); ++c) {
      auto& cache = caches_[c];
      const auto at = std::find(cache.begin(), cache.end(), key);
      hits.push_back(at != cache.end());
      insert(cache, c + 1, key);
    }
    return hits;
  }
  void set(KeyId key) {
    for (std::size_t c = 0; c < caches_.size(); ++c)
      insert(caches_[c], c + 1, key);
  }
  void erase(KeyId key) {
    for (auto& cache : caches_)
      cache.remove(key);
  }

 private:
  static void insert(std::list<KeyId>& cache, std::size_t capacity, KeyId key) {
    cache.remove(key);
    if (cache.size() == capacity) cache.pop_back();
    cache.push_front(key);
  }

  std::vector<std::list<KeyId>> caches_;  // [c]: the cache of c + 1 entries, most recent first
};

}  // namespace

TEST_CASE("stack distances of a hand-worked trace count the keys used since", "[mrc][stack]") {
  StackDistanceProfiler stack;
  std::vector<std::uint64_t> distances;
  for (const KeyId key : {0u, 1u, 2u, 0u, 1u, 1u, 3u, 0u})
    distances.push_back(stack.access(key));
  // a b c a b b d a: a sees c, b; b sees a, c; b nothing; d is new; a sees d, b.
  CHECK(distances == std::vector<std::uint64_t>{kCold, kCold, kCold, 2, 2, 0, kCold, 2});
  CHECK(stack.depth() == 4);
}

TEST_CASE("a deleted key leaves a hole that counts in depths until an access fills it",
          "[mrc][stack]") {
  StackDistanceProfiler stack;
  CHECK(stack.access(0) == kCold);  // a          stack: a
  CHECK(stack.access(1) == kCold);  // b          stack: b a
  CHECK(stack.access(2) == kCold);  // c          stack: c b a
  stack.erase(1);                   // delete b   stack: c _ a
  CHECK(stack.holes() == 1);
  CHECK(stack.access(0) == 2);      // a's slot below the hole: 2 entries' room above it
  CHECK(stack.holes() == 1);        // the hole moved to where a was: a c _
  CHECK(stack.access(2) == 1);      // c                            c a _
  CHECK(stack.access(3) == kCold);  // d fills the hole         d c a
  CHECK(stack.holes() == 0);
  CHECK(stack.access(0) == 2);
  CHECK(stack.access(1) == kCold);  // a deleted key comes back cold
  stack.erase(7);                   // deleting an absent key changes nothing
  CHECK(stack.depth() == 4);
  CHECK(stack.holes() == 0);
}

TEST_CASE("distance below C is a hit of the LRU cache of C entries, for gets, sets and deletes",
          "[mrc][stack][oracle]") {
  const std::size_t min_window = GENERATE(std::size_t{1}, std::size_t{7}, std::size_t{64},
                                          StackDistanceProfiler::kDefaultMinWindow);
  INFO("min_window " << min_window);
  constexpr KeyId kKeys = 24;
  StackDistanceProfiler stack(min_window);
  EverySizeLRU model(kKeys + 1);
  purecache::test::SplitMix64 random(min_window);
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t r = random.next();
    // Skewed keys, so that some distances are short and some long.
    const auto key = static_cast<KeyId>((r >> 8) % ((r & 64) != 0 ? 5 : kKeys));
    const std::uint64_t op = (r >> 40) % 10;
    if (op < 6) {
      const std::uint64_t distance = stack.access(key);
      const std::vector<bool> hits = model.get(key);
      for (std::size_t c = 1; c <= hits.size(); ++c) {
        INFO("request " << i << " key " << key << " distance " << distance << " capacity " << c);
        REQUIRE(hits[c - 1] == (distance < c));
      }
    } else if (op < 8) {
      (void)stack.access(key);
      model.set(key);
    } else {
      stack.erase(key);
      model.erase(key);
    }
  }
  if (min_window < 64) CHECK(stack.renumberings() > 10);
}

TEST_CASE("renumbering the window changes no distance", "[mrc][stack]") {
  StackDistanceProfiler tiny(1);
  StackDistanceProfiler roomy(std::size_t{1} << 20);
  purecache::test::SplitMix64 random(3);
  for (int i = 0; i < 20000; ++i) {
    const auto key = static_cast<KeyId>(random.next() % 30);
    if (i % 97 == 0) {
      tiny.erase(key);
      roomy.erase(key);
      continue;
    }
    REQUIRE(tiny.access(key) == roomy.access(key));
  }
  CHECK(tiny.renumberings() > 200);
  CHECK(roomy.renumberings() == 0);
  CHECK(tiny.depth() == roomy.depth());
  CHECK(tiny.holes() == roomy.holes());
}

TEST_CASE("sparse key ids grow the profiler's table", "[mrc][stack]") {
  StackDistanceProfiler stack;
  CHECK(stack.access(1'000'000) == kCold);
  CHECK(stack.access(5) == kCold);
  CHECK(stack.access(1'000'000) == 1);
  CHECK(stack.memory_bytes() >= 4'000'000);
}

TEST_CASE("a window of no times is refused", "[mrc][stack][errors]") {
  CHECK_THROWS_MATCHES(StackDistanceProfiler(0), purecache::ConfigError,
                       Catch::Message("stack distance window must be >= 1, got 0"));
}

TEST_CASE("the distance histogram counts cold accesses apart", "[mrc][stack]") {
  DistanceHistogram histogram;
  for (const std::uint64_t d :
       {kCold, std::uint64_t{0}, std::uint64_t{3}, std::uint64_t{3}, kCold}) {
    histogram.add(d);
  }
  CHECK(histogram.cold() == 2);
  CHECK(histogram.total() == 5);
  REQUIRE(histogram.counts().size() >= 4);
  CHECK(histogram.counts()[0] == 1);
  CHECK(histogram.counts()[3] == 2);
  CHECK(histogram.counts()[1] == 0);
}
