#pragma once
/// How full a bounded core is: entries against capacity, or weights against max_weight.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/weigher.hpp"
#include "purecache/error.hpp"

namespace purecache::detail {

/// One budget for both modes, so a core has one eviction loop: in count mode every entry weighs
/// 1 and the limit is CoreConfig::capacity; in weight mode the weigher gives each entry's weight
/// and the limit is CoreConfig::max_weight. Entries heavier than the whole limit are never kept
/// (as libCacheSim does not insert an object larger than the cache).
template <class K, class V>
class WeightBudget {
 public:
  /// Throws ConfigError unless exactly one of capacity and max_weight is set, and a weigher is
  /// given exactly when max_weight is.
  WeightBudget(const CoreConfig& config, Weigher<K, V> weigher)
      : weigher_(std::move(weigher)), limit_(checked_limit(config, static_cast<bool>(weigher_))) {}

  /// The weight `key` with `value` takes: 1 in count mode.
  [[nodiscard]] std::uint64_t weigh(const K& key, const V& value) const {
    return weigher_ ? weigher_(key, value) : 1;
  }
  /// False for an entry heavier than the whole cache: it is not kept.
  [[nodiscard]] bool admits(std::uint64_t weight) const noexcept { return weight <= limit_; }
  /// True when `weight` more fits without evicting.
  [[nodiscard]] bool has_room_for(std::uint64_t weight) const noexcept {
    return used_ + weight <= limit_;
  }
  [[nodiscard]] bool over() const noexcept { return used_ > limit_; }
  void add(std::uint64_t weight) noexcept { used_ += weight; }
  void remove(std::uint64_t weight) noexcept { used_ -= weight; }
  void clear() noexcept { used_ = 0; }

  [[nodiscard]] std::uint64_t used() const noexcept { return used_; }
  [[nodiscard]] std::uint64_t limit() const noexcept { return limit_; }
  [[nodiscard]] bool by_weight() const noexcept { return static_cast<bool>(weigher_); }
  /// The most entries the core can hold, for sizing its slab: the capacity in count mode; 0
  /// (unknown, grow as needed) in weight mode.
  [[nodiscard]] std::size_t max_entries() const noexcept {
    return by_weight() ? 0 : static_cast<std::size_t>(limit_);
  }
  /// CoreConfig::capacity as the core reports it: entries in count mode, 0 in weight mode.
  [[nodiscard]] std::size_t capacity() const noexcept { return max_entries(); }

 private:
  static std::uint64_t checked_limit(const CoreConfig& config, bool has_weigher) {
    if (config.max_weight != 0) {
      if (config.capacity != 0) {
        throw_config_error("capacity", std::to_string(config.capacity),
                           "must be 0 when max_weight is set (bound by entries or by weight)");
      }
      if (!has_weigher) {
        throw_config_error("weigher", "empty", "must be given when max_weight is set");
      }
      return config.max_weight;
    }
    if (has_weigher) throw_config_error("max_weight", "0", "must be >= 1 when a weigher is given");
    if (config.capacity == 0) throw_config_error("capacity", "0", "must be >= 1");
    return config.capacity;
  }

  Weigher<K, V> weigher_;  // empty: count mode
  std::uint64_t limit_;    // >= 1: capacity or max_weight
  std::uint64_t used_ = 0;  // sum of the weights of the entries held; <= limit_ between operations
};

}  // namespace purecache::detail
