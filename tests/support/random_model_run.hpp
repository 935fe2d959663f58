#pragma once
/// Drives a list-based core (ARC, S3-FIFO) and its plain list model with the same seeded random
/// operations, comparing every answer and the queue each key is in after every step.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>

#include "purecache/core/time.hpp"
#include "support/core_printers.hpp"

namespace purecache::test {

/// `steps` operations over keys [0, keys): 60% get (a miss is followed by a set of value 1..3,
/// as a demand-filled replay does), 35% set of value 1..4, 5% erase. After each step the key's
/// queue (where()), size, weight and capacity evictions of core and model must agree, and
/// `also(core, model)` may check more. Core: int keys and values; Model: get(key) ->
/// std::optional<int>, set(key, value), erase(key), where(key), size(), used(), evictions.
template <class Core, class Model, class AlsoCheck>
void run_random_operations(Core& core, Model& model, std::uint32_t seed, int keys, int steps,
                           AlsoCheck also) {
  constexpr Timestamp kNow{0};
  std::mt19937 random(seed);
  for (int step = 0; step < steps; ++step) {
    const int key = static_cast<int>(random() % static_cast<std::uint32_t>(keys));
    const auto op = static_cast<unsigned>(random() % 20);
    INFO("step " << step << " key " << key << " op " << op);
    if (op < 12) {
      const int* got = core.get(key, kNow);
      const std::optional<int> want = model.get(key);
      REQUIRE((got != nullptr) == want.has_value());
      if (got != nullptr) REQUIRE(*got == *want);
      if (got == nullptr) {
        const int value = 1 + static_cast<int>(random() % 3);
        REQUIRE(core.set(key, value, kNow, kDefaultTTL) == model.set(key, value));
      }
    } else if (op < 19) {
      const int value = 1 + static_cast<int>(random() % 4);
      REQUIRE(core.set(key, value, kNow, kDefaultTTL) == model.set(key, value));
    } else {
      REQUIRE(core.erase(key, kNow) == model.erase(key));
    }
    REQUIRE(core.where(key) == model.where(key));
    REQUIRE(core.size() == model.size());
    REQUIRE(core.weight() == model.used());
    REQUIRE(core.evictions().capacity == model.evictions);
    also(core, model);
  }
}

}  // namespace purecache::test
