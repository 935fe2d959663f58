#pragma once
/// SIEVE eviction (Zhang et al., NSDI'24): one FIFO queue, a visited bit and a moving hand.

#include <functional>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/basic_fifo_core.hpp"

namespace purecache {

/// Bounded SIEVE, as libCacheSim's Sieve:
/// - a new key enters at the head of the queue, not visited;
/// - a get hit or an overwriting set marks the entry visited, and moves nothing;
/// - to evict, the hand starts where the last eviction left it (at the tail the first time and
///   after passing the head) and walks towards the head, clearing the visited entries it passes
///   and wrapping from the head to the tail; the first entry not visited is the victim, and the
///   hand stays at its newer neighbour. Erasing the entry under the hand moves the hand the same
///   way.
/// Survivors never move, unlike CLOCK's. Ignores time and TTLs; takes no parameters. Memory: one
/// 32-byte slab entry (key, value, two 32-bit links, the bit, padding) plus 2.5 index slots of 8
/// bytes per entry of capacity: 52 bytes per entry for 8-byte keys and values.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
using SieveCore = detail::BasicFIFOCore<K, V, detail::QueueRule::sieve, HashFn, KeyEqual>;

static_assert(EvictionCore<SieveCore<int, int>>);

}  // namespace purecache
