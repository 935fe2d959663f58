#pragma once
/// CLOCK (second chance) eviction: FIFO with one reference bit per entry.

#include <functional>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/basic_fifo_core.hpp"

namespace purecache {

/// Bounded CLOCK, as libCacheSim's Clock with its default one-bit counter:
/// - a new key enters at the head of the queue with its bit clear;
/// - a get hit or an overwriting set sets the bit, and moves nothing;
/// - to evict, the oldest entry is examined: with its bit set, the bit is cleared and the entry
///   moves to the head (its second chance); the first oldest entry found with a clear bit is
///   the victim.
/// Ignores time and TTLs; takes no parameters. Memory: one 32-byte slab entry (key, value, two
/// 32-bit links, the bit, padding) plus 2.5 index slots of 8 bytes per entry of capacity: 52
/// bytes per entry for 8-byte keys and values.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
using ClockCore = detail::BasicFIFOCore<K, V, detail::QueueRule::clock, HashFn, KeyEqual>;

static_assert(EvictionCore<ClockCore<int, int>>);

}  // namespace purecache
