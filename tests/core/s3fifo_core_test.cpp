// S3FIFOCore: queue sizing, moves between the small, main and ghost queues, weight mode, knobs,
// and random operations against a plain list model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <optional>
#include <string>

#include "purecache/core/s3fifo_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/random_model_run.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using Core = purecache::S3FIFOCore<int, int>;

constexpr Timestamp kNow{0};

/// Weight mode where each entry weighs its value.
purecache::Weigher<int, int> weigh_value() {
  return [](const int&, const int& value) { return static_cast<std::uint64_t>(value); };
}

/// S3-FIFO written plainly over std::list, O(n) per operation: front = newest.
class S3FIFOModel {
 public:
  S3FIFOModel(std::uint64_t limit, bool by_weight) : limit_(limit), by_weight_(by_weight) {
    small_limit_ = static_cast<std::uint64_t>(static_cast<double>(limit) * 0.1);
    main_limit_ = limit - small_limit_;
    ghost_limit_ = static_cast<std::uint64_t>(static_cast<double>(limit) * 0.9);
  }

  std::optional<int> get(int key) {
    Item* item = find(key);
    if (item == nullptr) return std::nullopt;
    item->freq = std::min(item->freq + 1, 255);
    return item->value;
  }

  bool set(int key, int value) {
    const std::uint64_t w = weight_of(value);
    if (Item* item = find(key)) {
      if (w > small_limit_) {
        remove(key);
        ++evictions;
        return false;
      }
      item->value = value;
      item->freq = std::min(item->freq + 1, 255);
      while (used() > limit_)
        evict();
      return false;
    }
    bool ghost_hit = false;
    for (auto it = ghost_.begin(); it != ghost_.end(); ++it) {
      if (it->first == key) {
        ghost_.erase(it);
        ghost_hit = true;
        break;
      }
    }
    if (w > small_limit_) return false;
    while (used() + w > limit_)
      evict();
    if (!ghost_hit && w == small_limit_) return false;
    (ghost_hit ? main_ : small_).push_front(Item{key, value, 0});
    return true;
  }

  bool erase(int key) {
    ghost_.remove_if([&](const auto& g) { return g.first == key; });
    return remove(key);
  }

  [[nodiscard]] std::size_t size() const { return small_.size() + main_.size(); }
  [[nodiscard]] std::uint64_t used() const { return sum(small_) + sum(main_); }
  [[nodiscard]] char where(int key) const {
    for (const Item& item : small_)
      if (item.key == key) return 's';
    for (const Item& item : main_)
      if (item.key == key) return 'm';
    for (const auto& g : ghost_)
      if (g.first == key) return 'g';
    return 0;
  }

  std::uint64_t evictions = 0;

 private:
  struct Item {
    int key;
    int value;
    int freq;
  };

  [[nodiscard]] std::uint64_t weight_of(int value) const {
    return by_weight_ ? static_cast<std::uint64_t>(value) : 1;
  }
  [[nodiscard]] std::uint64_t sum(const std::list<Item>& queue) const {
    std::uint64_t total = 0;
    for (const Item& item : queue)
      total += weight_of(item.value);
    return total;
  }
  Item* find(int key) {
    for (std::list<Item>* queue : {&small_, &main_})
      for (Item& item : *queue)
        if (item.key == key) return &item;
    return nullptr;
  }
  bool remove(int key) {
    const std::size_t before = size();
    small_.remove_if([&](const Item& item) { return item.key == key; });
    main_.remove_if([&](const Item& item) { return item.key == key; });
    return size() != before;
  }

  void evict() {
    if (sum(main_) > main_limit_ || small_.empty()) {
      while (!main_.empty()) {
        Item item = main_.back();
        main_.pop_back();
        if (item.freq >= 1) {
          item.freq = std::min(item.freq, 3) - 1;
          main_.push_front(item);
        } else {
          ++evictions;
          return;
        }
      }
      return;
    }
    while (!small_.empty()) {
      Item item = small_.back();
      small_.pop_back();
      if (item.freq >= 2) {
        item.freq = 0;
        main_.push_front(item);
        continue;
      }
      const std::uint64_t w = weight_of(item.value);
      if (w <= ghost_limit_) {
        auto ghost_weight = [&] {
          std::uint64_t total = 0;
          for (const auto& g : ghost_)
            total += g.second;
          return total;
        };
        while (ghost_weight() + w > ghost_limit_)
          ghost_.pop_back();
        ghost_.emplace_front(item.key, w);
      }
      ++evictions;
      return;
    }
  }

  std::uint64_t limit_;
  bool by_weight_;
  std::uint64_t small_limit_;
  std::uint64_t main_limit_;
  std::uint64_t ghost_limit_;
  std::list<Item> small_;
  std::list<Item> main_;
  std::list<std::pair<int, std::uint64_t>> ghost_;  // key, weight
};

}  // namespace

