#pragma once
/// The contract every eviction policy core satisfies, checked by the compiler.

#include <concepts>
#include <cstdint>
#include <cstddef>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"
#include "purecache/core/weigher.hpp"

namespace purecache {

/// A synchronous, single-threaded cache policy: no virtuals, locks, coroutines or clock reads.
/// - get(key, now): pointer to the value if present and live (valid until the next mutating call),
///   else nullptr. May reorder (recency, frequency) and may drop an expired entry.
/// - set(key, value, now, ttl): insert or overwrite, evicting first if full; ttl == kDefaultTTL
///   means the configured default (non-expiring cores ignore ttl). Returns true if the key was new.
/// - erase(key, now): true if a live entry was removed.
/// - clear(): drop everything; counters of evictions are kept.
/// - weight(): the sum of the weights held (entries in count mode; see WeightBudget).
/// - kUsesTime: false when the core ignores `now`, so shells can skip reading a clock.
/// Built from a CoreConfig alone (count mode) or with a Weigher (weight mode, max_weight set).
template <class C>
concept EvictionCore = std::constructible_from<C, const CoreConfig&> &&
    std::constructible_from<C, const CoreConfig&,
                            Weigher<typename C::key_type, typename C::mapped_type>> &&
    std::movable<C> &&
    requires(C& core, const C& view, const typename C::key_type& key, typename C::mapped_type value,
             Timestamp now, Duration ttl) {
  { core.get(key, now) } -> std::same_as<const typename C::mapped_type*>;
  { core.set(key, std::move(value), now, ttl) } -> std::same_as<bool>;
  { core.erase(key, now) } -> std::same_as<bool>;
  { core.clear() } -> std::same_as<void>;
  { view.size() }
  noexcept->std::same_as<std::size_t>;
  { view.capacity() }
  noexcept->std::same_as<std::size_t>;  // 0 = unbounded
  { view.evictions() }
  noexcept->std::same_as<EvictionCounts>;
  { view.memory() }
  noexcept->std::same_as<MemoryUsage>;
  { view.weight() }
  noexcept->std::same_as<std::uint64_t>;
  { C::kUsesTime } -> std::convertible_to<bool>;
};

/// A core whose entries expire: purge(now) drops every expired entry and returns how many.
template <class C>
concept ExpiringCore = EvictionCore<C> && requires(C& core, Timestamp now) {
  { core.purge(now) } -> std::same_as<std::size_t>;
};

}  // namespace purecache
