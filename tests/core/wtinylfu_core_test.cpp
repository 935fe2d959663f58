// WTinyLFUCore: segment limits, hand-worked traces in both modes, the sketches, knobs, and an
// oracle test against a plain model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <list>
#include <random>
#include <string>
#include <utility>

#include "purecache/core/wtinylfu_core.hpp"
#include "purecache/detail/counting_bloom_sketch.hpp"
#include "purecache/detail/doorkeeper.hpp"
#include "purecache/detail/frequency_sketch.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using purecache::Weigher;

using Core = purecache::WTinyLFUCore<std::uint64_t, std::uint64_t>;

constexpr Timestamp kNow{0};

/// The value is the weight in weight mode.
Weigher<std::uint64_t, std::uint64_t> by_value() {
  return [](const std::uint64_t&, const std::uint64_t& value) { return value; };
}

/// A read miss followed by an insert, as a demand-filled trace replay does; true on a hit.
bool request(Core& core, std::uint64_t key, std::uint64_t value = 1) {
  if (core.get(key, kNow) != nullptr) return true;
  core.set(key, value, kNow, kDefaultTTL);
  return false;
}

/// Where each of `keys` is, as a string of Core::where letters ('-' if absent).
std::string places(const Core& core, std::initializer_list<std::uint64_t> keys) {
  std::string out;
  for (const std::uint64_t key : keys) {
    const char c = core.where(key);
    out += c == '\0' ? '-' : c;
  }
  return out;
}

}  // namespace

TEST_CASE("W-TinyLFU splits its limit as libCacheSim does: window, then probation and protected",
          "[core][wtinylfu]") {
  const Core hundred(CoreConfig{.capacity = 100});
  CHECK(hundred.window_limit() == 1);
  CHECK(hundred.probation_limit() == 19);  // trunc(0.2 x 99)
  CHECK(hundred.protected_limit() == 79);  // trunc(0.8 x 99)
  const Core big(CoreConfig{.capacity = 20000});
  CHECK(big.window_limit() == 200);
  CHECK(big.probation_limit() == 3960);
  CHECK(big.protected_limit() == 15840);
  // Below 100 entries libCacheSim's window would be 0 and keep nothing; ours keeps 1.
  const Core ten(CoreConfig{.capacity = 10});
  CHECK(ten.window_limit() == 1);
  CHECK(ten.probation_limit() == 1);
  CHECK(ten.protected_limit() == 7);
  CHECK(hundred.parameters() ==
        "window=0.01,protected=0.8,doorkeeper=false,window_hits=false,"
        "libcachesim_sketch=false,sketch_entries=0");
}

TEST_CASE("W-TinyLFU rejects unknown and out-of-range knobs", "[core][wtinylfu]") {
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 10, .parameters = "windows=0.1"}),
                  purecache::ConfigError);
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 10, .parameters = "window=1.5"}),
                  purecache::ConfigError);
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 10, .parameters = "protected=-0.1"}),
                  purecache::ConfigError);
  const Core tuned(CoreConfig{.capacity = 10, .parameters = "window=0.2,protected=0.5"});
  CHECK(tuned.window_limit() == 2);
  CHECK(tuned.probation_limit() == 4);
  CHECK(tuned.protected_limit() == 4);
}

