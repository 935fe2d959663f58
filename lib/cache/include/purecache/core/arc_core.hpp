#pragma once
/// Adaptive Replacement Cache: recency list T1, frequency list T2, their ghosts B1 and B2.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/memory_counter.hpp"
#include "purecache/detail/policy_parameters.hpp"
#include "purecache/detail/prefetch_line.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache {

/// ARC (Megiddo & Modha, FAST'03) with libCacheSim's ARC.c rules, in entries (count mode) or in
/// weight (weight mode): every size below (|T1|, |B1|, p, c) is a sum of weights, c the limit.
/// - Hit in T1: moves to T2's head. Hit in T2: moves to T2's head.
/// - A missing key found in B1: p = min(p + max(|B2| / |B1|, 1), c); in B2:
///   p = max(p - max(|B1| / |B2|, 1), 0) (p a double; ratios before the ghost leaves). The ghost
///   is dropped; while the key does not fit, REPLACE; the key enters T2's head.
/// - Any other missing key: while it does not fit (w its weight): if |T1| + |B1| + w > c, drop
///   B1's oldest and REPLACE if B1 is not empty, else evict T1's oldest with no ghost; otherwise
///   drop B2's oldest if |T1| + |B1| + |T2| + |B2| >= 2c and B2 is not empty, then REPLACE.
///   The key enters T1's head.
/// - REPLACE evicts T1's oldest into B1's head if (|T1| > 0 and (|T1| > p or (|T1| == p and the
///   last ghost hit was in B2))) or |T2| == 0, else T2's oldest into B2's head.
/// - Ghost keys are not cached: they count in neither size() nor weight(), but in memory().
/// - The ghosts are consulted when a missing key is set (libCacheSim does it in the lookup of
///   the same request, before evicting: the order of effects is the same).
/// No knobs. Ignores time and TTLs. Ghost keys live in the same slab and index as cached ones,
/// tagged: a miss is one lookup, an evicted key becomes a ghost where it is and a ghost hit is
/// cached again where it is, so the index changes only when a key enters or leaves all four
/// lists (docs/performance.md). Memory: a 32-byte slab entry (8-byte key and value) plus 2.5
/// index slots of 8 bytes per cached or ghost key; in weight mode 8 bytes more per slab entry
/// for a ghost's weight.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class ARCCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (see WeightBudget) or any knob.
  explicit ARCCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)),
        // In count mode T1, T2, B1 and B2 together hold at most 2c keys.
        table_(budget_.max_entries() * 2),
        ghost_weights_(detail::CountingAllocator<std::uint64_t>(table_.counter())),
        parameters_(detail::PolicyParameters("arc", config.parameters).finish()) {}

  ARCCore(ARCCore&&) noexcept = default;
  /// The ghost weights go first: they free their old buffer through the memory counter that the
  /// table still owns until it is assigned in turn.
  ARCCore& operator=(ARCCore&& other) noexcept {
    ghost_weights_ = std::move(other.ghost_weights_);
    budget_ = std::move(other.budget_);
    table_ = std::move(other.table_);
    t1_ = other.t1_;
    t2_ = other.t2_;
    b1_ = other.b1_;
    b2_ = other.b2_;
    size_ = other.size_;
    ghost_count_ = other.ghost_count_;
    t1_weight_ = other.t1_weight_;
    t2_weight_ = other.t2_weight_;
    b1_weight_ = other.b1_weight_;
    b2_weight_ = other.b2_weight_;
    p_ = other.p_;
    last_ghost_hit_in_b2_ = other.last_ghost_hit_in_b2_;
    parameters_ = std::move(other.parameters_);
    evictions_ = other.evictions_;
    return *this;
  }
  ~ARCCore() = default;

  /// The value if present, after moving it to T2's head; nullptr if absent (ghosts included).
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone || is_ghost(table_[i].place)) return nullptr;
    hit(i);
    return &table_[i].value;
  }

  /// A new key: adapts p on a ghost hit, then (if not heavier than the cache) evicts until it
  /// fits and enters T2 (ghost hit) or T1. An existing key: counts as a hit, takes the new
  /// value and weight, then REPLACEs while over the limit; one heavier than the cache is
  /// removed instead. True if the key was new and is now cached.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    const std::uint32_t found = table_.find(key, h);
    const bool ghost_hit = found != detail::KeyIndex::kNone && is_ghost(table_[found].place);
    if (found != detail::KeyIndex::kNone && !ghost_hit) {
      const std::uint32_t i = found;
      if (!budget_.admits(weight)) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      const std::uint64_t old_weight = budget_.weigh(table_[i].key, table_[i].value);
      hit(i);  // now in T2
      t2_weight_ = t2_weight_ + weight - old_weight;
      budget_.remove(old_weight);
      budget_.add(weight);
      table_[i].value = std::move(value);
      while (budget_.over()) [[unlikely]]
        replace();
      return false;
    }
    // A ghost hit's entry leaves its ghost list but keeps its slab entry and index slot: it is
    // cached again in place (evicting frees other entries only, and moves none).
    if (ghost_hit) adapt_on_ghost(found);
    if (!budget_.admits(weight)) [[unlikely]] {
      if (ghost_hit) table_.free_entry(found, h);
      return false;
    }
    while (!budget_.has_room_for(weight)) {
      if (ghost_hit) {
        replace();
      } else {
        evict_for_new(weight);
      }
    }
    std::uint32_t i = found;
    if (ghost_hit) {
      Entry& entry = table_[i];
      entry.value = std::move(value);
      entry.place = Place::t2;
      t2_.push_front(table_, i);
      t2_weight_ += weight;
      last_ghost_hit_in_b2_ = false;
    } else {
      i = new_entry(h, key, std::move(value));
      t1_.push_front(table_, i);
      t1_weight_ += weight;
    }
    ++size_;
    budget_.add(weight);
    return true;
  }

  /// Removes `key` (and forgets it if it is a ghost); true if it was cached.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    if (is_ghost(table_[i].place)) {
      detach_ghost(i);
      table_.free_entry(i, h);
      return false;
    }
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (see LFUCore); they change nothing. Ghost
  /// keys are in the same index, so one slot covers a hit, a ghost hit and a miss.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache and the ghosts and resets p; keeps eviction counters and memory.
  void clear() noexcept {
    table_.clear();
    t1_.clear();
    t2_.clear();
    b1_.clear();
    b2_.clear();
    budget_.clear();
    size_ = ghost_count_ = 0;
    t1_weight_ = t2_weight_ = b1_weight_ = b2_weight_ = 0;
    p_ = 0;
    last_ghost_hit_in_b2_ = false;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  /// Slab and index of the cached entries and the ghost keys.
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }
  /// The knobs in effect: none, so "".
  [[nodiscard]] std::string_view parameters() const noexcept { return parameters_; }

  /// Where a key is, for tests: 1 (T1), 2 (T2), -1 (B1), -2 (B2), 0 absent. Not an access.
  [[nodiscard]] int where(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return 0;
    switch (table_[i].place) {
      case Place::t1: return 1;
      case Place::t2: return 2;
      case Place::b1: return -1;
      case Place::b2: return -2;
    }
    return 0;
  }
  /// The adaptive target for |T1|.
  [[nodiscard]] double target() const noexcept { return p_; }
  /// Number of ghost keys (not cached).
  [[nodiscard]] std::size_t ghost_size() const noexcept { return ghost_count_; }

 private:
  enum class Place : std::uint8_t { t1, t2, b1, b2 };
  struct Entry {
    K key;
    V value;             // moved out when the key becomes a ghost
    std::uint32_t prev;  // neighbour in its list, more recent; kNil at the head
    std::uint32_t next;  // neighbour in its list, less recent; kNil at the tail; free list link
    Place place;         // which list: T1, T2 (cached) or B1, B2 (ghost keys)
  };

  [[nodiscard]] static bool is_ghost(Place place) noexcept {
    return place == Place::b1 || place == Place::b2;
  }
  detail::LinkedOrder& list_of(Place place) noexcept {
    switch (place) {
      case Place::t1: return t1_;
      case Place::t2: return t2_;
      case Place::b1: return b1_;
      case Place::b2: return b2_;
    }
    return t1_;
  }
  std::uint64_t& weight_of(Place place) noexcept {
    switch (place) {
      case Place::t1: return t1_weight_;
      case Place::t2: return t2_weight_;
      case Place::b1: return b1_weight_;
      case Place::b2: return b2_weight_;
    }
    return t1_weight_;
  }

  /// A hit on cached entry i: T1 -> T2's head, T2 -> T2's head.
  void hit(std::uint32_t i) {
    last_ghost_hit_in_b2_ = false;  // libCacheSim clears its ghost flags on every hit
    Entry& entry = table_[i];
    if (entry.place == Place::t2) {
      t2_.move_to_front(table_, i);
      return;
    }
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    t1_.unlink(table_, i);
    t1_weight_ -= weight;
    entry.place = Place::t2;
    t2_.push_front(table_, i);
    t2_weight_ += weight;
  }

  /// Ghost g has been asked for: adapts p and takes it out of its list and weight (it keeps its
  /// slab entry and index slot).
  void adapt_on_ghost(std::uint32_t g) {
    const double limit = static_cast<double>(budget_.limit());
    const auto b1 = static_cast<double>(b1_weight_);
    const auto b2 = static_cast<double>(b2_weight_);
    last_ghost_hit_in_b2_ = table_[g].place == Place::b2;
    if (last_ghost_hit_in_b2_) {
      p_ = std::max(p_ - std::max(b1 / b2, 1.0), 0.0);
    } else {
      p_ = std::min(p_ + std::max(b2 / b1, 1.0), limit);
    }
    detach_ghost(g);
  }

  [[nodiscard]] std::uint64_t ghost_weight_of(std::uint32_t g) const noexcept {
    return budget_.by_weight() ? ghost_weights_[g] : 1;
  }

  /// Takes ghost g out of its list and weight; it keeps its slab entry and index slot.
  void detach_ghost(std::uint32_t g) {
    const Place place = table_[g].place;
    weight_of(place) -= ghost_weight_of(g);
    list_of(place).unlink(table_, g);
    --ghost_count_;
  }

  /// Drops the oldest ghost of `list` altogether. The next drop from `list` erases the new oldest
  /// ghost's index slot, a probe into a table much larger than the CPU's caches: it starts
  /// loading now, so the miss overlaps the operations between (prefetch_behind()).
  void drop_oldest_ghost(detail::LinkedOrder& list) {
    const std::uint32_t g = list.tail;
    detach_ghost(g);
    free_entry(g);
    prefetch_behind(list, true);
  }

  /// After `list` lost its oldest entry: starts loading the entry before the new oldest, which
  /// the next removal from `list` will make the oldest, and with `slot` the new oldest's index
  /// slot. The new oldest itself was loaded that way one removal ago, so reading it here does not
  /// wait on memory (a list's next victim is known only once its tail is loaded). Changes
  /// nothing.
  void prefetch_behind(const detail::LinkedOrder& list, bool slot) const noexcept {
    if (list.tail == detail::kNil) return;
    const Entry& oldest = table_[list.tail];
    if (slot) table_.prefetch_slot(oldest.key);
    if (oldest.prev != detail::kNil) detail::prefetch_line(&table_[oldest.prev]);
  }

  /// A slab entry for a new key of hash h: a free one, else a new one.
  std::uint32_t new_entry(std::uint64_t h, const K& key, V&& value) {
    return table_.emplace_reusing(h, key, std::move(value), detail::kNil, detail::kNil, Place::t1);
  }

  /// Entry i, in no list, leaves the index for the free list; its value is released.
  void free_entry(std::uint32_t i) { table_.free_entry(i, table_.hash(table_[i].key)); }

  /// Unlinks cached entry i and takes off its weight (returned); it stays in the slab and index.
  std::uint64_t detach(std::uint32_t i) {
    Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    budget_.remove(weight);
    weight_of(entry.place) -= weight;
    list_of(entry.place).unlink(table_, i);
    --size_;
    return weight;
  }

  /// Unlinks and frees cached entry i (hash h) and its weight, leaving no ghost.
  void drop(std::uint32_t i, std::uint64_t h) {
    detach(i);
    table_.free_entry(i, h);
  }

  /// Evicts the oldest entry of T1 into B1's head, or of T2 into B2's head: the key becomes a
  /// ghost in its own slab entry.
  void evict_into_ghost(bool from_t2) {
    const std::uint32_t i = (from_t2 ? t2_ : t1_).tail;
    const std::uint64_t weight = detach(i);
    Entry& entry = table_[i];
    detail::release_value(entry.value);  // a ghost keeps only its key
    entry.place = from_t2 ? Place::b2 : Place::b1;
    if (budget_.by_weight()) {
      if (ghost_weights_.size() <= i) ghost_weights_.resize(table_.size());
      ghost_weights_[i] = weight;
    }
    (from_t2 ? b2_ : b1_).push_front(table_, i);
    (from_t2 ? b2_weight_ : b1_weight_) += weight;
    ++ghost_count_;
    ++evictions_.capacity;
    prefetch_behind(from_t2 ? t2_ : t1_, false);
  }

  /// REPLACE of the paper, as libCacheSim decides it.
  void replace() {
    const auto t1 = static_cast<double>(t1_weight_);
    const bool from_t1 = (t1_weight_ > 0 && (t1 > p_ || (t1 == p_ && last_ghost_hit_in_b2_))) ||
                         t2_weight_ == 0;
    evict_into_ghost(!from_t1);
  }

  /// Case IV of the paper (a key in no list), as libCacheSim does it for a key of weight w.
  void evict_for_new(std::uint64_t w) {
    const std::uint64_t c = budget_.limit();
    if (t1_weight_ + b1_weight_ + w > c) {
      if (b1_weight_ > 0) {
        drop_oldest_ghost(b1_);
        replace();
        return;
      }
      const std::uint32_t i = t1_.tail;
      detach(i);
      free_entry(i);
      ++evictions_.capacity;
      return;
    }
    if (t1_weight_ + b1_weight_ + t2_weight_ + b2_weight_ >= 2 * c && b2_weight_ > 0) {
      drop_oldest_ghost(b2_);
    }
    replace();
  }

  detail::WeightBudget<K, V> budget_;  // weight of T1 and T2 together, against c
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;  // T1, T2, B1, B2 and free entries
  std::vector<std::uint64_t, detail::CountingAllocator<std::uint64_t>>
      ghost_weights_;                // weight mode: a ghost's weight by entry; else empty
  detail::LinkedOrder t1_;           // seen once recently: most recent at head
  detail::LinkedOrder t2_;           // seen at least twice: most recent at head
  detail::LinkedOrder b1_;           // evicted from T1: most recent at head
  detail::LinkedOrder b2_;           // evicted from T2: most recent at head
  std::size_t size_ = 0;             // cached keys (T1 and T2)
  std::size_t ghost_count_ = 0;      // ghost keys (B1 and B2)
  std::uint64_t t1_weight_ = 0;      // |T1|
  std::uint64_t t2_weight_ = 0;      // |T2|
  std::uint64_t b1_weight_ = 0;      // |B1|
  std::uint64_t b2_weight_ = 0;      // |B2|
  double p_ = 0;                     // target for |T1|, in [0, c]
  bool last_ghost_hit_in_b2_ = false;  // libCacheSim's curr_obj_in_L2_ghost: set by a ghost hit
                                       // in B2, cleared by a hit or by inserting after a ghost hit
  std::string parameters_;           // knobs in effect: none
  EvictionCounts evictions_;
};

static_assert(EvictionCore<ARCCore<int, int>>);

}  // namespace purecache
