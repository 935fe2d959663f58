#pragma once
/// Replays a trace through a LockedBackend and counts what happened.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// How to replay. Semantics in docs/replay-semantics.md.
struct ReplayConfig {
  BackendKind policy = BackendKind::lru;
  CoreConfig core{};                   // capacity (bounded kinds) and default ttl (expiring kinds)
  bool demand_fill = true;             // a get that misses is followed by a set of the same key
  std::uint64_t warmup = 0;            // leading requests replayed but not counted
  Duration synthetic_step{1'000'000};  // > 0: clock advance per request when the trace has no time
  std::uint32_t lock_sample_every = 16;  // time one lock hold in this many (1 = every hold)
  /// Called after each batch (~4096 requests), for progress reporting. May be empty.
  std::function<void(const TraceReader&)> on_batch{};
  /// Read once per batch: once non-zero (a signal's number, set by a handler), the replay stops
  /// before the next batch and returns what it counted, complete = false. May be null.
  const std::atomic<int>* stop_signal = nullptr;
};

/// Lock-hold times in nanoseconds; percentiles within 0.1% (LatencyHistogram).
struct LatencySummary {
  std::uint64_t count = 0;  // holds timed
  double mean_ns = 0;
  std::uint64_t p50_ns = 0;
  std::uint64_t p90_ns = 0;
  std::uint64_t p99_ns = 0;
  std::uint64_t p999_ns = 0;
  std::uint64_t max_ns = 0;
};

/// What a replay observed. Request counters exclude the warm-up; hits, misses and ratios count
/// gets only.
struct ReplayResult {
  std::uint64_t requests = 0;  // counted requests (after warm-up)
  std::uint64_t warmup_requests = 0;
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t sets = 0;       // sets from the trace (demand fills are not counted here)
  std::uint64_t erases = 0;     // deletes from the trace
  std::uint64_t fills = 0;      // sets issued by demand fill
  std::uint64_t get_bytes = 0;  // sum of sizes of counted gets
  std::uint64_t hit_bytes = 0;  // sum of sizes of counted hits
  EvictionCounts evictions;     // during the counted part
  MemoryUsage memory;           // of the backend's core, whole run
  std::size_t final_size = 0;   // entries held at the end
  LatencySummary lock_hold;     // timed lock holds of the counted part
  std::uint32_t lock_hold_sampled_every = 1;  // one hold in this many was timed
  double wall_seconds = 0;                    // whole replay, reading and warm-up included
  bool complete = true;  // false: stopped by ReplayConfig::stop_signal before the trace's end
};

/// Streams `reader` through a LockedBackend of config.policy built with a virtual clock, on
/// the calling thread, one coroutine for the whole trace. Throws TraceError from the reader.
[[nodiscard]] ReplayResult replay(TraceReader& reader, const ReplayConfig& config);

}  // namespace purecache::sim
