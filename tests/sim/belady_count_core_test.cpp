// BeladyCountCore, the fast engine's Belady in count mode: its position set against std::set,
// and the core against BeladyCore (itself checked against a naive model) on random operations.

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "purecache/core/belady_core.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/belady_count_core.hpp"
#include "purecache/sim/detail/position_set.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "support/naive_next_accesses.hpp"

using purecache::CoreConfig;
using purecache::Timestamp;
using purecache::sim::BeladyCountCore;
using purecache::sim::KeyId;
using purecache::sim::kNoNextAccess;
using purecache::sim::detail::PositionSet;

TEST_CASE("a position set finds its members and its largest one across its summary levels",
          "[sim][belady]") {
  std::mt19937_64 random(11);
  // One word, a word and a bit, two levels and a bit, three levels and a bit.
  for (const std::uint64_t limit : {1U, 64U, 65U, 4096U, 4097U, 262145U}) {
    INFO("limit " << limit);
    PositionSet set(limit);
    std::set<std::uint64_t> model;
    CHECK(set.empty());
    CHECK(set.limit() == limit);
    CHECK(set.memory_bytes() >= (limit + 7) / 8);
    for (int step = 0; step < 3000; ++step) {
      // Mostly near the top and in a few words, so that words and summaries empty and refill.
      const std::uint64_t span = random() % 4 == 0 ? limit : std::min<std::uint64_t>(limit, 200);
      const std::uint64_t position = limit - 1 - random() % span;
      if (random() % 2 == 0) {
        set.insert(position);
        model.insert(position);
      } else {
        REQUIRE(set.erase(position) == (model.erase(position) == 1));
      }
      REQUIRE(set.contains(position) == model.contains(position));
      REQUIRE(set.empty() == model.empty());
      if (!model.empty()) REQUIRE(set.max() == *model.rbegin());
    }
    while (!model.empty()) {
      REQUIRE(set.max() == *model.rbegin());
      REQUIRE(set.erase(set.max()));
      model.erase(std::prev(model.end()));
    }
    CHECK(set.empty());
  }
}

namespace {

enum class Kind { get_fill, get_only, set, erase };
struct Step {
  Kind kind;
  KeyId key;
};

}  // namespace

TEST_CASE("Belady counting by positions hits, admits and evicts as BeladyCore in count mode",
          "[sim][belady]") {
  using Reference = purecache::BeladyCore<KeyId, std::uint32_t>;
  static_assert(Reference::kNever == kNoNextAccess);
  constexpr Timestamp kNow{0};
  std::mt19937_64 random(2026);
  for (const std::size_t capacity : {1U, 2U, 5U, 16U, 64U}) {
    for (int round = 0; round < 5; ++round) {
      INFO("capacity " << capacity << ", round " << round);
      std::vector<Step> steps;
      for (int i = 0; i < 2000; ++i) {
        const auto roll = random() % 20;
        const Kind kind = roll < 14   ? Kind::get_fill
                          : roll < 16 ? Kind::get_only
                          : roll < 19 ? Kind::set
                                      : Kind::erase;
        // Skewed keys: some come back soon, many rarely or never.
        const auto key = static_cast<KeyId>(random() % 2 == 0 ? random() % 8 : random() % 120);
        steps.push_back({kind, key});
      }
      const std::vector<std::uint64_t> next = purecache::test::naive_next_accesses(
          steps, [](const Step& s) { return s.key; }, kNoNextAccess);
      BeladyCountCore core(CoreConfig{.capacity = capacity}, steps.size());
      Reference reference(CoreConfig{.capacity = capacity});
      std::uint64_t hits = 0;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        INFO("step " << i);
        const Step& step = steps[i];
        core.at_request(i, next[i]);
        reference.set_next_access(next[i]);
        switch (step.kind) {
          case Kind::get_fill:
          case Kind::get_only: {
            const bool hit = core.get(step.key, kNow) != nullptr;
            REQUIRE(hit == (reference.get(step.key, kNow) != nullptr));
            hits += hit ? 1U : 0U;
            if (!hit && step.kind == Kind::get_fill) {
              REQUIRE(core.set(step.key, 1, kNow) == reference.set(step.key, 1, kNow));
            }
            break;
          }
          case Kind::set:
            REQUIRE(core.set(step.key, 1, kNow) == reference.set(step.key, 1, kNow));
            break;
          case Kind::erase:
            REQUIRE(core.erase(step.key, kNow) == reference.erase(step.key, kNow));
            break;
        }
        REQUIRE(core.size() == reference.size());
        REQUIRE(core.weight() == reference.weight());
        REQUIRE(core.evictions().capacity == reference.evictions().capacity);
      }
      CHECK(hits > 0);
      if (capacity <= 5) CHECK(core.evictions().capacity > 0);
    }
  }
}

TEST_CASE("Belady counting by positions holds a bit per position and no key index",
          "[sim][belady]") {
  const BeladyCountCore small(CoreConfig{.capacity = 10}, 1000);
  const BeladyCountCore large(CoreConfig{.capacity = 10}, 1'000'000);
  CHECK(small.memory().index_bytes == 0);
  CHECK(small.memory().current_bytes == small.memory().peak_bytes);
  CHECK(large.memory().current_bytes >= 1'000'000 / 8);
  CHECK(large.memory().current_bytes < 1'000'000 / 8 * 102 / 100 + 64);
  CHECK(small.capacity() == 10);
  CHECK(small.parameters().empty());
}

TEST_CASE("Belady counting by positions refuses a zero capacity, a weight bound and parameters",
          "[sim][belady][errors]") {
  CHECK_THROWS_WITH(BeladyCountCore(CoreConfig{}, 8),
                    Catch::Contains("capacity") && Catch::Contains("must be >= 1"));
  CHECK_THROWS_AS(BeladyCountCore(CoreConfig{.max_weight = 100}, 8), purecache::ConfigError);
  CHECK_THROWS_AS(BeladyCountCore(CoreConfig{.capacity = 4, .parameters = "k=1"}, 8),
                  purecache::ConfigError);
}