TEST_CASE("W-TinyLFU in count mode: window drain, promotion, cooling and admission by frequency",
          "[core][wtinylfu]") {
  // Limits: window 1, main 4 = probation 2 + protected 2. A large sketch: no collisions.
  Core core(CoreConfig{.capacity = 5,
                       .parameters = "window=0.2,protected=0.5,sketch_entries=4096"});
  for (std::uint64_t k = 1; k <= 5; ++k) CHECK_FALSE(request(core, k));
  // The window may hold more than its limit while the whole cache has room.
  CHECK(places(core, {1, 2, 3, 4, 5}) == "wwwww");
  // 6: the window drains into probation (1, 2), then protected (3, 4); 5 meets a full main and
  // loses to probation's tail 1 (both seen once), so 5 is evicted.
  CHECK_FALSE(request(core, 6));
  CHECK(places(core, {1, 2, 3, 4, 5, 6}) == "ppPP-w");
  CHECK(core.evictions() == EvictionCounts{.capacity = 1});
  // 1 hits in probation: protected, whose tail 3 falls back to probation's head.
  CHECK(request(core, 1));
  CHECK(places(core, {1, 2, 3, 4}) == "PppP");
  CHECK(core.frequency(1) == 2);
  // 7 evicts the window's 6 (1 against probation's tail 2, 1).
  CHECK_FALSE(request(core, 7));
  CHECK(places(core, {6, 7}) == "-w");
  // A window hit refreshes 7 but is not counted (window_hits=false).
  CHECK(request(core, 7));
  CHECK(core.frequency(7) == 1);
  CHECK_FALSE(request(core, 8));  // 7 loses to 2
  CHECK_FALSE(request(core, 5));  // 8 loses to 2; 5 returns, now seen twice
  CHECK(places(core, {7, 8, 5}) == "--w");
  CHECK(core.frequency(5) == 2);
  CHECK(core.evictions() == EvictionCounts{.capacity = 4});
  // 9: 5 (2) beats probation's tail 2 (1): 2 is evicted and 5 enters probation; the window is
  // then empty, so the main's victim 3 goes too (libCacheSim's loop), leaving a free slot.
  CHECK_FALSE(request(core, 9));
  CHECK(places(core, {1, 2, 3, 4, 5, 9}) == "P--Ppw");
  CHECK(core.evictions() == EvictionCounts{.capacity = 6});
  CHECK(core.size() == 4);
  CHECK_FALSE(request(core, 10));  // the free slot: nothing evicted
  CHECK(core.size() == 5);
  CHECK(request(core, 4));  // protected hit
  // 11: 9 drains into probation (the main had room); 10 (1) loses to probation's tail 5 (2).
  CHECK_FALSE(request(core, 11));
  CHECK(places(core, {1, 4, 5, 9, 10, 11}) == "PPpp-w");
  CHECK(core.evictions() == EvictionCounts{.capacity = 7});
  CHECK(core.weight() == 5);
}

TEST_CASE("W-TinyLFU in weight mode: limits in weight, keys heavier than the window are refused",
          "[core][wtinylfu]") {
  // Limits: window 2, main 8 = probation 4 + protected 4.
  Core core(CoreConfig{.max_weight = 10,
                       .parameters = "window=0.2,protected=0.5,sketch_entries=4096"},
            by_value());
  for (std::uint64_t k = 1; k <= 5; ++k) CHECK_FALSE(request(core, k, 2));
  CHECK(core.weight() == 10);
  // 6 (weight 1): 1, 2 fill probation, 3, 4 protected; 5 loses to 1 and is evicted.
  CHECK_FALSE(request(core, 6, 1));
  CHECK(places(core, {1, 2, 3, 4, 5, 6}) == "ppPP-w");
  CHECK(core.weight() == 9);
  // 7 weighs 3, more than the window's limit: not kept, nothing evicted.
  CHECK_FALSE(core.set(7, 3, kNow, kDefaultTTL));
  CHECK(core.where(7) == '\0');
  CHECK(core.weight() == 9);
  CHECK(request(core, 1, 2));
  CHECK(places(core, {1, 2, 3, 4}) == "PppP");
  // 8 (weight 2) needs 1 more: 6 loses to probation's tail 2 and is evicted.
  CHECK_FALSE(request(core, 8, 2));
  CHECK(places(core, {2, 3, 6, 8}) == "pp-w");
  CHECK(core.weight() == 10);
  CHECK(core.evictions() == EvictionCounts{.capacity = 2});
  // Overwrites change the weight in place; one heavier than the window's limit evicts the key.
  CHECK_FALSE(core.set(8, 1, kNow, kDefaultTTL));
  CHECK(core.weight() == 9);
  CHECK_FALSE(core.set(8, 5, kNow, kDefaultTTL));
  CHECK(core.where(8) == '\0');
  CHECK(core.weight() == 8);
  CHECK(core.evictions() == EvictionCounts{.capacity = 3});
}

