#pragma once
/// N backends behind one IBackend, each key in the one its hash picks: one lock per shard.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "purecache/async/task.hpp"
#include "purecache/backend/backend_stats.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/uint128.hpp"
#include "purecache/error.hpp"

namespace purecache {

/// The configuration of shard `index` of `shards` when `config` bounds the whole: capacity and
/// max_weight are split as evenly as integers allow, the first (bound % shards) shards taking
/// one more, so the shards' bounds add up to the whole exactly. Unbounded fields (0) stay 0.
/// Throws ConfigError if shards is 0, or if a set bound is smaller than shards (a shard would
/// get no room at all).
[[nodiscard]] inline CoreConfig shard_config(const CoreConfig& config, std::size_t index,
                                             std::size_t shards) {
  if (shards == 0) throw ConfigError("shards must be at least 1, got 0");
  const auto split = [&](std::uint64_t whole, const char* name) -> std::uint64_t {
    if (whole == 0) return 0;
    if (whole < shards) {
      throw ConfigError(std::string(name) + " " + std::to_string(whole) + " is less than shards " +
                        std::to_string(shards) + ": every shard needs room for one entry");
    }
    return whole / shards + (index < whole % shards ? 1 : 0);
  };
  CoreConfig part = config;
  part.capacity = static_cast<std::size_t>(split(config.capacity, "capacity"));
  part.max_weight = split(config.max_weight, "max_weight");
  return part;
}

/// Holds N backends (the shards), each with its own lock, and sends each key to the shard its
/// hash picks, so operations on different shards never wait for each other. Eviction is per
/// shard: a full shard evicts its own victim even when another shard holds an older entry, so
/// the hit ratio differs from one backend of the whole capacity (docs/concurrency.md).
/// - get, set and erase return the chosen shard's own Task: one hash and one more virtual call,
///   no coroutine frame of their own. They resume where the shard's operations resume.
/// - clear, purge, size and stats visit the shards in turn, each under its own lock: the sums are
///   not one atomic snapshot of the whole while other operations run. stats() sums every field;
///   its memory.peak_bytes is the sum of the shards' peaks, an upper bound of the whole's peak.
/// The shard is picked from mix64(hash ^ salt), not from the bits of the hash that the shards'
/// indexes use, so the keys of one shard still spread over its whole index.
template <class K, class V, class HashFn = Hash<K>>
class ShardedBackend final : public IBackend<K, V> {
 public:
  using IBackend<K, V>::set;

  /// Takes the shards, at least one, none null; throws ConfigError otherwise.
  explicit ShardedBackend(std::vector<std::unique_ptr<IBackend<K, V>>> shards, HashFn hash = {})
      : shards_(std::move(shards)), hash_(std::move(hash)) {
    if (shards_.empty()) throw ConfigError("shards must be at least 1, got 0");
    for (const auto& shard : shards_) {
      if (!shard) throw ConfigError("a shard must not be null");
    }
  }

  Task<std::optional<V>> get(const K& key) override { return shard(shard_of(key)).get(key); }
  Task<bool> set(const K& key, V value, Duration ttl) override {
    return shard(shard_of(key)).set(key, std::move(value), ttl);
  }
  Task<bool> erase(const K& key) override { return shard(shard_of(key)).erase(key); }
  Task<void> clear() override {
    for (const auto& shard : shards_)
      co_await shard->clear();
  }
  Task<std::size_t> purge() override {
    std::size_t purged = 0;
    for (const auto& shard : shards_)
      purged += co_await shard->purge();
    co_return purged;
  }
  Task<std::size_t> size() override {
    std::size_t entries = 0;
    for (const auto& shard : shards_)
      entries += co_await shard->size();
    co_return entries;
  }
  Task<BackendStats> stats() override {
    BackendStats total;
    for (const auto& shard : shards_) {
      const BackendStats part = co_await shard->stats();
      total.size += part.size;
      total.capacity += part.capacity;
      total.evictions.capacity += part.evictions.capacity;
      total.evictions.expired += part.evictions.expired;
      total.memory.current_bytes += part.memory.current_bytes;
      total.memory.peak_bytes += part.memory.peak_bytes;
      total.memory.index_bytes += part.memory.index_bytes;
      total.weight += part.weight;
    }
    co_return total;
  }

  /// Number of shards, fixed at construction.
  [[nodiscard]] std::size_t shard_count() const noexcept { return shards_.size(); }
  /// Shard `index` (< shard_count()), to inspect one shard's stats.
  [[nodiscard]] IBackend<K, V>& shard(std::size_t index) noexcept { return *shards_[index]; }
  /// The shard `key` lives in: one hash, one multiply-mix and one multiply (no division).
  [[nodiscard]] std::size_t shard_of(const K& key) const noexcept {
    constexpr std::uint64_t kSalt = 0x5bd1e9955bd1e995ULL;  // decorrelates from the index's bits
    const std::uint64_t mixed = detail::mix64(static_cast<std::uint64_t>(hash_(key)) ^ kSalt);
    return static_cast<std::size_t>((static_cast<detail::Uint128>(mixed) * shards_.size()) >> 64);
  }

 private:
  std::vector<std::unique_ptr<IBackend<K, V>>> shards_;  // never empty, no null; fixed
  [[no_unique_address]] HashFn hash_;                    // picks the shard
};

}  // namespace purecache
