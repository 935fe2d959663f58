#pragma once
/// Adaptive Replacement Cache: recency list T1, frequency list T2, their ghosts B1 and B2.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/policy_parameters.hpp"
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
/// No knobs. Ignores time and TTLs. Memory: a 32-byte slab entry (8-byte key and value) plus
/// 2.5 index slots of 8 bytes per cached entry, and a 32-byte ghost entry plus 2.5 slots per
/// ghost key.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class ARCCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (see WeightBudget) or any knob.
  explicit ARCCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)),
        table_(budget_.max_entries()),
        ghosts_(0),
        parameters_(detail::PolicyParameters("arc", config.parameters).finish()) {}

  /// The value if present, after moving it to T2's head; nullptr if absent (ghosts included).
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return nullptr;
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
    if (const std::uint32_t i = table_.find(key, h); i != detail::KeyIndex::kNone) {
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
        release(replace(detail::kNil));
      return false;
    }
    // A ghost hit's ghost, and the ghosts dropped while making room, stay in the ghost slab
    // (unlinked, weightless) until the next victim's ghost reuses them; so does the last victim's
    // entry for the new key. Reuse rather than removal moves no entry to fill a hole.
    std::uint32_t spare_ghost = adapt_on_ghost(key);
    const bool ghost_hit = spare_ghost != detail::kNil;
    if (!budget_.admits(weight)) [[unlikely]] {
      release_ghost(spare_ghost);
      return false;
    }
    std::uint32_t i = detail::kNil;
    while (!budget_.has_room_for(weight)) {
      release(i);
      if (ghost_hit) {
        i = replace(spare_ghost);
        spare_ghost = detail::kNil;
      } else {
        i = evict_for_new(weight);
      }
    }
    release_ghost(spare_ghost);
    if (i == detail::kNil) {
      i = table_.emplace(h, key, std::move(value), detail::kNil, detail::kNil, ghost_hit);
    } else {
      Entry& entry = table_[i];
      const std::uint64_t old_h = table_.hash(entry.key);
      entry = Entry{key, std::move(value), detail::kNil, detail::kNil, ghost_hit};
      table_.rekey(i, old_h, h);
    }
    budget_.add(weight);
    if (ghost_hit) {
      t2_.push_front(table_, i);
      t2_weight_ += weight;
      last_ghost_hit_in_b2_ = false;
    } else {
      t1_.push_front(table_, i);
      t1_weight_ += weight;
    }
    return true;
  }

  /// Removes `key` (and forgets it if it is a ghost); true if it was cached.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) {
      if (ghosts_.size() != 0) {
        const std::uint64_t gh = ghosts_.hash(key);
        const std::uint32_t g = ghosts_.find(key, gh);
        if (g != detail::KeyIndex::kNone) remove_ghost(g, gh);
      }
      return false;
    }
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (see LFUCore); they change nothing. A miss
  /// reads the key's ghost index slot too, so that is loaded with the cache's.
  void prefetch_slot(const K& key) const noexcept {
    table_.prefetch_slot(key);
    ghosts_.prefetch_slot(key);
  }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache and the ghosts and resets p; keeps eviction counters and memory.
  void clear() noexcept {
    table_.clear();
    ghosts_.clear();
    t1_.clear();
    t2_.clear();
    b1_.clear();
    b2_.clear();
    budget_.clear();
    t1_weight_ = t2_weight_ = b1_weight_ = b2_weight_ = 0;
    p_ = 0;
    last_ghost_hit_in_b2_ = false;
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  /// Slab and index of the cached entries plus those of the ghost keys.
  [[nodiscard]] MemoryUsage memory() const noexcept {
    MemoryUsage usage = table_.memory();
    const MemoryUsage ghost = ghosts_.memory();
    usage.current_bytes += ghost.current_bytes;
    usage.peak_bytes += ghost.peak_bytes;  // an upper bound: the two peaks may not coincide
    usage.index_bytes += ghost.index_bytes;
    return usage;
  }
  /// The knobs in effect: none, so "".
  [[nodiscard]] std::string_view parameters() const noexcept { return parameters_; }

  /// Where a key is, for tests: 1 (T1), 2 (T2), -1 (B1), -2 (B2), 0 absent. Not an access.
  [[nodiscard]] int where(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i != detail::KeyIndex::kNone) return table_[i].in_t2 ? 2 : 1;
    const std::uint32_t g = ghosts_.find(key, ghosts_.hash(key));
    if (g == detail::KeyIndex::kNone) return 0;
    return ghosts_[g].in_b2 ? -2 : -1;
  }
  /// The adaptive target for |T1|.
  [[nodiscard]] double target() const noexcept { return p_; }
  /// Number of ghost keys (not cached).
  [[nodiscard]] std::size_t ghost_size() const noexcept { return ghosts_.size(); }

 private:
  struct Entry {
    K key;
    V value;
    std::uint32_t prev;  // neighbour in its list, more recent; kNil at the head
    std::uint32_t next;  // neighbour in its list, less recent; kNil at the tail
    bool in_t2;          // list: T2 if true, else T1
  };
  struct Ghost {
    K key;
    std::uint64_t weight;  // the weight the key had when evicted: the value is gone
    std::uint32_t prev;    // more recent ghost in its list; kNil at the head
    std::uint32_t next;    // less recent; kNil at the tail
    bool in_b2;            // list: B2 if true, else B1
  };

  detail::LinkedOrder& list_of(const Entry& entry) noexcept { return entry.in_t2 ? t2_ : t1_; }
  detail::LinkedOrder& list_of(const Ghost& ghost) noexcept { return ghost.in_b2 ? b2_ : b1_; }

  /// A hit on cached entry i: T1 -> T2's head, T2 -> T2's head.
  void hit(std::uint32_t i) {
    last_ghost_hit_in_b2_ = false;  // libCacheSim clears its ghost flags on every hit
    Entry& entry = table_[i];
    if (entry.in_t2) {
      t2_.move_to_front(table_, i);
      return;
    }
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    t1_.unlink(table_, i);
    t1_weight_ -= weight;
    entry.in_t2 = true;
    t2_.push_front(table_, i);
    t2_weight_ += weight;
  }

  /// If `key` is a ghost: adapts p, takes the ghost out of its list and weight, and returns it
  /// (still in the slab: see set); else kNil.
  std::uint32_t adapt_on_ghost(const K& key) {
    if (ghosts_.size() == 0) return detail::kNil;
    const std::uint64_t h = ghosts_.hash(key);
    const std::uint32_t g = ghosts_.find(key, h);
    if (g == detail::KeyIndex::kNone) return detail::kNil;
    const double limit = static_cast<double>(budget_.limit());
    const auto b1 = static_cast<double>(b1_weight_);
    const auto b2 = static_cast<double>(b2_weight_);
    last_ghost_hit_in_b2_ = ghosts_[g].in_b2;
    if (last_ghost_hit_in_b2_) {
      p_ = std::max(p_ - std::max(b1 / b2, 1.0), 0.0);
    } else {
      p_ = std::min(p_ + std::max(b2 / b1, 1.0), limit);
    }
    detach_ghost(g);
    return g;
  }

  void remove_ghost(std::uint32_t g, std::uint64_t h) {
    detach_ghost(g);
    release_ghost(g, h);
  }

  /// Takes ghost g out of its list and weight; it stays in the slab and index.
  void detach_ghost(std::uint32_t g) {
    Ghost& ghost = ghosts_[g];
    (ghost.in_b2 ? b2_weight_ : b1_weight_) -= ghost.weight;
    list_of(ghost).unlink(ghosts_, g);
  }

  /// Takes ghost g (hash h), already detached, out of the slab and index.
  void release_ghost(std::uint32_t g, std::uint64_t h) {
    ghosts_.remove(g, h, [this](std::uint32_t from, std::uint32_t to) {
      list_of(ghosts_[to]).relocated(ghosts_, from, to);
    });
  }
  /// The same for a ghost found by number; nothing for kNil.
  void release_ghost(std::uint32_t g) {
    if (g != detail::kNil) release_ghost(g, ghosts_.hash(ghosts_[g].key));
  }

  /// Detaches the oldest ghost of `list` and returns it (see detach_ghost).
  std::uint32_t detach_oldest_ghost(detail::LinkedOrder& list) {
    const std::uint32_t g = list.tail;
    detach_ghost(g);
    return g;
  }

  /// Unlinks cached entry i and takes off its weight; it stays in the slab and index.
  void detach(std::uint32_t i) {
    Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    budget_.remove(weight);
    (entry.in_t2 ? t2_weight_ : t1_weight_) -= weight;
    list_of(entry).unlink(table_, i);
  }

  /// Takes entry i (hash h), already detached, out of the slab and index.
  void release(std::uint32_t i, std::uint64_t h) {
    table_.remove(i, h, [this](std::uint32_t from, std::uint32_t to) {
      list_of(table_[to]).relocated(table_, from, to);
    });
  }
  /// The same for an entry found by number; nothing for kNil.
  void release(std::uint32_t i) {
    if (i != detail::kNil) release(i, table_.hash(table_[i].key));
  }

  /// Unlinks and removes cached entry i (hash h) and its weight, leaving no ghost.
  void drop(std::uint32_t i, std::uint64_t h) {
    detach(i);
    release(i, h);
  }

  /// Evicts the oldest entry of T1 (into B1) or of T2 (into B2) and returns it detached. The
  /// ghost goes into `spare_ghost` (a detached ghost, reused) or, if kNil, a new ghost entry.
  std::uint32_t evict_into_ghost(bool from_t2, std::uint32_t spare_ghost) {
    const std::uint32_t i = (from_t2 ? t2_ : t1_).tail;
    const Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    const std::uint64_t gh = ghosts_.hash(entry.key);
    std::uint32_t g = spare_ghost;
    if (g == detail::kNil) {
      g = ghosts_.emplace(gh, entry.key, weight, detail::kNil, detail::kNil, from_t2);
    } else {
      const std::uint64_t old_gh = ghosts_.hash(ghosts_[g].key);
      ghosts_[g] = Ghost{entry.key, weight, detail::kNil, detail::kNil, from_t2};
      ghosts_.rekey(g, old_gh, gh);
    }
    (from_t2 ? b2_ : b1_).push_front(ghosts_, g);
    (from_t2 ? b2_weight_ : b1_weight_) += weight;
    detach(i);
    ++evictions_.capacity;
    return i;
  }

  /// REPLACE of the paper, as libCacheSim decides it; returns the victim detached (see
  /// evict_into_ghost for `spare_ghost`).
  std::uint32_t replace(std::uint32_t spare_ghost) {
    const auto t1 = static_cast<double>(t1_weight_);
    const bool from_t1 = (t1_weight_ > 0 && (t1 > p_ || (t1 == p_ && last_ghost_hit_in_b2_))) ||
                         t2_weight_ == 0;
    return evict_into_ghost(!from_t1, spare_ghost);
  }

  /// Case IV of the paper (a key in no list), as libCacheSim does it for a key of weight w;
  /// returns the victim detached.
  std::uint32_t evict_for_new(std::uint64_t w) {
    const std::uint64_t c = budget_.limit();
    if (t1_weight_ + b1_weight_ + w > c) {
      if (b1_weight_ > 0) return replace(detach_oldest_ghost(b1_));
      const std::uint32_t i = t1_.tail;
      detach(i);
      ++evictions_.capacity;
      return i;
    }
    std::uint32_t spare_ghost = detail::kNil;
    if (t1_weight_ + b1_weight_ + t2_weight_ + b2_weight_ >= 2 * c && b2_weight_ > 0) {
      spare_ghost = detach_oldest_ghost(b2_);
    }
    return replace(spare_ghost);
  }

  detail::WeightBudget<K, V> budget_;  // weight of T1 and T2 together, against c
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;   // cached entries of T1 and T2
  detail::EntryTable<Ghost, K, HashFn, KeyEqual> ghosts_;  // keys of B1 and B2; none cached
  detail::LinkedOrder t1_;           // seen once recently: most recent at head
  detail::LinkedOrder t2_;           // seen at least twice: most recent at head
  detail::LinkedOrder b1_;           // evicted from T1: most recent at head
  detail::LinkedOrder b2_;           // evicted from T2: most recent at head
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
