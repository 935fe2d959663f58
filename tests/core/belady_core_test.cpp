// BeladyCore: farthest-next-access eviction in count and weight mode, libCacheSim's tie order,
// overwrites, erase, and an oracle test against a naive model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "purecache/core/belady_core.hpp"
#include "purecache/error.hpp"
#include "support/core_printers.hpp"
#include "support/naive_next_accesses.hpp"

namespace {

using purecache::CoreConfig;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using Core = purecache::BeladyCore<int, int>;
constexpr std::uint64_t kNever = Core::kNever;
constexpr Timestamp kNow{0};

/// One request of a hand trace: a key and, in weight mode, its weight (the value stored).
struct Step {
  int key;
  int weight = 1;
};

/// Where each step's key comes next in `steps`, kNever if it does not.
std::vector<std::uint64_t> next_accesses(const std::vector<Step>& steps) {
  return purecache::test::naive_next_accesses(steps, [](const Step& s) { return s.key; }, kNever);
}

/// Replays `steps` as a simulator does (get, and set on a miss), returning for each step
/// whether it hit and the keys cached after it.
struct Replayed {
  std::vector<bool> hits;
  std::vector<std::set<int>> contents;
};
Replayed replay(Core& core, const std::vector<Step>& steps) {
  const std::vector<std::uint64_t> next = next_accesses(steps);
  std::set<int> keys;
  for (const Step& step : steps) keys.insert(step.key);
  Replayed out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    core.set_next_access(next[i]);
    const bool hit = core.get(steps[i].key, kNow) != nullptr;
    if (!hit) core.set(steps[i].key, steps[i].weight, kNow, kDefaultTTL);
    out.hits.push_back(hit);
    std::set<int> cached;
    for (const int key : keys) {
      if (core.contains(key)) cached.insert(key);
    }
    out.contents.push_back(cached);
  }
  return out;
}

Core weighted(std::uint64_t max_weight) {
  return Core(CoreConfig{.max_weight = max_weight},
              [](const int&, const int& weight) { return static_cast<std::uint64_t>(weight); });
}

}  // namespace

TEST_CASE("Belady evicts the key needed farthest ahead and always admits the missed key",
          "[core][belady]") {
  Core core(CoreConfig{.capacity = 2});
  // a b c a b d a: c is never needed again, yet it is admitted (evicting b, needed at 4, after
  // a at 3); at 4 c goes (never needed again beats a at 6).
  const auto r = replay(core, {{1}, {2}, {3}, {1}, {2}, {4}, {1}});
  CHECK(r.hits == std::vector<bool>{false, false, false, true, false, false, true});
  CHECK(r.contents[0] == std::set<int>{1});
  CHECK(r.contents[1] == std::set<int>{1, 2});
  CHECK(r.contents[2] == std::set<int>{1, 3});
  CHECK(r.contents[3] == std::set<int>{1, 3});
  CHECK(r.contents[4] == std::set<int>{1, 2});
  // At 5, b is never needed again and a at 6: b goes.
  CHECK(r.contents[5] == std::set<int>{1, 4});
  CHECK(r.contents[6] == std::set<int>{1, 4});
  CHECK(core.evictions().capacity == 3);
  CHECK(core.size() == 2);
  CHECK(core.weight() == 2);
}

TEST_CASE("Belady in weight mode breaks ties between never-needed keys as libCacheSim's heap does",
          "[core][belady]") {
  // Three never-needed keys of weight 1 in a heap [1, 2, 3]: popping 1 moves 3 to the root, and
  // an equal child never overtakes it, so 3 goes next, before 2 (not insertion order). With
  // sizes the choice changes counts, so it must be libCacheSim's.
  Core core = weighted(3);
  core.set_next_access(kNever);
  for (const int key : {1, 2, 3}) core.set(key, 1, kNow, kDefaultTTL);
  core.set(4, 1, kNow, kDefaultTTL);
  CHECK_FALSE(core.contains(1));
  core.set(5, 1, kNow, kDefaultTTL);
  CHECK_FALSE(core.contains(3));
  CHECK(core.contains(2));
  CHECK(core.contains(4));
  CHECK(core.contains(5));
}

