// WTinyLFUCore: segment limits, hand-worked traces in both modes, the sketches, knobs, and an
// oracle test against a plain model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
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

TEST_CASE("the frequency sketch counts a key alike by its hash and by its places mixed once",
          "[core][wtinylfu]") {
  using purecache::detail::FrequencySketch;
  purecache::detail::MemoryCounter memory;
  FrequencySketch by_hash(64, &memory);
  FrequencySketch by_places(64, &memory);
  for (std::uint64_t k = 0; k < 700; ++k) {  // past the sample of 640: one halving in each
    by_hash.increment(k % 97);
    by_places.increment(FrequencySketch::places(k % 97));
  }
  CHECK(by_hash.take_reset());
  CHECK(by_places.take_reset());
  for (std::uint64_t k = 0; k < 200; ++k) {
    CHECK(by_places.estimate(FrequencySketch::places(k)) == by_hash.estimate(k));
  }
}

TEST_CASE("the frequency sketch's halving counts odd counters as a popcount of their low bits",
          "[core][wtinylfu]") {
  using purecache::detail::FrequencySketch;
  STATIC_REQUIRE(FrequencySketch::odd_counters(0) == 0);
  STATIC_REQUIRE(FrequencySketch::odd_counters(0xFFFFFFFFFFFFFFFFULL) == 16);  // every counter 15
  STATIC_REQUIRE(FrequencySketch::odd_counters(0x1111111111111111ULL) == 16);
  STATIC_REQUIRE(FrequencySketch::odd_counters(0xEEEEEEEEEEEEEEEEULL) == 0);   // every counter 14
  std::uint64_t word = 0x9E3779B97F4A7C15ULL;
  for (int n = 0; n < 1000; ++n) {
    word = purecache::detail::sketch_mix(word);
    CHECK(FrequencySketch::odd_counters(word) ==
          static_cast<std::uint64_t>(std::popcount(word & 0x1111111111111111ULL)));
  }
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

namespace {

/// W-TinyLFU written plainly: three std::lists searched linearly, weights summed on demand, the
/// same sketch class fed the same keys. Count mode when `by_weight` is false (every weight 1).
class WTinyLFUModel {
 public:
  WTinyLFUModel(std::uint64_t limit, bool by_weight, std::uint64_t window,
                std::uint64_t probation, std::uint64_t protected_limit, std::uint64_t entries)
      : limit_(limit),
        by_weight_(by_weight),
        window_limit_(window),
        probation_limit_(probation),
        protected_limit_(protected_limit),
        sketch_(entries, &memory_) {}

  const std::uint64_t* get(std::uint64_t key) {
    auto [list, it] = find(key);
    if (list == nullptr) return nullptr;
    touch(list, it);
    return &find(key).second->second;
  }

  bool set(std::uint64_t key, std::uint64_t value) {
    const std::uint64_t w = weigh(value);
    auto [list, it] = find(key);
    if (list != nullptr) {
      if (!admits(w)) {
        list->erase(it);
        ++evictions_;
        return false;
      }
      touch(list, it);
      find(key).second->second = value;
      while (used() > limit_) evict();
      return false;
    }
    if (!admits(w)) return false;
    while (used() + w > limit_) evict();
    window_.emplace_front(key, value);
    sketch_.increment(key);
    return true;
  }

  bool erase(std::uint64_t key) {
    auto [list, it] = find(key);
    if (list == nullptr) return false;
    list->erase(it);
    return true;
  }

  [[nodiscard]] std::size_t size() const {
    return window_.size() + probation_.size() + protected_.size();
  }
  [[nodiscard]] std::uint64_t used() const {
    return sum(window_) + sum(probation_) + sum(protected_);
  }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }

 private:
  using List = std::list<std::pair<std::uint64_t, std::uint64_t>>;  // key, value; head = recent

  [[nodiscard]] std::uint64_t weigh(std::uint64_t value) const { return by_weight_ ? value : 1; }
  [[nodiscard]] std::uint64_t sum(const List& list) const {
    std::uint64_t total = 0;
    for (const auto& [key, value] : list) total += weigh(value);
    return total;
  }
  [[nodiscard]] bool admits(std::uint64_t w) const {
    return w <= limit_ && w <= window_limit_ && w <= probation_limit_ && w <= protected_limit_;
  }
  std::pair<List*, List::iterator> find(std::uint64_t key) {
    for (List* list : {&window_, &probation_, &protected_}) {
      for (auto it = list->begin(); it != list->end(); ++it) {
        if (it->first == key) return {list, it};
      }
    }
    return {nullptr, {}};
  }

  void touch(List* list, List::iterator it) {
    const std::uint64_t key = it->first;
    if (list == &window_) {
      window_.splice(window_.begin(), window_, it);
      return;
    }
    const bool promoted = list == &probation_;
    protected_.splice(protected_.begin(), *list, it);
    while (promoted && sum(protected_) > protected_limit_) {
      probation_.splice(probation_.begin(), protected_, std::prev(protected_.end()));
      while (sum(probation_) > probation_limit_) evict_from_main();
    }
    sketch_.increment(key);
  }

  List& main_victim_list() { return probation_.empty() ? protected_ : probation_; }
  void evict_from_main() {
    main_victim_list().pop_back();
    ++evictions_;
  }
  void enter_main(List::iterator it, std::uint64_t w) {
    if (sum(probation_) + w <= probation_limit_) {
      probation_.splice(probation_.begin(), window_, it);
    } else if (sum(protected_) + w <= protected_limit_) {
      protected_.splice(protected_.begin(), window_, it);
    } else {
      const std::uint64_t main_limit = limit_ - window_limit_;
      while (sum(probation_) + sum(protected_) + w > main_limit) evict_from_main();
      probation_.splice(probation_.begin(), window_, it);
    }
  }
  void evict() {
    const std::uint64_t main_limit = limit_ - window_limit_;
    while (!window_.empty()) {
      const auto victim = std::prev(window_.end());
      const std::uint64_t w = weigh(victim->second);
      if (sum(probation_) + sum(protected_) + w <= main_limit) {
        enter_main(victim, w);
        continue;
      }
      const bool main_empty = probation_.empty() && protected_.empty();
      if (!main_empty &&
          sketch_.estimate(victim->first) > sketch_.estimate(main_victim_list().back().first)) {
        evict_from_main();
        enter_main(victim, w);
        continue;
      }
      window_.pop_back();
      ++evictions_;
      return;
    }
    evict_from_main();
  }

  std::uint64_t limit_;
  bool by_weight_;
  std::uint64_t window_limit_;
  std::uint64_t probation_limit_;
  std::uint64_t protected_limit_;
  purecache::detail::MemoryCounter memory_;
  purecache::detail::FrequencySketch sketch_;
  List window_;
  List probation_;
  List protected_;
  std::uint64_t evictions_ = 0;
};

}  // namespace

