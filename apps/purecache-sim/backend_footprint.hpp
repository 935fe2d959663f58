#pragma once
/// What a library backend replaying a trace takes in memory: measured by replaying it.

#include <cstdint>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::sim {

struct BackendFootprint {
  std::uint64_t entries = 0;          // held at the end of the replay
  std::uint64_t backend_bytes = 0;    // BackendStats::memory.current_bytes at the end
  std::uint64_t backend_peak_bytes = 0;
  std::uint64_t key_heap_bytes = 0;   // string keys past the inline buffer: entries x their mean
};

/// Replays the trace with the library engine (config.engine is ignored; config.key_type is u64
/// or string), as an application's backend of config.core would hold it, and reads its memory.
/// String keys' own heap is not in the backend's count: it is estimated from the mean over the
/// trace's distinct keys. Throws what replay throws.
[[nodiscard]] BackendFootprint library_footprint(const TraceSource& source,
                                                 const TraceOptions& options,
                                                 ReplayConfig config);

}  // namespace purecache::sim
