#pragma once
/// Byte-weighted LRU miss-ratio curves: byte stack distances in one pass, exact without deletes
/// and size changes (ByteMrcProfile::one_pass_exact), else byte-mode replays. docs/mrc.md#bytes.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "purecache/sim/mrc/miss_ratio_curve.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// What one pass of byte stack distances found, for a list of byte capacities fixed beforehand.
struct ByteMrcProfile {
  std::vector<std::uint64_t> capacities;  // bytes, ascending, no repeats, each >= 1
  std::vector<std::uint64_t> hits;        // [i]: counted gets that hit at capacities[i]
  std::uint64_t requests = 0;             // every request read, warm-up included
  std::uint64_t warmup_requests = 0;
  std::uint64_t gets = 0;          // counted gets
  std::uint64_t largest_size = 0;  // the largest get or set size, warm-up included
  std::uint64_t deletes = 0;       // delete requests, warm-up included
  std::uint64_t size_changes = 0;  // requests of a key whose size differs from its last one
  std::size_t stacks = 0;          // stacks kept: one per class of capacities (see the .cpp)
  std::string trace_hash;          // TraceHash::hex() of every request read
  std::size_t profiler_bytes = 0;
  double wall_seconds = 0;  // the pass, reading included
  bool complete = true;     // false: stopped by MrcConfig::stop_signal

  /// Whether the pass gives a byte-mode LRU replay's counts exactly, at every capacity: when the
  /// trace has no deletes and no size changes. docs/mrc.md#bytes.
  [[nodiscard]] bool one_pass_exact() const noexcept { return deletes == 0 && size_changes == 0; }
};

/// Reads `reader` to its end (or a stop) and profiles byte stack distances at `capacities`
/// (bytes, each >= 1; sorted and deduplicated here), with the replay's semantics (a get is
/// counted and fills on a miss, a set is not counted, a delete removes the key). At capacity C
/// an object larger than C is never stored, so the capacities fall into classes between object
/// sizes, each with its own stack that skips the objects too large for it (docs/mrc.md#bytes).
/// O(N S log M) for N requests, M keys and S classes (at most the capacities, 1 when every
/// object fits in the smallest), plus O(log capacities) per request; memory S stacks. Throws
/// ConfigError without demand fill, with a sample rate, or for a capacity of 0; TraceError from
/// the reader.
[[nodiscard]] ByteMrcProfile profile_byte_mrc(TraceReader& reader, const MrcConfig& config,
                                              std::span<const std::uint64_t> capacities);

/// The curve at profile.capacities, ascending: from the pass when one_pass_exact(), else each
/// point is `replay(capacity)`, an LRU byte-mode replay's point, with MrcPoint::replayed set.
[[nodiscard]] std::vector<MrcPoint> byte_mrc_points(
    const ByteMrcProfile& profile, const std::function<MrcPoint(std::uint64_t)>& replay);

/// `count` capacities spaced evenly in log scale from `low` to `high` (both >= 1, low <= high),
/// both ends included, rounded and deduplicated, ascending: fewer than `count` when they collide.
[[nodiscard]] std::vector<std::uint64_t> log_spaced_between(std::size_t count, std::uint64_t low,
                                                            std::uint64_t high);

}  // namespace purecache::sim
