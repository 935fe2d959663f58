#pragma once
/// The protocol every cache backend speaks: the Strategy interface behind Cache.

#include <cstddef>
#include <optional>

#include "purecache/async/task.hpp"
#include "purecache/backend/backend_stats.hpp"
#include "purecache/core/time.hpp"

namespace purecache {

/// A cache policy behind one lock. Every operation returns a lazy Task: nothing happens until it
/// is awaited, and arguments passed by reference must outlive that await (co_await the call in
/// the same expression). An operation that waits for the lock resumes where the lock's hand-off
/// mode says: on the thread that released it (the default), or on the executor it waited on
/// (docs/concurrency.md).
template <class K, class V>
class IBackend {
 public:
  using key_type = K;
  using mapped_type = V;

  IBackend() = default;
  IBackend(const IBackend&) = delete;
  IBackend& operator=(const IBackend&) = delete;
  virtual ~IBackend() = default;

  /// A copy of the live value of `key`, or nullopt. May reorder the policy's bookkeeping.
  virtual Task<std::optional<V>> get(const K& key) = 0;
  /// Inserts or overwrites; ttl == kDefaultTTL means the configured TTL (non-expiring backends
  /// ignore ttl). True if the key was not live before.
  virtual Task<bool> set(const K& key, V value, Duration ttl) = 0;
  Task<bool> set(const K& key, V value) { return set(key, std::move(value), kDefaultTTL); }
  /// True if a live entry was removed.
  virtual Task<bool> erase(const K& key) = 0;
  /// Removes every entry. Eviction counters are kept.
  virtual Task<void> clear() = 0;
  /// Drops expired entries now; returns how many (0 for backends without expiry).
  virtual Task<std::size_t> purge() = 0;
  /// Entries held.
  virtual Task<std::size_t> size() = 0;
  /// Size, capacity, evictions and memory in one consistent snapshot.
  virtual Task<BackendStats> stats() = 0;
};

}  // namespace purecache
