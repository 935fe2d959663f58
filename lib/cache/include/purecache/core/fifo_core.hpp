#pragma once
/// First-in, first-out eviction.

#include <functional>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/basic_fifo_core.hpp"

namespace purecache {

/// Bounded FIFO: when full, a new key evicts the entry inserted longest ago. Hits and
/// overwriting sets change nothing in the order. As libCacheSim's FIFO. Ignores time and TTLs;
/// takes no parameters. Memory: one slab entry (key, value, two 32-bit links) plus 2.5 index
/// slots of 8 bytes per entry of capacity: 44 bytes per entry for 8-byte keys and values.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
using FIFOCore = detail::BasicFIFOCore<K, V, detail::QueueRule::fifo, HashFn, KeyEqual>;

static_assert(EvictionCore<FIFOCore<int, int>>);

}  // namespace purecache