TEST_CASE("W-TinyLFU agrees with a plain model on random operations in both modes",
          "[core][wtinylfu]") {
  std::mt19937_64 random(20240607);
  for (const bool by_weight : {false, true}) {
    for (const std::uint64_t limit : {1U, 3U, 10U, 40U, 150U}) {
      INFO((by_weight ? "weight " : "count ") << limit);
      const std::string knobs = "window=0.2,protected=0.6,sketch_entries=64";
      CoreConfig config{.parameters = knobs};
      if (by_weight) {
        config.max_weight = limit;
      } else {
        config.capacity = limit;
      }
      Core core(config, by_weight ? by_value() : Weigher<std::uint64_t, std::uint64_t>{});
      WTinyLFUModel model(limit, by_weight, core.window_limit(), core.probation_limit(),
                          core.protected_limit(), 64);
      const std::uint64_t keys = limit * 2 + 3;
      for (int step = 0; step < 3000; ++step) {
        const std::uint64_t key = random() % keys;
        const int op = static_cast<int>(random() % 10);
        if (op < 6) {
          const std::uint64_t* got = core.get(key, kNow);
          const std::uint64_t* expected = model.get(key);
          REQUIRE((got == nullptr) == (expected == nullptr));
          if (got != nullptr) REQUIRE(*got == *expected);
        } else if (op < 9) {
          const std::uint64_t value = by_weight ? 1 + random() % 4 : random() % 100;
          REQUIRE(core.set(key, value, kNow, kDefaultTTL) == model.set(key, value));
        } else {
          REQUIRE(core.erase(key, kNow) == model.erase(key));
        }
        REQUIRE(core.size() == model.size());
        REQUIRE(core.weight() == model.used());
        REQUIRE(core.evictions().capacity == model.evictions());
      }
    }
  }
}
