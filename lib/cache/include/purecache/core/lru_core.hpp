#pragma once
/// Least-recently-used eviction.

#include <functional>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/basic_lru_core.hpp"

namespace purecache {

/// Bounded LRU: when full, a new key evicts the entry read or written least recently.
/// get hits and overwriting sets both make an entry the most recent. Ignores time and TTLs.
/// Memory: one slab entry (key, value, two 32-bit links) plus 2.5 index slots of 8 bytes per
/// entry of capacity: 44 bytes per entry for 8-byte keys and values.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
using LRUCore = detail::BasicLRUCore<K, V, false, HashFn, KeyEqual>;

static_assert(EvictionCore<LRUCore<int, int>>);

}  // namespace purecache