TEST_CASE("Belady in count mode evicts a never-needed key before any key needed again",
          "[core][belady]") {
  // Count mode keeps them after the heap, in no order (which one goes changes no count), and
  // evicts the last of them: here, the one that arrived last.
  Core core(CoreConfig{.capacity = 4});
  core.set_next_access(100);
  core.set(9, 0, kNow, kDefaultTTL);  // needed again: outlives every never-needed key
  core.set_next_access(kNever);
  for (const int key : {1, 2, 3}) core.set(key, 0, kNow, kDefaultTTL);
  core.set(4, 0, kNow, kDefaultTTL);
  CHECK_FALSE(core.contains(3));
  core.set(5, 0, kNow, kDefaultTTL);
  CHECK_FALSE(core.contains(4));
  CHECK(core.contains(1));
  CHECK(core.contains(2));
  CHECK(core.contains(9));
  // A hit at a key's last request takes it off the heap, so it goes next.
  core.set_next_access(kNever);
  REQUIRE(core.get(9, kNow) != nullptr);
  core.set_next_access(kNever);
  core.set(6, 0, kNow, kDefaultTTL);
  CHECK_FALSE(core.contains(9));
  CHECK(core.size() == 4);
}

TEST_CASE("Belady in weight mode evicts farthest first until the new key fits", "[core][belady]") {
  Core core = weighted(10);
  // a2 b3 c4 d6 b a c d: d needs two evictions (c at 6, then a at 5); later a evicts b (never
  // needed again) rather than d (needed at 7), and c evicts a.
  const auto r = replay(core, {{1, 2}, {2, 3}, {3, 4}, {4, 6}, {2, 3}, {1, 2}, {3, 4}, {4, 6}});
  CHECK(r.hits == std::vector<bool>{false, false, false, false, true, false, false, true});
  CHECK(r.contents[2] == std::set<int>{1, 2, 3});
  CHECK(r.contents[3] == std::set<int>{2, 4});
  CHECK(r.contents[4] == std::set<int>{2, 4});
  CHECK(r.contents[5] == std::set<int>{1, 4});
  CHECK(r.contents[6] == std::set<int>{3, 4});
  CHECK(r.contents[7] == std::set<int>{3, 4});
  CHECK(core.weight() == 10);
  CHECK(core.evictions().capacity == 4);
}

TEST_CASE("Belady keeps no key heavier than the cache and evicts nothing for it",
          "[core][belady]") {
  Core core = weighted(10);
  core.set_next_access(5);
  CHECK(core.set(1, 6, kNow, kDefaultTTL));
  core.set_next_access(3);
  CHECK_FALSE(core.set(2, 11, kNow, kDefaultTTL));
  CHECK(core.contains(1));
  CHECK_FALSE(core.contains(2));
  CHECK(core.evictions().capacity == 0);
  // An overwrite too heavy for the cache removes the key, counted as an eviction.
  core.set_next_access(7);
  CHECK_FALSE(core.set(1, 12, kNow, kDefaultTTL));
  CHECK_FALSE(core.contains(1));
  CHECK(core.weight() == 0);
  CHECK(core.evictions().capacity == 1);
}

TEST_CASE("a Belady overwrite reschedules the key and may evict it if it is now farthest",
          "[core][belady]") {
  Core core = weighted(10);
  core.set_next_access(8);
  core.set(1, 4, kNow, kDefaultTTL);
  core.set_next_access(9);
  core.set(2, 4, kNow, kDefaultTTL);
  // Key 1 grows to 7 and is needed never again: over the limit, the farthest (1 itself) goes.
  core.set_next_access(kNever);
  CHECK_FALSE(core.set(1, 7, kNow, kDefaultTTL));
  CHECK_FALSE(core.contains(1));
  CHECK(core.contains(2));
  CHECK(core.weight() == 4);
  // Key 2 grows to 8, needed at 20; key 3 (weight 2, needed at 12) fits beside it.
  core.set_next_access(20);
  core.set(2, 8, kNow, kDefaultTTL);
  core.set_next_access(12);
  core.set(3, 2, kNow, kDefaultTTL);
  CHECK(core.weight() == 10);
  CHECK(core.erase(2, kNow));
  CHECK_FALSE(core.erase(2, kNow));
  CHECK(core.weight() == 2);
}

