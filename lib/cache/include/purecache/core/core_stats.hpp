#pragma once
/// Counters every eviction core keeps about itself.

#include <cstdint>

namespace purecache {

/// Why an entry left the cache without being erased by the caller.
enum class EvictionReason { capacity, expired };

/// Evictions by reason. Caller erases and clear() are not evictions.
struct EvictionCounts {
  std::uint64_t capacity = 0;  // removed to make room for a new key
  std::uint64_t expired = 0;   // removed because its TTL had passed (lazily or by purge)

  friend bool operator==(const EvictionCounts&, const EvictionCounts&) = default;
};

/// Exact bytes held by a core's own structures (slab, index, buckets), as counted by its allocator.
struct MemoryUsage {
  std::uint64_t current_bytes = 0;  // allocated now
  std::uint64_t peak_bytes = 0;     // most ever allocated at once
  std::uint64_t index_bytes = 0;    // of current_bytes, the key index (hash table or id array)
};

}  // namespace purecache
