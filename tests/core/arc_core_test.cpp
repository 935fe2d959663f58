// ARCCore: T1/T2 moves, ghost hits adapting p, case IV, weight mode, and random operations
// against a plain list model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <optional>

#include "purecache/core/arc_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/random_model_run.hpp"

namespace {

using purecache::CoreConfig;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using Core = purecache::ARCCore<int, int>;

constexpr Timestamp kNow{0};

/// Weight mode where each entry weighs its value.
purecache::Weigher<int, int> weigh_value() {
  return [](const int&, const int& value) { return static_cast<std::uint64_t>(value); };
}

/// ARC as libCacheSim runs it, written plainly over std::list, O(n) per operation:
/// front = most recent.
class ARCModel {
 public:
  ARCModel(std::uint64_t limit, bool by_weight) : c_(limit), by_weight_(by_weight) {}

  std::optional<int> get(int key) {
    for (auto it = t1_.begin(); it != t1_.end(); ++it) {
      if (it->key == key) {
        in_b2_ = false;
        t2_.splice(t2_.begin(), t1_, it);
        return t2_.front().value;
      }
    }
    for (auto it = t2_.begin(); it != t2_.end(); ++it) {
      if (it->key == key) {
        in_b2_ = false;
        t2_.splice(t2_.begin(), t2_, it);
        return it->value;
      }
    }
    return std::nullopt;
  }

  bool set(int key, int value) {
    const std::uint64_t w = weight_of(value);
    if (get(key)) {  // now at T2's head
      if (w > c_) {
        t2_.pop_front();
        ++evictions;
        return false;
      }
      t2_.front().value = value;
      while (used() > c_)
        replace();
      return false;
    }
    bool ghost_hit = false;
    for (std::list<Item>* ghost : {&b1_, &b2_}) {
      for (auto it = ghost->begin(); it != ghost->end(); ++it) {
        if (it->key != key) continue;
        const double b1 = static_cast<double>(sum(b1_));
        const double b2 = static_cast<double>(sum(b2_));
        in_b2_ = ghost == &b2_;
        if (in_b2_) {
          p_ = std::max(p_ - std::max(b1 / b2, 1.0), 0.0);
        } else {
          p_ = std::min(p_ + std::max(b2 / b1, 1.0), static_cast<double>(c_));
        }
        ghost->erase(it);
        ghost_hit = true;
        break;
      }
      if (ghost_hit) break;
    }
    if (w > c_) return false;
    while (used() + w > c_) {
      if (ghost_hit) {
        replace();
        continue;
      }
      if (sum(t1_) + sum(b1_) + w > c_) {
        if (!b1_.empty()) {
          b1_.pop_back();
          replace();
        } else {
          t1_.pop_back();
          ++evictions;
        }
      } else {
        if (sum(t1_) + sum(b1_) + sum(t2_) + sum(b2_) >= 2 * c_ && !b2_.empty()) b2_.pop_back();
        replace();
      }
    }
    if (ghost_hit) {
      t2_.push_front(Item{key, value});
      in_b2_ = false;
    } else {
      t1_.push_front(Item{key, value});
    }
    return true;
  }

  bool erase(int key) {
    b1_.remove_if([&](const Item& item) { return item.key == key; });
    b2_.remove_if([&](const Item& item) { return item.key == key; });
    const std::size_t before = size();
    t1_.remove_if([&](const Item& item) { return item.key == key; });
    t2_.remove_if([&](const Item& item) { return item.key == key; });
    return size() != before;
  }

  [[nodiscard]] std::size_t size() const { return t1_.size() + t2_.size(); }
  [[nodiscard]] std::uint64_t used() const { return sum(t1_) + sum(t2_); }
  [[nodiscard]] double target() const { return p_; }
  [[nodiscard]] int where(int key) const {
    const std::pair<const std::list<Item>*, int> lists[] = {{&t1_, 1}, {&t2_, 2}, {&b1_, -1},
                                                            {&b2_, -2}};
    for (const auto& [list, id] : lists)
      for (const Item& item : *list)
        if (item.key == key) return id;
    return 0;
  }