TEST_CASE("Belady takes no parameters", "[core][belady]") {
  CHECK(Core(CoreConfig{.capacity = 1}).parameters().empty());
  CHECK_THROWS_AS(Core(CoreConfig{.capacity = 1, .parameters = "k=1"}), purecache::ConfigError);
}

namespace {

/// The naive model: a list of entries, the victim found by a linear scan for the largest next
/// access (the first such entry on a tie; the oracle below avoids ties where they matter).
class BeladyModel {
 public:
  BeladyModel(std::uint64_t limit, bool by_weight) : limit_(limit), by_weight_(by_weight) {}
  void set_next_access(std::uint64_t at) { next_ = at; }
  std::optional<int> get(int key) {
    const auto it = find(key);
    if (it == entries_.end()) return std::nullopt;
    it->next = next_;
    return it->value;
  }
  bool set(int key, int value) {
    const std::uint64_t w = weigh(value);
    if (const auto it = find(key); it != entries_.end()) {
      used_ -= weigh(it->value);
      if (w > limit_) {
        entries_.erase(it);
        ++evictions_;
        return false;
      }
      it->value = value;
      it->next = next_;
      used_ += w;
      while (used_ > limit_) evict();
      return false;
    }
    if (w > limit_) return false;
    while (used_ + w > limit_) evict();
    entries_.push_back({key, value, next_});
    used_ += w;
    return true;
  }
  bool erase(int key) {
    const auto it = find(key);
    if (it == entries_.end()) return false;
    used_ -= weigh(it->value);
    entries_.erase(it);
    return true;
  }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::uint64_t used() const { return used_; }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    int key;
    int value;
    std::uint64_t next;
  };
  std::vector<Entry>::iterator find(int key) {
    return std::find_if(entries_.begin(), entries_.end(),
                        [&](const Entry& e) { return e.key == key; });
  }
  [[nodiscard]] std::uint64_t weigh(int value) const {
    return by_weight_ ? static_cast<std::uint64_t>(value) : 1;
  }
  void evict() {
    const auto victim = std::max_element(entries_.begin(), entries_.end(),
                                         [](const Entry& a, const Entry& b) { return a.next < b.next; });
    used_ -= weigh(victim->value);
    entries_.erase(victim);
    ++evictions_;
  }
  std::vector<Entry> entries_;
  std::uint64_t limit_;
  bool by_weight_;
  std::uint64_t used_ = 0;
  std::uint64_t next_ = kNever;
  std::uint64_t evictions_ = 0;
};

enum class OpKind { get, set, erase };
struct Op {
  OpKind kind;
  int key;
  int value;
};

}  // namespace

