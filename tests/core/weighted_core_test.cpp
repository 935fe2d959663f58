// Cores bounded by weight (max_weight with a weigher): the budget's configuration rules, hand
// worked sequences, and LRU and LFU against naive weighted models over random operations.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/error.hpp"
#include "support/split_mix64.hpp"

namespace {

using purecache::ConfigError;
using purecache::CoreConfig;
using purecache::Timestamp;
using purecache::Weigher;

constexpr Timestamp kNow{0};

/// Each entry weighs its value.
template <class K>
Weigher<K, std::uint32_t> by_value() {
  return [](const K&, std::uint32_t value) -> std::uint64_t { return value; };
}

/// The keys an LFU core holds, read without counting an access.
std::vector<int> lfu_contents(const purecache::LFUCore<int, std::uint32_t>& core, int max_key) {
  std::vector<int> keys;
  for (int k = 0; k <= max_key; ++k) {
    if (core.frequency(k) != 0) keys.push_back(k);
  }
  return keys;
}

/// A weighted cache written plainly: a vector searched linearly. LRU orders by last use; LFU by
/// (frequency, last use), frequency forgotten on eviction. Entries heavier than the limit are
/// not kept; an overwrite that makes one so removes it (a capacity eviction).
class WeightedModel {
 public:
  WeightedModel(std::uint64_t limit, bool lfu) : limit_(limit), lfu_(lfu) {}

  std::optional<std::uint32_t> get(int key) {
    Entry* e = find(key);
    if (e == nullptr) return std::nullopt;
    touch(*e);
    return e->value;
  }

  bool set(int key, std::uint32_t value) {
    if (Entry* e = find(key)) {
      if (value > limit_) {
        remove(key);
        ++evictions_;
        return false;
      }
      e->value = value;
      touch(*e);
      while (weight() > limit_) evict();
      return false;
    }
    if (value > limit_) return false;
    while (weight() + value > limit_) evict();
    entries_.push_back({key, value, 1, ++clock_});
    return true;
  }

  bool erase(int key) { return remove(key); }

  [[nodiscard]] std::uint64_t weight() const {
    std::uint64_t sum = 0;
    for (const Entry& e : entries_) sum += e.value;
    return sum;
  }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    int key;
    std::uint32_t value;
    std::uint64_t frequency;
    std::uint64_t last_use;
  };

  Entry* find(int key) {
    for (Entry& e : entries_) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }
  void touch(Entry& e) {
    ++e.frequency;
    e.last_use = ++clock_;
  }
  bool remove(int key) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const Entry& e) { return e.key == key; });
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
  }
  void evict() {
    const auto victim = std::min_element(
        entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
          if (lfu_ && a.frequency != b.frequency) return a.frequency < b.frequency;
          return a.last_use < b.last_use;
        });
    entries_.erase(victim);
    ++evictions_;
  }

  std::uint64_t limit_;
  bool lfu_;
  std::uint64_t clock_ = 0;  // larger = more recent
  std::uint64_t evictions_ = 0;
  std::vector<Entry> entries_;
};

template <class Core>
void check_against_weighted_model(bool lfu, std::uint64_t limit, std::uint64_t seed) {
  Core core(CoreConfig{.max_weight = limit}, by_value<int>());
  WeightedModel model(limit, lfu);
  purecache::test::SplitMix64 random(seed);
  for (int step = 0; step < 20'000; ++step) {
    INFO("step " << step << ", limit " << limit);
    const int key = static_cast<int>(random.next() % 40);
    // Mostly light values, sometimes one heavier than the whole cache.
    const auto value = static_cast<std::uint32_t>(random.next() % 8 == 0
                                                      ? random.next() % (limit + limit / 2 + 2)
                                                      : random.next() % (limit / 4 + 1));
    switch (random.next() % 4) {
      case 0:
      case 1: {
        const std::uint32_t* got = core.get(key, kNow);
        const std::optional<std::uint32_t> expected = model.get(key);
        REQUIRE((got != nullptr) == expected.has_value());
        if (got != nullptr) REQUIRE(*got == *expected);
        break;
      }
      case 2:
        REQUIRE(core.set(key, value, kNow) == model.set(key, value));
        break;
      default:
        REQUIRE(core.erase(key, kNow) == model.erase(key));
    }
    REQUIRE(core.size() == model.size());
    REQUIRE(core.weight() == model.weight());
    REQUIRE(core.weight() <= limit);
    REQUIRE(core.evictions().capacity == model.evictions());
  }
}

}  // namespace