TEST_CASE("W-TinyLFU counts window hits in the sketch with window_hits=true", "[core][wtinylfu]") {
  Core core(CoreConfig{.capacity = 100, .parameters = "window_hits=true,sketch_entries=4096"});
  request(core, 1);
  CHECK(request(core, 1));
  CHECK(core.frequency(1) == 2);
}

TEST_CASE("W-TinyLFU's doorkeeper absorbs the first occurrence of a key", "[core][wtinylfu]") {
  Core core(CoreConfig{.capacity = 100, .parameters = "doorkeeper=true,sketch_entries=4096"});
  CHECK(core.frequency(1) == 0);
  request(core, 1);  // into the doorkeeper only
  CHECK(core.frequency(1) == 1);
  CHECK(core.set(2, 1, kNow, kDefaultTTL));
  CHECK(core.frequency(2) == 1);
}

TEST_CASE("the frequency sketch never underestimates below 15 and halves after its sample",
          "[core][wtinylfu]") {
  purecache::detail::MemoryCounter memory;
  purecache::detail::FrequencySketch sketch(64, &memory);  // sample: 640 increments
  CHECK(memory.usage().current_bytes == 64 * 8);
  for (std::uint64_t k = 0; k < 64; ++k) {  // 544 increments: no halving yet
    for (std::uint64_t n = 0; n <= k % 16; ++n) sketch.increment(k);
  }
  for (std::uint64_t k = 0; k < 64; ++k) {
    CHECK(sketch.estimate(k) >= std::min<std::uint64_t>(k % 16 + 1, 15));
    CHECK(sketch.estimate(k) <= 15);
  }
  CHECK_FALSE(sketch.take_reset());
  for (std::uint64_t k = 1000; k < 1200; ++k) sketch.increment(k);
  CHECK(sketch.take_reset());
  CHECK_FALSE(sketch.take_reset());

  purecache::detail::FrequencySketch fresh(64, &memory);
  for (int n = 0; n < 8; ++n) fresh.increment(7);
  CHECK(fresh.estimate(7) == 8);
  for (std::uint64_t k = 100; k < 740; ++k) fresh.increment(k);  // fills the sample: halves
  CHECK(fresh.take_reset());
  CHECK(fresh.estimate(7) >= 4);
  CHECK(fresh.estimate(7) < 8);
}

TEST_CASE("the libCacheSim sketch hashes keys with XXH64 and counts without loss",
          "[core][wtinylfu]") {
  // Reference values from the xxHash library (XXH64 of the key's 8 bytes).
  CHECK(purecache::detail::xxh64_of_8_bytes(0x0123456789ABCDEFULL, 0x12345678) ==
        0x04bd840e8f44109eULL);
  CHECK(purecache::detail::xxh64_of_8_bytes(0x0123456789ABCDEFULL, 0x12344321) ==
        0xb9998ad82042d74bULL);
  CHECK(purecache::detail::xxh64_of_8_bytes(42, 0x12345678) == 0xf78b4ad534607625ULL);
  using purecache::detail::CountingBloomSketch;
  CHECK(CountingBloomSketch::counter_count(100, 1u << 24) == 1438);  // ceil(14.3775 x 100)
  CHECK(CountingBloomSketch::counter_count(1, 1u << 24) == 20);
  purecache::detail::MemoryCounter memory;
  CountingBloomSketch sketch(1000, 1u << 24, &memory);
  for (int n = 0; n < 40; ++n) sketch.increment(5);
  CHECK(sketch.estimate(5) == 40);
  sketch.decay();
  CHECK(sketch.estimate(5) == 20);
}

TEST_CASE("W-TinyLFU counts the sketch in its memory", "[core][wtinylfu]") {
  const Core core(CoreConfig{.capacity = 1000});
  CHECK(core.memory().current_bytes >= 1024 * 8);  // 1024 sketch words, no entry yet
  const Core doorkept(CoreConfig{.capacity = 1000, .parameters = "doorkeeper=true"});
  CHECK(doorkept.memory().current_bytes == core.memory().current_bytes + 128 * 8);
}
