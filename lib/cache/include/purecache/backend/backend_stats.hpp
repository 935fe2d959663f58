#pragma once
/// A snapshot of a backend, taken under its lock.

#include <cstddef>
#include <cstdint>

#include "purecache/core/core_stats.hpp"

namespace purecache {

struct BackendStats {
  std::size_t size = 0;      // entries held (expiring cores: including not yet purged ones)
  std::size_t capacity = 0;  // maximum entries; 0 = unbounded
  EvictionCounts evictions;  // by reason, since construction
  MemoryUsage memory;        // exact bytes of the core's own structures
  std::uint64_t weight = 0;  // sum of the entries' weights (entries, in count mode)
};

}  // namespace purecache