TEST_CASE("a core is bounded by entries or by weight, never both, and weight needs a weigher",
          "[core][weight]") {
  using Core = purecache::LRUCore<int, std::uint32_t>;
  CHECK_THROWS_MATCHES(Core(CoreConfig{.capacity = 4, .max_weight = 10}, by_value<int>()),
                       ConfigError,
                       Catch::Message("capacity must be 0 when max_weight is set (bound by "
                                      "entries or by weight), got 4"));
  CHECK_THROWS_MATCHES(Core(CoreConfig{.max_weight = 10}), ConfigError,
                       Catch::Message("weigher must be given when max_weight is set, got empty"));
  CHECK_THROWS_MATCHES(Core(CoreConfig{.capacity = 4}, by_value<int>()), ConfigError,
                       Catch::Message("max_weight must be >= 1 when a weigher is given, got 0"));
  CHECK_THROWS_MATCHES(Core(CoreConfig{}), ConfigError,
                       Catch::Message("capacity must be >= 1, got 0"));
  CHECK_THROWS_MATCHES(Core(CoreConfig{.capacity = 4, .parameters = "window=0.1"}), ConfigError,
                       Catch::Message("lru parameters must be empty: the policy has no knobs, got "
                                      "'window=0.1'"));
}

TEST_CASE("weighted LRU evicts from the least recent end until the new entry fits",
          "[core][weight][lru]") {
  purecache::LRUCore<int, std::uint32_t> lru(CoreConfig{.max_weight = 10}, by_value<int>());
  CHECK(lru.capacity() == 0);  // not bounded by entries
  CHECK(lru.set(1, 4, kNow));
  CHECK(lru.set(2, 4, kNow));
  CHECK(lru.weight() == 8);
  CHECK(lru.get(1, kNow) != nullptr);  // 2 is now the least recent
  CHECK(lru.set(3, 5, kNow));          // 8 + 5 > 10: evicts 2 only
  CHECK(lru.get(2, kNow) == nullptr);
  CHECK(lru.size() == 2);
  CHECK(lru.weight() == 9);
  CHECK_FALSE(lru.set(4, 11, kNow));  // heavier than the cache: not kept, nothing evicted
  CHECK(lru.size() == 2);
  CHECK(lru.evictions().capacity == 1);
  CHECK(lru.set(5, 10, kNow));  // exactly the limit: evicts both others
  CHECK(lru.get(1, kNow) == nullptr);
  CHECK(lru.get(3, kNow) == nullptr);
  CHECK(lru.evictions().capacity == 3);
  CHECK(lru.set(1, 1, kNow));  // evicts 5
  CHECK(lru.set(6, 2, kNow));
  CHECK(lru.weight() == 3);
  CHECK_FALSE(lru.set(1, 9, kNow));  // an overwrite that grows evicts the least recent: 6
  CHECK(lru.get(6, kNow) == nullptr);
  CHECK(lru.weight() == 9);
  CHECK(lru.evictions().capacity == 5);
  CHECK_FALSE(lru.set(1, 12, kNow));  // grown past the limit: removed
  CHECK(lru.size() == 0);
  CHECK(lru.weight() == 0);
  CHECK(lru.evictions().capacity == 6);
}

TEST_CASE("weighted LFU evicts the least frequent until the new entry fits", "[core][weight][lfu]") {
  purecache::LFUCore<int, std::uint32_t> lfu(CoreConfig{.max_weight = 10}, by_value<int>());
  CHECK(lfu.set(1, 3, kNow));
  CHECK(lfu.set(2, 3, kNow));
  CHECK(lfu.set(3, 3, kNow));
  CHECK(lfu.get(1, kNow) != nullptr);
  CHECK(lfu.get(3, kNow) != nullptr);
  CHECK(lfu.set(4, 4, kNow));  // 9 + 4 > 10: 2 (frequency 1) goes, then 6 + 4 fits
  CHECK(lfu_contents(lfu, 5) == std::vector<int>{1, 3, 4});
  CHECK(lfu.evictions().capacity == 1);
  // Needs 7 of 10: 4 (frequency 1) goes, then 1, the less recent of the two at frequency 2.
  CHECK(lfu.set(5, 7, kNow));
  CHECK(lfu_contents(lfu, 5) == std::vector<int>{3, 5});
  CHECK(lfu.weight() == 10);
  CHECK(lfu.evictions().capacity == 3);
}

TEST_CASE("weighted LRU and LFU match a naive weighted model", "[core][weight]") {
  for (const std::uint64_t limit : {1ULL, 10ULL, 100ULL}) {
    check_against_weighted_model<purecache::LRUCore<int, std::uint32_t>>(false, limit, 7 + limit);
    check_against_weighted_model<purecache::LFUCore<int, std::uint32_t>>(true, limit, 9 + limit);
  }
}
