#pragma once
/// Naive reference models of the four eviction cores, written from the spec, not the cores' code:
/// a plain vector scanned linearly, with explicit use counters. Obviously right, not fast. Same
/// member functions as a core (minus memory()), so one driver runs a core and its model alike.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"

namespace purecache::test {

namespace detail {

/// Index of the first entry whose key equals `key`, or entries.size().
template <class Entry, class K>
[[nodiscard]] std::size_t find_index(const std::vector<Entry>& entries, const K& key) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].key == key) return i;
  }
  return entries.size();
}

/// Removes entry `i`, keeping the others in order.
template <class Entry>
void remove_at(std::vector<Entry>& entries, std::size_t i) {
  entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
}

/// When an entry set at `now` with `ttl` (kDefaultTTL meaning `default_ttl`) stops being live:
/// now + ttl, saturated, since an expiry past the largest timestamp never comes.
[[nodiscard]] inline Timestamp expiry(Timestamp now, Duration ttl, Duration default_ttl) {
  const Duration d = ttl == kDefaultTTL ? default_ttl : ttl;
  if (now > Timestamp::zero() && d > Timestamp::max() - now) return Timestamp::max();
  return now + d;
}

}  // namespace detail

/// Bounded LRU: a full cache evicts the entry with the oldest use stamp. get hits and
/// overwriting sets take a fresh stamp.
template <class K, class V>
class LRUModel {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  explicit LRUModel(const CoreConfig& config) : capacity_(config.capacity) {}

  const V* get(const K& key, Timestamp /*now*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size()) return nullptr;
    entries_[i].last_use = ++uses_;
    return &entries_[i].value;
  }

  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i != entries_.size()) {
      entries_[i].value = std::move(value);
      entries_[i].last_use = ++uses_;
      return false;
    }
    if (entries_.size() == capacity_) {
      std::size_t victim = 0;
      for (std::size_t j = 1; j < entries_.size(); ++j) {
        if (entries_[j].last_use < entries_[victim].last_use) victim = j;
      }
      detail::remove_at(entries_, victim);
      ++evictions_.capacity;
    }
    entries_.push_back(Entry{key, std::move(value), ++uses_});
    return true;
  }

  bool erase(const K& key, Timestamp /*now*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size()) return false;
    detail::remove_at(entries_, i);
    return true;
  }

  void clear() { entries_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }

 private:
  struct Entry {
    K key;
    V value;
    std::uint64_t last_use;  // value of uses_ at the latest get hit or set
  };

  std::size_t capacity_;        // as configured
  std::uint64_t uses_ = 0;      // counts every access; larger = more recent
  std::vector<Entry> entries_;  // unordered; at most capacity_
  EvictionCounts evictions_;    // capacity only
};

/// Bounded LFU: a full cache evicts the entry with the lowest frequency, and among those the one
/// with the oldest use stamp. Insertion sets frequency 1; get hits and overwriting sets add 1.
/// Removed entries take their frequency with them.
template <class K, class V>
class LFUModel {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  explicit LFUModel(const CoreConfig& config) : capacity_(config.capacity) {}

  const V* get(const K& key, Timestamp /*now*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size()) return nullptr;
    ++entries_[i].frequency;
    entries_[i].last_use = ++uses_;
    return &entries_[i].value;
  }

  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i != entries_.size()) {
      entries_[i].value = std::move(value);
      ++entries_[i].frequency;
      entries_[i].last_use = ++uses_;
      return false;
    }
    if (entries_.size() == capacity_) {
      std::size_t victim = 0;
      for (std::size_t j = 1; j < entries_.size(); ++j) {
        const Entry& e = entries_[j];
        const Entry& v = entries_[victim];
        if (e.frequency < v.frequency || (e.frequency == v.frequency && e.last_use < v.last_use)) {
          victim = j;
        }
      }
      detail::remove_at(entries_, victim);
      ++evictions_.capacity;
    }
    entries_.push_back(Entry{key, std::move(value), 1, ++uses_});
    return true;
  }

  bool erase(const K& key, Timestamp /*now*/) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size()) return false;
    detail::remove_at(entries_, i);
    return true;
  }

  void clear() { entries_.clear(); }

  /// Frequency of a cached key, 0 if absent.
  [[nodiscard]] std::uint64_t frequency(const K& key) const {
    const std::size_t i = detail::find_index(entries_, key);
    return i == entries_.size() ? 0 : entries_[i].frequency;
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }

 private:
  struct Entry {
    K key;
    V value;
    std::uint64_t frequency;  // accesses since this entry was inserted, >= 1
    std::uint64_t last_use;   // value of uses_ at the latest access
  };

  std::size_t capacity_;        // as configured
  std::uint64_t uses_ = 0;      // counts every access; larger = more recent
  std::vector<Entry> entries_;  // unordered; at most capacity_
  EvictionCounts evictions_;    // capacity only
};