TEST_CASE("Belady agrees with a naive model on random gets, sets and erases", "[core][belady]") {
  std::mt19937_64 random(2024);
  for (const bool by_weight : {false, true}) {
    for (const std::uint64_t limit : {1U, 3U, 8U, 40U}) {
      // Keys never needed again get distinct far positions in weight mode, so the victim is
      // unique and the model's tie rule does not matter; count mode uses kNever itself, where
      // which of the never-needed keys goes changes nothing observable.
      const bool distinct_never = by_weight;
      for (int round = 0; round < 4; ++round) {
        INFO("weight mode " << by_weight << ", limit " << limit << ", round " << round);
        std::vector<Op> ops;
        for (int i = 0; i < 400; ++i) {
          const auto roll = random() % 10;
          const int key = static_cast<int>(random() % 24);
          const int value = static_cast<int>(random() % 12);  // also the weight, 0 allowed
          ops.push_back({roll < 6 ? OpKind::get : roll < 9 ? OpKind::set : OpKind::erase, key, value});
        }
        std::vector<std::uint64_t> next =
            purecache::test::naive_next_accesses(ops, [](const Op& o) { return o.key; }, kNever);
        for (std::size_t i = 0; i < ops.size(); ++i) {
          if (next[i] == kNever && distinct_never) next[i] = ops.size() + i;
        }
        Core core = by_weight ? weighted(limit) : Core(CoreConfig{.capacity = limit});
        BeladyModel model(limit, by_weight);
        for (std::size_t i = 0; i < ops.size(); ++i) {
          INFO("operation " << i);
          const Op& op = ops[i];
          core.set_next_access(next[i]);
          model.set_next_access(next[i]);
          if (op.kind == OpKind::get) {
            const int* got = core.get(op.key, kNow);
            const std::optional<int> expected = model.get(op.key);
            REQUIRE((got != nullptr) == expected.has_value());
            if (got != nullptr) REQUIRE(*got == *expected);
            // A miss is filled, as a simulator does.
            if (got == nullptr) REQUIRE(core.set(op.key, op.value, kNow, kDefaultTTL) == model.set(op.key, op.value));
          } else if (op.kind == OpKind::set) {
            REQUIRE(core.set(op.key, op.value, kNow, kDefaultTTL) == model.set(op.key, op.value));
          } else {
            REQUIRE(core.erase(op.key, kNow) == model.erase(op.key));
          }
          REQUIRE(core.size() == model.size());
          REQUIRE(core.weight() == model.used());
          REQUIRE(core.evictions().capacity == model.evictions());
        }
      }
    }
  }
}

TEST_CASE("Belady counts alike in count mode and in weight mode with unit weights",
          "[core][belady]") {
  // The two modes break ties between never-needed keys differently (a stack, libCacheSim's
  // heap order); with the true next accesses no count may differ, and neither may any lookup.
  std::mt19937_64 random(7);
  for (const std::uint64_t limit : {1U, 2U, 5U, 16U}) {
    for (int round = 0; round < 6; ++round) {
      INFO("limit " << limit << ", round " << round);
      std::vector<Op> ops;
      for (int i = 0; i < 600; ++i) {
        const auto roll = random() % 20;
        const auto key = static_cast<int>(random() % 40);
        ops.push_back({roll < 16 ? OpKind::get : roll < 19 ? OpKind::set : OpKind::erase, key, 1});
      }
      const std::vector<std::uint64_t> next =
          purecache::test::naive_next_accesses(ops, [](const Op& o) { return o.key; }, kNever);
      Core counted(CoreConfig{.capacity = limit});
      Core weighed = weighted(limit);
      for (std::size_t i = 0; i < ops.size(); ++i) {
        INFO("operation " << i);
        const Op& op = ops[i];
        counted.set_next_access(next[i]);
        weighed.set_next_access(next[i]);
        if (op.kind == OpKind::get) {
          const bool hit = counted.get(op.key, kNow) != nullptr;
          REQUIRE(hit == (weighed.get(op.key, kNow) != nullptr));
          if (!hit) {
            REQUIRE(counted.set(op.key, 1, kNow, kDefaultTTL) ==
                    weighed.set(op.key, 1, kNow, kDefaultTTL));
          }
        } else if (op.kind == OpKind::set) {
          REQUIRE(counted.set(op.key, 1, kNow, kDefaultTTL) ==
                  weighed.set(op.key, 1, kNow, kDefaultTTL));
        } else {
          REQUIRE(counted.erase(op.key, kNow) == weighed.erase(op.key, kNow));
        }
        REQUIRE(counted.size() == weighed.size());
        REQUIRE(counted.evictions().capacity == weighed.evictions().capacity);
      }
    }
  }
}