  std::uint64_t evictions = 0;

 private:
  struct Item {
    int key;
    int value;  // in a ghost list, kept only for its weight
  };

  [[nodiscard]] std::uint64_t weight_of(int value) const {
    return by_weight_ ? static_cast<std::uint64_t>(value) : 1;
  }
  [[nodiscard]] std::uint64_t sum(const std::list<Item>& list) const {
    std::uint64_t total = 0;
    for (const Item& item : list)
      total += weight_of(item.value);
    return total;
  }

  void replace() {
    const std::uint64_t t1 = sum(t1_);
    const double t1d = static_cast<double>(t1);
    const bool from_t1 = (t1 > 0 && (t1d > p_ || (t1d == p_ && in_b2_))) || t2_.empty();
    std::list<Item>& from = from_t1 ? t1_ : t2_;
    std::list<Item>& to = from_t1 ? b1_ : b2_;
    to.splice(to.begin(), from, std::prev(from.end()));
    ++evictions;
  }

  std::uint64_t c_;
  bool by_weight_;
  double p_ = 0;
  bool in_b2_ = false;
  std::list<Item> t1_, t2_, b1_, b2_;
};

}  // namespace

TEST_CASE("ARC moves keys between its lists and adapts p in the hand-worked order",
          "[core][arc]") {
  Core core(CoreConfig{.capacity = 4});
  for (const int key : {1, 2, 3, 4})
    CHECK(core.set(key, key * 10, kNow, kDefaultTTL));
  CHECK(core.where(1) == 1);
  REQUIRE(core.get(1, kNow) != nullptr);
  REQUIRE(core.get(2, kNow) != nullptr);
  CHECK(core.where(1) == 2);
  // T1 = [4 3], T2 = [2 1]: REPLACE takes T1's oldest into B1 while |T1| > p = 0.
  CHECK(core.set(5, 50, kNow, kDefaultTTL));
  CHECK(core.where(3) == -1);
  CHECK(core.set(6, 60, kNow, kDefaultTTL));
  CHECK(core.where(4) == -1);
  // |T1| + |B1| + 1 > c: B1's oldest (3) is dropped, then REPLACE evicts 5 into B1.
  CHECK(core.set(7, 70, kNow, kDefaultTTL));
  CHECK(core.where(3) == 0);
  CHECK(core.where(5) == -1);
  CHECK(core.evictions().capacity == 3);
  CHECK(core.get(4, kNow) == nullptr);  // a ghost is not cached
  // 4 is in B1: p grows by max(|B2| / |B1|, 1) = 1; 6 leaves T1 for B1; 4 enters T2.
  CHECK(core.set(4, 40, kNow, kDefaultTTL));
  CHECK(core.target() == 1.0);
  CHECK(core.where(4) == 2);
  CHECK(core.where(6) == -1);
  // |T1| = 1 = p and the last ghost hit was in B1: REPLACE takes T2's oldest (1) into B2.
  CHECK(core.set(8, 80, kNow, kDefaultTTL));
  CHECK(core.where(1) == -2);
  // 1 is in B2: p shrinks by max(|B1| / |B2|, 1) = 2, to 0; T1's oldest (7) goes to B1.
  CHECK(core.set(1, 10, kNow, kDefaultTTL));
  CHECK(core.target() == 0.0);
  CHECK(core.where(1) == 2);
  CHECK(core.where(7) == -1);
  CHECK(core.where(8) == 1);
  CHECK(core.size() == 4);
  CHECK(core.ghost_size() == 3);
  CHECK(core.evictions().capacity == 6);
}