/// Unbounded, expiring: an entry set at t with ttl d is live while now < t + d. Operations that
/// find an expired entry drop it and count it as expired; purge drops them all.
template <class K, class V>
class TTLModel {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = true;

  explicit TTLModel(const CoreConfig& config) : default_ttl_(config.ttl) {}

  const V* get(const K& key, Timestamp now) {
    const std::size_t i = find_live(key, now);
    return i == entries_.size() ? nullptr : &entries_[i].value;
  }

  bool set(const K& key, V value, Timestamp now, Duration ttl) {
    const Timestamp expires_at = detail::expiry(now, ttl, default_ttl_);
    const std::size_t i = find_live(key, now);
    if (i != entries_.size()) {
      entries_[i].value = std::move(value);
      entries_[i].expires_at = expires_at;
      return false;
    }
    entries_.push_back(Entry{key, std::move(value), expires_at});
    return true;
  }

  bool erase(const K& key, Timestamp now) {
    const std::size_t i = find_live(key, now);
    if (i == entries_.size()) return false;
    detail::remove_at(entries_, i);
    return true;
  }

  std::size_t purge(Timestamp now) {
    const std::size_t before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return now >= e.expires_at; });
    const std::size_t dropped = before - entries_.size();
    evictions_.expired += dropped;
    return dropped;
  }

  void clear() { entries_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return 0; }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }

 private:
  struct Entry {
    K key;
    V value;
    Timestamp expires_at;  // set time + effective ttl; absent from this instant on
  };

  /// Index of the live entry for `key`, or entries_.size(). An expired one is dropped and counted.
  std::size_t find_live(const K& key, Timestamp now) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size() || now < entries_[i].expires_at) return i;
    detail::remove_at(entries_, i);
    ++evictions_.expired;
    return entries_.size();
  }

  Duration default_ttl_;        // used when set() gets kDefaultTTL
  std::vector<Entry> entries_;  // unordered; may hold expired entries not yet looked at
  EvictionCounts evictions_;    // expired only
};

/// Bounded LRU whose entries also expire as in TTLModel. A full cache evicts the entry with the
/// oldest use stamp, counted as expired if its time had passed, else as capacity.
template <class K, class V>
class LRUTTLModel {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = true;

  explicit LRUTTLModel(const CoreConfig& config)
      : capacity_(config.capacity), default_ttl_(config.ttl) {}

  const V* get(const K& key, Timestamp now) {
    const std::size_t i = find_live(key, now);
    if (i == entries_.size()) return nullptr;
    entries_[i].last_use = ++uses_;
    return &entries_[i].value;
  }

  bool set(const K& key, V value, Timestamp now, Duration ttl) {
    const Timestamp expires_at = detail::expiry(now, ttl, default_ttl_);
    const std::size_t i = find_live(key, now);
    if (i != entries_.size()) {
      entries_[i].value = std::move(value);
      entries_[i].expires_at = expires_at;
      entries_[i].last_use = ++uses_;
      return false;
    }
    if (entries_.size() == capacity_) {
      std::size_t victim = 0;
      for (std::size_t j = 1; j < entries_.size(); ++j) {
        if (entries_[j].last_use < entries_[victim].last_use) victim = j;
      }
      if (now >= entries_[victim].expires_at) {
        ++evictions_.expired;
      } else {
        ++evictions_.capacity;
      }
      detail::remove_at(entries_, victim);
    }
    entries_.push_back(Entry{key, std::move(value), expires_at, ++uses_});
    return true;
  }

  bool erase(const K& key, Timestamp now) {
    const std::size_t i = find_live(key, now);
    if (i == entries_.size()) return false;
    detail::remove_at(entries_, i);
    return true;
  }

  std::size_t purge(Timestamp now) {
    const std::size_t before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return now >= e.expires_at; });
    const std::size_t dropped = before - entries_.size();
    evictions_.expired += dropped;
    return dropped;
  }

  void clear() { entries_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }

 private:
  struct Entry {
    K key;
    V value;
    Timestamp expires_at;    // set time + effective ttl; absent from this instant on
    std::uint64_t last_use;  // value of uses_ at the latest get hit or set
  };

  /// Index of the live entry for `key`, or entries_.size(). An expired one is dropped and counted.
  std::size_t find_live(const K& key, Timestamp now) {
    const std::size_t i = detail::find_index(entries_, key);
    if (i == entries_.size() || now < entries_[i].expires_at) return i;
    detail::remove_at(entries_, i);
    ++evictions_.expired;
    return entries_.size();
  }

  std::size_t capacity_;        // as configured
  Duration default_ttl_;        // used when set() gets kDefaultTTL
  std::uint64_t uses_ = 0;      // counts every access; larger = more recent
  std::vector<Entry> entries_;  // unordered; at most capacity_, some possibly expired
  EvictionCounts evictions_;    // both reasons
};

}  // namespace purecache::test
