#pragma once
/// Least-recently-used eviction with per-entry expiry.

#include <functional>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/basic_lru_core.hpp"

namespace purecache {

/// Bounded LRU whose entries also expire: an entry set at t with ttl d is absent at now >= t + d.
/// Expiry is lazy (get, set and erase drop the expired entry they find) plus purge(now).
/// When full, the least recent entry is evicted; it counts as `expired` if its time had passed,
/// else as `capacity`. set(..., ttl) with ttl == kDefaultTTL uses the configured ttl.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
using LRUTTLCore = detail::BasicLRUCore<K, V, true, HashFn, KeyEqual>;

static_assert(ExpiringCore<LRUTTLCore<int, int>>);

}  // namespace purecache