TEST_CASE("ARC in weight mode measures its lists and p in weight", "[core][arc]") {
  Core core(CoreConfig{.max_weight = 10}, weigh_value());
  CHECK(core.set(1, 4, kNow, kDefaultTTL));
  CHECK(core.set(2, 4, kNow, kDefaultTTL));
  REQUIRE(core.get(1, kNow) != nullptr);
  // 3 (weight 5): |T1| + |B1| + 5 <= 10, so REPLACE evicts 2 into B1; 3 then fits.
  CHECK(core.set(3, 5, kNow, kDefaultTTL));
  CHECK(core.where(2) == -1);
  CHECK(core.weight() == 9);
  // 2 is in B1: p = 1; 3 (|T1| = 5 > 1) goes to B1; 2 enters T2.
  CHECK(core.set(2, 4, kNow, kDefaultTTL));
  CHECK(core.target() == 1.0);
  CHECK(core.where(3) == -1);
  CHECK(core.where(2) == 2);
  CHECK(core.weight() == 8);
  // T1 is empty, so REPLACE evicts T2's oldest (1, weight 4) into B2.
  CHECK(core.set(4, 3, kNow, kDefaultTTL));
  CHECK(core.where(1) == -2);
  CHECK(core.weight() == 7);
  CHECK(core.evictions().capacity == 3);
  CHECK_FALSE(core.set(5, 11, kNow, kDefaultTTL));  // heavier than the cache: not inserted
  CHECK(core.size() == 2);
}

TEST_CASE("an ARC overwrite counts as a hit and a heavier-than-the-cache one removes the key",
          "[core][arc]") {
  Core core(CoreConfig{.max_weight = 10}, weigh_value());
  CHECK(core.set(1, 4, kNow, kDefaultTTL));
  CHECK_FALSE(core.set(1, 5, kNow, kDefaultTTL));
  CHECK(core.where(1) == 2);
  CHECK(core.weight() == 5);
  CHECK_FALSE(core.set(1, 11, kNow, kDefaultTTL));
  CHECK(core.where(1) == 0);
  CHECK(core.weight() == 0);
  CHECK(core.evictions().capacity == 1);
}

TEST_CASE("ARC erase and clear forget ghosts and keep the counters", "[core][arc]") {
  Core core(CoreConfig{.capacity = 2});
  core.set(1, 1, kNow, kDefaultTTL);
  core.set(2, 2, kNow, kDefaultTTL);
  REQUIRE(core.get(1, kNow) != nullptr);
  core.set(3, 3, kNow, kDefaultTTL);
  REQUIRE(core.where(2) == -1);
  CHECK_FALSE(core.erase(2, kNow));
  CHECK(core.where(2) == 0);
  CHECK(core.erase(3, kNow));
  CHECK(core.size() == 1);
  core.clear();
  CHECK(core.size() == 0);
  CHECK(core.ghost_size() == 0);
  CHECK(core.target() == 0.0);
  CHECK(core.evictions().capacity == 1);
}

TEST_CASE("ARC has no knobs", "[core][arc]") {
  CHECK(Core(CoreConfig{.capacity = 4}).parameters().empty());
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 4, .parameters = "p=1"}), purecache::ConfigError);
}

TEST_CASE("ARC matches a plain list model over random operations", "[core][arc]") {
  for (const bool by_weight : {false, true}) {
    for (const std::uint64_t limit : {1u, 5u, 16u, 50u}) {
      INFO("by weight " << by_weight << ", limit " << limit);
      Core core = by_weight ? Core(CoreConfig{.max_weight = limit}, weigh_value())
                            : Core(CoreConfig{.capacity = limit});
      ARCModel model(limit, by_weight);
      purecache::test::run_random_operations(
          core, model, static_cast<std::uint32_t>(limit * 2 + by_weight),
          static_cast<int>(limit) * 3 + 2, 3000,
          [](const Core& c, const ARCModel& m) { REQUIRE(c.target() == m.target()); });
    }
  }
}

TEST_CASE("ARC memory counts its ghosts", "[core][arc][memory]") {
  Core core(CoreConfig{.capacity = 100});
  for (int key = 0; key < 100; ++key)
    core.set(key, key, kNow, kDefaultTTL);
  for (int key = 0; key < 50; ++key)  // into T2, so that T1's evictions leave ghosts in B1
    REQUIRE(core.get(key, kNow) != nullptr);
  const auto before = core.memory().current_bytes;
  for (int key = 100; key < 150; ++key)
    core.set(key, key, kNow, kDefaultTTL);
  REQUIRE(core.ghost_size() > 0);
  CHECK(core.size() == 100);
  CHECK(core.memory().current_bytes > before);
}
