#pragma once
/// The size function that bounds a cache by weight instead of by entry count.

#include <cstdint>
#include <functional>

namespace purecache {

/// The weight of one entry, in units of the caller's choosing (bytes, usually), as Caffeine's
/// `weigher`. It must return the same weight for the same key and value: cores call it when an
/// entry is stored and again when it leaves, instead of storing the weight. Weight 0 is allowed
/// (such entries take no room but are still evicted in the policy's order).
template <class K, class V>
using Weigher = std::function<std::uint64_t(const K& key, const V& value)>;

}  // namespace purecache