TEST_CASE("S3-FIFO sizes its queues as libCacheSim does, truncating toward zero",
          "[core][s3fifo]") {
  const Core core(CoreConfig{.capacity = 1000});
  CHECK(core.small_limit() == 100);
  CHECK(core.main_limit() == 900);
  CHECK(core.ghost_limit() == 900);
  CHECK(core.parameters() == "small=0.1,ghost=0.9,threshold=2");
  const Core odd(CoreConfig{.capacity = 19});
  CHECK(odd.small_limit() == 1);
  CHECK(odd.main_limit() == 18);
  CHECK(odd.ghost_limit() == 17);
}

TEST_CASE("S3-FIFO admits nothing as heavy as its small queue, as libCacheSim", "[core][s3fifo]") {
  // Capacity 10: the small queue holds 1, and a key of weight 1 is never inserted.
  Core tiny(CoreConfig{.capacity = 10});
  CHECK_FALSE(tiny.set(1, 10, kNow, kDefaultTTL));
  CHECK(tiny.get(1, kNow) == nullptr);
  CHECK(tiny.size() == 0);
  // Capacity 9: the small queue holds 0.
  Core tinier(CoreConfig{.capacity = 9});
  CHECK_FALSE(tinier.set(1, 10, kNow, kDefaultTTL));
  CHECK(tinier.size() == 0);
}

TEST_CASE("S3-FIFO moves keys between its queues in the hand-worked order", "[core][s3fifo]") {
  // Capacity 4 with small=0.5: |S| = 2, |M| = 2, |G| = 3 (floor of 3.6).
  Core core(CoreConfig{.capacity = 4, .parameters = "small=0.5"});
  for (const int key : {1, 2, 3, 4})
    CHECK(core.set(key, key * 10, kNow, kDefaultTTL));
  CHECK(core.where(1) == 's');  // S may pass its share until the whole cache is full
  REQUIRE(core.get(1, kNow) != nullptr);
  REQUIRE(core.get(1, kNow) != nullptr);
  REQUIRE(core.get(2, kNow) != nullptr);
  // Full: S's oldest, 1, was read twice and moves to M; then 2 (read once) goes to the ghost.
  CHECK(core.set(5, 50, kNow, kDefaultTTL));
  CHECK(core.where(1) == 'm');
  CHECK(core.where(2) == 'g');
  CHECK(core.where(5) == 's');
  CHECK(core.size() == 4);
  CHECK(core.ghost_size() == 1);
  CHECK(core.evictions().capacity == 1);
  CHECK(core.get(2, kNow) == nullptr);  // a ghost is not cached
  // 2 returns from the ghost straight into M; S's oldest (3) makes room and becomes a ghost.
  CHECK(core.set(2, 20, kNow, kDefaultTTL));
  CHECK(core.where(2) == 'm');
  CHECK(core.where(3) == 'g');
  REQUIRE(core.get(1, kNow) != nullptr);
  for (const int key : {6, 7, 8})
    CHECK(core.set(key, key * 10, kNow, kDefaultTTL));
  // 4, 5 and 6 were evicted from S in turn; the ghost holds 3 keys, so 3 fell off it.
  CHECK(core.where(3) == 0);
  CHECK(core.where(4) == 'g');
  CHECK(core.where(6) == 'g');
  CHECK(core.ghost_size() == 3);
  CHECK(core.evictions().capacity == 5);
  // 4 returns into M, which now holds 3 keys, more than its share of 2 (7 leaves S for G).
  CHECK(core.set(4, 40, kNow, kDefaultTTL));
  CHECK(core.where(4) == 'm');
  CHECK(core.where(7) == 'g');
  // Next eviction is from M: 1 (read once since it entered M) goes back to M's head colder;
  // 2 (unread) is evicted for good, with no ghost.
  CHECK(core.set(9, 90, kNow, kDefaultTTL));
  CHECK(core.where(2) == 0);
  CHECK(core.where(1) == 'm');
  CHECK(core.where(9) == 's');
  CHECK(core.size() == 4);
  CHECK(core.evictions().capacity == 7);
}

TEST_CASE("S3-FIFO in weight mode sizes its queues in weight", "[core][s3fifo]") {
  // Limit 10 with small=0.5: |S| = 5, |M| = 5, |G| = 9; each entry weighs its value.
  Core core(CoreConfig{.max_weight = 10, .parameters = "small=0.5"}, weigh_value());
  CHECK(core.set(1, 3, kNow, kDefaultTTL));
  CHECK_FALSE(core.set(2, 5, kNow, kDefaultTTL));  // as heavy as S: not inserted
  CHECK_FALSE(core.set(3, 6, kNow, kDefaultTTL));  // heavier than S: not inserted
  CHECK(core.size() == 1);
  CHECK(core.set(2, 4, kNow, kDefaultTTL));
  REQUIRE(core.get(1, kNow) != nullptr);
  REQUIRE(core.get(1, kNow) != nullptr);
  CHECK(core.set(4, 2, kNow, kDefaultTTL));
  CHECK(core.weight() == 9);
  // 5 (weight 3) needs room: 1 moves to M, 2 (weight 4) is evicted to the ghost.
  CHECK(core.set(5, 3, kNow, kDefaultTTL));
  CHECK(core.where(1) == 'm');
  CHECK(core.where(2) == 'g');
  CHECK(core.weight() == 8);
  CHECK(core.evictions().capacity == 1);
  // 2 returns from the ghost into M; 4 (weight 2) leaves S to make room.
  CHECK(core.set(2, 4, kNow, kDefaultTTL));
  CHECK(core.where(2) == 'm');
  CHECK(core.where(4) == 'g');
  CHECK(core.weight() == 10);
  CHECK(core.size() == 3);
}

