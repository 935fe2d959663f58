#pragma once
/// The LRU core, with or without per-entry expiry: LRUCore and LRUTTLCore are its two faces.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/config_checks.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache::detail {

struct NoExpiry {};

template <class K, class V, bool kExpiring>
struct LRUEntry {
  using Expiry = std::conditional_t<kExpiring, Timestamp, NoExpiry>;
  K key;
  V value;
  std::uint32_t prev;                       // towards the most recent; kNil at the head
  std::uint32_t next;                       // towards the least recent; kNil at the tail
  [[no_unique_address]] Expiry expires_at;  // absent at >= this
};

/// Bounded least-recently-used cache; with kExpiring, entries also die at set time + ttl.
/// O(1) expected per operation. A full cache reuses its victim's slab entry in place, so a warm
/// cache allocates nothing.
template <class K, class V, bool kExpiring, class HashFn = Hash<K>,
          class KeyEqual = std::equal_to<K>>
class BasicLRUCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = kExpiring;

  /// Throws ConfigError for a bad bound (WeightBudget), or (expiring) if ttl <= 0.
  explicit BasicLRUCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)),
        default_ttl_(kExpiring ? checked_ttl(config) : Duration{}),
        table_(budget_.max_entries()) {
    check_no_parameters(kExpiring ? "lru-ttl" : "lru", config);
  }

  /// The value of a live entry, now the most recent; nullptr if absent (or expired, which drops
  /// it).
  const V* get(const K& key, Timestamp now) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == KeyIndex::kNone) return nullptr;
    if (is_expired(i, now)) {
      drop(i, h);
      ++evictions_.expired;
      return nullptr;
    }
    order_.move_to_front(table_, i);
    return &table_[i].value;
  }

  /// Inserts or overwrites `key`, making it the most recent, then evicts least recent entries
  /// until the weights fit. A key heavier than the whole cache is not kept (a new one evicts
  /// nothing; an overwritten one is evicted). Returns true if the key was not live before.
  bool set(const K& key, V value, Timestamp now, Duration ttl = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    std::uint32_t i = table_.find(key, h);
    bool inserted = false;
    if (i != KeyIndex::kNone) {
      if (is_expired(i, now)) {
        ++evictions_.expired;
        inserted = true;
      }
      if (!budget_.admits(weight)) [[unlikely]] {
        drop(i, h);
        if (!inserted) ++evictions_.capacity;
        return false;
      }
      budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
      budget_.add(weight);
      table_[i].value = std::move(value);
      order_.move_to_front(table_, i);
      evict_while_over(now);
    } else {
      if (!budget_.admits(weight)) [[unlikely]] return false;
      // Count mode takes the common path: the victim's slab entry is reused in place.
      if (!budget_.by_weight() && !budget_.has_room_for(weight)) {
        i = order_.tail;
        count_eviction(i, now);
        auto& victim = table_[i];
        const std::uint64_t old_h = table_.hash(victim.key);
        victim.key = key;
        victim.value = std::move(value);
        table_.rekey(i, old_h, h);
        order_.move_to_front(table_, i);
      } else {
        while (!budget_.has_room_for(weight)) evict_tail(now);
        i = table_.emplace(h, key, std::move(value), kNil, kNil, typename Entry::Expiry{});
        order_.push_front(table_, i);
        budget_.add(weight);
      }
      inserted = true;
    }
    if constexpr (kExpiring)
      table_[i].expires_at = expiry_time(now, ttl > Duration::zero() ? ttl : default_ttl_);
    return inserted;
  }

  /// Removes `key`; true if it was live (an expired entry is dropped and counted as expired).
  bool erase(const K& key, Timestamp now) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == KeyIndex::kNone) return false;
    const bool live = !is_expired(i, now);
    if (!live) ++evictions_.expired;
    drop(i, h);
    return live;
  }

  /// Drops every expired entry; returns how many. O(size).
  std::size_t purge(Timestamp now) requires kExpiring {
    std::size_t dropped = 0;
    // Walk down so the entry moved into a hole has already been checked.
    for (std::size_t n = table_.size(); n-- > 0;) {
      const auto i = static_cast<std::uint32_t>(n);
      if (!is_expired(i, now)) continue;
      drop(i, table_.hash(table_[i].key));
      ++dropped;
    }
    evictions_.expired += dropped;
    return dropped;
  }

  /// Hints for callers that know their next keys (trace replays): start loading the index slot
  /// a lookup of `key` reads first, and later (once that slot is cached) its entry. They change
  /// nothing; issue prefetch_slot several operations ahead and prefetch_entry about half as far.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    order_.clear();
    budget_.clear();
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }

 private:
  using Entry = LRUEntry<K, V, kExpiring>;

  [[nodiscard]] bool is_expired(std::uint32_t i, [[maybe_unused]] Timestamp now) const noexcept {
    if constexpr (kExpiring) {
      return now >= table_[i].expires_at;
    } else {
      return false;
    }
  }

  void count_eviction(std::uint32_t i, Timestamp now) noexcept {
    if (is_expired(i, now)) {
      ++evictions_.expired;
    } else {
      ++evictions_.capacity;
    }
  }

  /// Removes the least recent entry to make room.
  void evict_tail(Timestamp now) {
    const std::uint32_t i = order_.tail;
    count_eviction(i, now);
    drop(i, table_.hash(table_[i].key));
  }

  /// After an overwrite grew an entry: evict from the tail until the weights fit again.
  void evict_while_over(Timestamp now) {
    while (budget_.over()) [[unlikely]]
      evict_tail(now);
  }

  /// Removes entry i (hash h) and its weight.
  void drop(std::uint32_t i, std::uint64_t h) {
    budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
    order_.unlink(table_, i);
    table_.remove(
        i, h, [this](std::uint32_t from, std::uint32_t to) { order_.relocated(table_, from, to); });
  }

  WeightBudget<K, V> budget_;  // entries or weights held, against the bound
  Duration default_ttl_;  // > 0 when kExpiring
  EntryTable<Entry, K, HashFn, KeyEqual> table_;
  LinkedOrder order_;  // every entry, most recent first
  EvictionCounts evictions_;
};

}  // namespace purecache::detail
