#pragma once
/// Least-frequently-used eviction in O(1).

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/config_checks.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/memory_counter.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache {

/// Bounded LFU with O(1) operations: key index + frequency buckets in ascending order, the first
/// one holding min_freq.
/// - A new key starts at frequency 1; each get hit and each overwriting set adds 1.
/// - Frequency is only known while the key is cached: a key that was evicted or erased starts
///   again at 1 when it returns (as in libCacheSim's LFU).
/// - When full, the victim is the least frequently used key; among keys with that frequency, the
///   one accessed least recently. The cache evicts before inserting, so a new key is never the
///   victim of its own insertion.
/// Ignores time and TTLs. Memory: a 32-byte slab entry (8-byte key and value) plus 2.5 index
/// slots of 8 bytes per entry of capacity, plus 24 bytes per distinct frequency in use.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class LFUCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (see WeightBudget).
  explicit LFUCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)),
        table_(budget_.max_entries()),
        buckets_(detail::CountingAllocator<Bucket>(table_.counter())) {
    detail::check_no_parameters("lfu", config);
  }

  LFUCore(LFUCore&&) noexcept = default;
  /// The buckets free their old buffer through the table's memory counter: they go first.
  LFUCore& operator=(LFUCore&& other) noexcept {
    buckets_ = std::move(other.buckets_);
    budget_ = std::move(other.budget_);
    table_ = std::move(other.table_);
    first_ = other.first_;
    free_bucket_ = other.free_bucket_;
    evictions_ = other.evictions_;
    return *this;
  }
  ~LFUCore() = default;

  /// The value if present, after counting the access; nullptr if absent.
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return nullptr;
    promote(i);
    return &table_[i].value;
  }

  /// Inserts at frequency 1 (evicting first until the weights fit) or overwrites and counts an
  /// access (then evicts until the weights fit). A key heavier than the whole cache is not kept.
  /// Returns true if the key was new.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    std::uint32_t i = table_.find(key, h);
    if (i != detail::KeyIndex::kNone) {
      if (!budget_.admits(weight)) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
      budget_.add(weight);
      table_[i].value = std::move(value);
      promote(i);
      while (budget_.over()) [[unlikely]]
        evict();
      return false;
    }
    if (!budget_.admits(weight)) [[unlikely]] return false;
    if (!budget_.by_weight() && !budget_.has_room_for(weight)) {
      // Count mode: the victim's slab entry is reused in place.
      i = buckets_[first_].members.tail;
      leave_bucket(i);
      auto& victim = table_[i];
      const std::uint64_t old_h = table_.hash(victim.key);
      victim.key = key;
      victim.value = std::move(value);
      table_.rekey(i, old_h, h);
      ++evictions_.capacity;
    } else {
      while (!budget_.has_room_for(weight)) evict();
      i = table_.emplace(h, key, std::move(value), detail::kNil, detail::kNil, detail::kNil);
      budget_.add(weight);
    }
    enter_first_bucket(i);
    return true;
  }

  /// Removes `key`; true if it was present.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (trace replays): start loading the index slot
  /// a lookup of `key` reads first, and later (once that slot is cached) its entry. They change
  /// nothing; issue prefetch_slot several operations ahead and prefetch_entry about half as far.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    buckets_.clear();
    first_ = detail::kNil;
    free_bucket_ = detail::kNil;
    budget_.clear();
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }

  /// Access count of a cached key (1 after insertion), or 0 if absent. Does not count as an access.
  [[nodiscard]] std::uint64_t frequency(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    return i == detail::KeyIndex::kNone ? 0 : buckets_[table_[i].bucket].frequency;
  }

 private:
  struct Entry {
    K key;
    V value;
    std::uint32_t prev;    // neighbour in its bucket, more recent; kNil at the bucket's head
    std::uint32_t next;    // neighbour in its bucket, less recent; kNil at the bucket's tail
    std::uint32_t bucket;  // the bucket of this entry's frequency
  };
  struct Bucket {
    std::uint64_t frequency;      // every member was accessed exactly this many times
    detail::LinkedOrder members;  // most recently accessed first; never empty while linked
    std::uint32_t lower;          // bucket of the next lower frequency, kNil if first
    std::uint32_t higher;         // next higher frequency, kNil if last; free-list link when free
  };

  /// Unlinks and removes entry i (hash h) and its weight.
  void drop(std::uint32_t i, std::uint64_t h) {
    budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
    leave_bucket(i);
    table_.remove(i, h, [this](std::uint32_t from, std::uint32_t to) {
      buckets_[table_[to].bucket].members.relocated(table_, from, to);
    });
  }

  /// Removes the least frequently used entry (least recent among ties) to make room.
  void evict() {
    const std::uint32_t i = buckets_[first_].members.tail;
    drop(i, table_.hash(table_[i].key));
    ++evictions_.capacity;
  }

  /// A new bucket for `frequency`, linked between `lower` and `higher` (either may be kNil).
  std::uint32_t new_bucket(std::uint64_t frequency, std::uint32_t lower, std::uint32_t higher) {
    std::uint32_t b = free_bucket_;
    if (b != detail::kNil) {
      free_bucket_ = buckets_[b].higher;
      buckets_[b] = Bucket{frequency, {}, lower, higher};
    } else {
      b = static_cast<std::uint32_t>(buckets_.size());
      buckets_.push_back(Bucket{frequency, {}, lower, higher});
    }
    if (lower != detail::kNil) {
      buckets_[lower].higher = b;
    } else {
      first_ = b;
    }
    if (higher != detail::kNil) buckets_[higher].lower = b;
    return b;
  }

  /// Unlinks entry i from its bucket, freeing the bucket if that leaves it empty.
  void leave_bucket(std::uint32_t i) {
    const std::uint32_t b = table_[i].bucket;
    Bucket& bucket = buckets_[b];
    bucket.members.unlink(table_, i);
    if (!bucket.members.empty()) return;
    if (bucket.lower != detail::kNil) {
      buckets_[bucket.lower].higher = bucket.higher;
    } else {
      first_ = bucket.higher;
    }
    if (bucket.higher != detail::kNil) buckets_[bucket.higher].lower = bucket.lower;
    bucket.higher = free_bucket_;
    free_bucket_ = b;
  }

  void enter_first_bucket(std::uint32_t i) {
    std::uint32_t b = first_;
    if (b == detail::kNil || buckets_[b].frequency != 1) b = new_bucket(1, detail::kNil, first_);
    table_[i].bucket = b;
    buckets_[b].members.push_front(table_, i);
  }

  /// Moves entry i from frequency f to f + 1.
  void promote(std::uint32_t i) {
    const std::uint32_t from = table_[i].bucket;
    Bucket& bucket = buckets_[from];
    const std::uint64_t frequency = bucket.frequency + 1;
    std::uint32_t to = bucket.higher;
    if (to == detail::kNil || buckets_[to].frequency != frequency) {
      if (bucket.members.head == bucket.members.tail) {
        // i is the bucket's only member and f + 1 has no bucket: the bucket becomes f + 1's,
        // the same order as moving i into a new one (zipf's popular keys, alone at their count).
        bucket.frequency = frequency;
        return;
      }
      to = new_bucket(frequency, from, to);  // may reallocate buckets_: `bucket` is not used after
    }
    leave_bucket(i);
    table_[i].bucket = to;
    buckets_[to].members.push_front(table_, i);
  }

  detail::WeightBudget<K, V> budget_;  // entries or weights held, against the bound
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;
  std::vector<Bucket, detail::CountingAllocator<Bucket>> buckets_;  // linked or on the free list
  std::uint32_t first_ = detail::kNil;        // lowest-frequency bucket (min_freq), kNil if empty
  std::uint32_t free_bucket_ = detail::kNil;  // free list through Bucket::higher
  EvictionCounts evictions_;
};

static_assert(EvictionCore<LFUCore<int, int>>);

}  // namespace purecache
