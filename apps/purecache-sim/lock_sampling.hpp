#pragma once
/// The default rate of lock-hold timing, chosen from the trace's size.

#include <cstdint>

#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim {

/// One lock hold in this many is timed when --lock-sample is not given: every hold up to about
/// 262,000 requests (estimated from the file size; compressed sizes only underestimate), then the
/// power of two that times 131,000 to 262,000 requests, at most 1 in 64; 16 if the size is 0.
[[nodiscard]] std::uint32_t default_lock_sample(std::uint64_t trace_bytes, TraceFormat format);

}  // namespace purecache::sim