TEST_CASE("an S3-FIFO overwrite counts an access and keeps the key in its queue",
          "[core][s3fifo]") {
  Core core(CoreConfig{.capacity = 4, .parameters = "small=0.5"});
  for (const int key : {1, 2, 3, 4})
    core.set(key, key, kNow, kDefaultTTL);
  CHECK_FALSE(core.set(1, 11, kNow, kDefaultTTL));
  CHECK_FALSE(core.set(1, 12, kNow, kDefaultTTL));
  CHECK(core.where(1) == 's');
  core.set(5, 5, kNow, kDefaultTTL);  // 1 had two accesses: it moves to M
  CHECK(core.where(1) == 'm');
  CHECK(*core.get(1, kNow) == 12);
}

TEST_CASE("S3-FIFO erase and clear forget ghosts and keep the counters", "[core][s3fifo]") {
  Core core(CoreConfig{.capacity = 4, .parameters = "small=0.5"});
  for (const int key : {1, 2, 3, 4, 5})
    core.set(key, key, kNow, kDefaultTTL);
  REQUIRE(core.where(1) == 'g');
  CHECK_FALSE(core.erase(1, kNow));  // a ghost is not cached, but it is forgotten
  CHECK(core.where(1) == 0);
  CHECK(core.erase(2, kNow));
  CHECK(core.size() == 3);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.ghost_size() == 0);
  CHECK(core.weight() == 0);
  CHECK(core.evictions().capacity == 1);
}

TEST_CASE("S3-FIFO knobs are parsed, checked and reported", "[core][s3fifo]") {
  const Core core(CoreConfig{.capacity = 100, .parameters = "threshold=1,small=0.25,ghost=2"});
  CHECK(core.small_limit() == 25);
  CHECK(core.main_limit() == 75);
  CHECK(core.ghost_limit() == 200);
  CHECK(core.parameters() == "small=0.25,ghost=2,threshold=1");
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 100, .parameters = "small=2"}),
                  purecache::ConfigError);
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 100, .parameters = "threshold=0"}),
                  purecache::ConfigError);
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 100, .parameters = "size=3"}),
                  purecache::ConfigError);
}

TEST_CASE("S3-FIFO matches a plain list model over random operations", "[core][s3fifo]") {
  for (const bool by_weight : {false, true}) {
    for (const std::uint64_t limit : {20u, 37u, 100u}) {
      INFO("by weight " << by_weight << ", limit " << limit);
      Core core = by_weight ? Core(CoreConfig{.max_weight = limit}, weigh_value())
                            : Core(CoreConfig{.capacity = limit});
      S3FIFOModel model(limit, by_weight);
      purecache::test::run_random_operations(
          core, model, static_cast<std::uint32_t>(limit * 2 + by_weight),
          static_cast<int>(limit) * 2, 4000, [](const Core&, const S3FIFOModel&) {});
    }
  }
}

TEST_CASE("S3-FIFO memory counts its ghosts", "[core][s3fifo][memory]") {
  Core core(CoreConfig{.capacity = 100});
  for (int key = 0; key < 100; ++key)
    core.set(key, key, kNow, kDefaultTTL);
  const auto before = core.memory().current_bytes;
  for (int key = 100; key < 150; ++key)
    core.set(key, key, kNow, kDefaultTTL);
  REQUIRE(core.ghost_size() > 0);
  CHECK(core.size() == 100);
  CHECK(core.memory().current_bytes > before);
}

TEST_CASE("S3-FIFO reuses the entries of erased keys, so erasing keeps memory bounded",
          "[core][s3fifo][memory]") {
  // Keys erased from M and ghosts hit and dropped leave stale numbers in the rings; their entries
  // wait until no ring names them, and a sweep frees them when too many wait.
  Core core(CoreConfig{.capacity = 100});
  const auto round = [&core](int first) {
    for (int key = first; key < first + 200; ++key) {
      core.set(key, key, kNow, kDefaultTTL);
      core.get(key, kNow);
      core.get(key, kNow);  // frequent: moves to M when S evicts it
    }
    for (int key = first; key < first + 200; key += 2)
      core.erase(key, kNow);
  };
  round(0);
  round(1000);
  const auto settled = core.memory().current_bytes;
  for (int r = 2; r < 40; ++r)
    round(r * 1000);
  CHECK(core.memory().current_bytes <= settled);
  CHECK(core.size() <= 100);
  CHECK(core.evictions().capacity > 0);
}
