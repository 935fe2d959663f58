#pragma once
/// LRU miss-ratio curves in one pass over a trace: exact (stack distances), or estimated from a
/// spatial sample of the keys (SHARDS). Semantics and the estimate's rules: docs/mrc.md.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "purecache/sim/mrc/distance_histogram.hpp"
#include "purecache/sim/mrc/stack_distance_profiler.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// How to profile. Set with designated initializers.
struct MrcConfig {
  /// Must be true, else profile_mrc throws ConfigError: without demand fill a get moves its key
  /// only in the cache sizes where it hits, so no single stack describes every size.
  bool demand_fill = true;
  std::uint64_t warmup = 0;  // leading requests replayed but not counted
  /// SHARDS: profile only the keys a SpatialSampler of this rate keeps. Empty: every key, exact.
  std::optional<double> sample_rate{};
  std::size_t min_window = StackDistanceProfiler::kDefaultMinWindow;  // see the profiler
  /// Called after each batch (~4096 requests), for progress reporting. May be empty.
  std::function<void(const TraceReader&)> on_batch{};
  /// Read once per batch: once non-zero, profiling stops, complete = false. May be null.
  const std::atomic<int>* stop_signal = nullptr;
};

/// What one pass over a trace found: enough to evaluate the curve at any capacity.
struct MrcProfile {
  DistanceHistogram histogram;  // distances of the counted gets that were profiled
  std::uint64_t requests = 0;   // every request read, warm-up included
  std::uint64_t warmup_requests = 0;
  std::uint64_t gets = 0;          // counted gets of the whole trace
  std::uint64_t sampled_gets = 0;  // counted gets profiled: gets when exact
  /// SHARDS: the sampler's threshold T of 2^24 (effective rate T / 2^24). Empty: exact.
  std::optional<std::uint64_t> sample_threshold{};
  std::string trace_hash;  // TraceHash::hex() of every request read
  std::size_t profiler_bytes = 0;
  double wall_seconds = 0;  // the pass, reading included
  bool complete = true;     // false: stopped by MrcConfig::stop_signal
  /// The effective sample rate, T / 2^24; empty when exact.
  [[nodiscard]] std::optional<double> sample_rate() const noexcept;
};

/// Reads `reader` to its end (or a stop) and profiles LRU stack distances, by the replay's
/// semantics: a get is a counted access (a miss fills), a set an uncounted one, a delete removes
/// the key. O(N log M) for N requests and M keys. Throws ConfigError for a config that cannot be
/// profiled and TraceError from the reader.
[[nodiscard]] MrcProfile profile_mrc(TraceReader& reader, const MrcConfig& config);

/// One capacity's counts. Exact: what an LRU replay with demand fill counts. SHARDS: estimates,
/// hits + misses == gets, misses rounded from miss_ratio * gets.
struct MrcPoint {
  std::uint64_t capacity = 0;  // entries (bytes in a byte curve), >= 1
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  double miss_ratio = 0;  // misses / gets exactly, or the SHARDS estimate; 0 when no gets
  double hit_ratio = 0;   // hits / gets exactly, or 1 - the estimate; 0 when no gets
  bool replayed = false;  // bytes: counted by a replay, not by the one pass (byte_mrc_points)
};

/// The curve at each capacity (each >= 1), in the order given. O(capacities * log + distances).
[[nodiscard]] std::vector<MrcPoint> mrc_points(const MrcProfile& profile,
                                               std::span<const std::uint64_t> capacities);

/// `count` capacities spaced evenly in log scale from 1 to max(1, keys), both ends included,
/// rounded to entries and deduplicated, ascending: fewer than `count` when they collide.
[[nodiscard]] std::vector<std::uint64_t> log_spaced_capacities(std::size_t count,
                                                               std::uint64_t keys);

}  // namespace purecache::sim
