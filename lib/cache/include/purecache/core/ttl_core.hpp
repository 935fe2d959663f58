#pragma once
/// Unbounded cache whose entries expire.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/config_checks.hpp"
#include "purecache/detail/entry_table.hpp"

namespace purecache {

/// Unbounded (capacity() == 0: never evicts for room). An entry set at time t with ttl d is
/// present for now < t + d and absent from now >= t + d; overwriting resets it to now + ttl.
/// set(..., ttl) with ttl == kDefaultTTL uses the configured ttl, a positive ttl overrides it.
/// Expiry is lazy: get, set and erase drop the expired entry they find (counted as expired);
/// size() still counts expired entries nobody has touched until purge(now) drops them all.
/// O(1) expected per operation, purge O(size). CoreConfig::capacity is ignored.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class TTLCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = true;

  /// Throws ConfigError if config.ttl <= 0. Unbounded: capacity, max_weight and the weigher
  /// bound nothing and are ignored.
  explicit TTLCore(const CoreConfig& config, Weigher<K, V> /*weigher*/ = {})
      : default_ttl_(detail::checked_ttl(config)), table_(0) {
    detail::check_no_parameters("ttl", config);
  }

  /// The value if present and live at `now`; nullptr otherwise (an expired entry is dropped).
  const V* get(const K& key, Timestamp now) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return nullptr;
    if (now >= table_[i].expires_at) {
      drop_expired(i, h);
      return nullptr;
    }
    return &table_[i].value;
  }

  /// Inserts or overwrites; the entry lives until now + ttl. True if the key was not live.
  bool set(const K& key, V value, Timestamp now, Duration ttl = kDefaultTTL) {
    const Timestamp expires_at = expiry_time(now, ttl > Duration::zero() ? ttl : default_ttl_);
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) {
      table_.emplace(h, key, std::move(value), expires_at);
      return true;
    }
    auto& entry = table_[i];
    const bool was_expired = now >= entry.expires_at;
    if (was_expired) ++evictions_.expired;
    entry.value = std::move(value);
    entry.expires_at = expires_at;
    return was_expired;
  }

  /// Removes `key`; true if it was live.
  bool erase(const K& key, Timestamp now) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    const bool live = now < table_[i].expires_at;
    if (live) {
      table_.remove(i, h, [](std::uint32_t, std::uint32_t) {});
    } else {
      drop_expired(i, h);
    }
    return live;
  }

  /// Drops every expired entry; returns how many. O(size).
  std::size_t purge(Timestamp now) {
    std::size_t dropped = 0;
    // Walk down so the entry moved into a hole has already been checked.
    for (std::size_t n = table_.size(); n-- > 0;) {
      const auto i = static_cast<std::uint32_t>(n);
      if (now < table_[i].expires_at) continue;
      drop_expired(i, table_.hash(table_[i].key));
      ++dropped;
    }
    return dropped;
  }

  /// Hints for callers that know their next keys (trace replays): start loading the index slot
  /// a lookup of `key` reads first, and later (once that slot is cached) its entry. They change
  /// nothing; issue prefetch_slot several operations ahead and prefetch_entry about half as far.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache; keeps eviction counters and allocated memory.
  void clear() noexcept { table_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return 0; }
  /// Entries held: an unbounded core weighs nothing.
  [[nodiscard]] std::uint64_t weight() const noexcept { return table_.size(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }

 private:
  struct Entry {
    K key;
    V value;
    Timestamp expires_at;  // absent at now >= expires_at
  };

  void drop_expired(std::uint32_t i, std::uint64_t h) {
    table_.remove(i, h, [](std::uint32_t, std::uint32_t) {});
    ++evictions_.expired;
  }

  Duration default_ttl_;  // > 0
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;
  EvictionCounts evictions_;
};

static_assert(ExpiringCore<TTLCore<int, int>>);

}  // namespace purecache
