#pragma once
/// What a library backend holding a trace's keys takes in memory, measured, not estimated.

#include <cstdint>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

struct BackendFootprint {
  std::uint64_t entries = 0;
  std::uint64_t backend_bytes = 0;   // BackendStats::memory.current_bytes, 4-byte values inline
  std::uint64_t key_heap_bytes = 0;  // string keys longer than the inline buffer: their heap
};

/// Builds the backend an application gets from make_backend(kind, config), with u64 keys (the
/// trace's numbers) or std::string keys (its spellings), sets the first `entries` keys of
/// `reader` (ids 0 .. entries-1, all interned already) and reads its stats. O(entries).
[[nodiscard]] BackendFootprint measure_footprint(BackendKind kind, const CoreConfig& config,
                                                 const TraceReader& reader, bool string_keys,
                                                 std::uint64_t entries);

}  // namespace purecache::sim
