#pragma once
/// What both replay engines do around the cache: batching, request time, purges, warm-up.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "purecache/core/time.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim::detail {

inline constexpr std::size_t kReplayBatch = 4096;  // requests read per TraceReader::read

/// The time of each request: the trace's, or index * step on the synthetic clock.
class RequestClock {
 public:
  /// `timestamps`, `ttls`: whether the trace's requests carry their own times and TTLs.
  RequestClock(bool timestamps, bool ttls, const ReplayConfig& config) noexcept
      : trace_time_(timestamps),
        step_(config.synthetic_step),
        ttl_may_outlive_step_(ttls || config.core.ttl > config.synthetic_step) {}

  /// The time of `request`, number `index` from 1. On the synthetic clock, past 2^63-1 ns the
  /// time saturates where that is exact and throws ConfigError where it is not
  /// (docs/replay-semantics.md, "Time arithmetic").
  [[nodiscard]] Timestamp at(const Request& request, std::uint64_t index) const {
    if (trace_time_) return request.time;
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(step_.count(), index - 1, &ns)) [[unlikely]] {
      return past_end(index);
    }
    return Timestamp(ns);
  }

  /// As at(), but never throws: past the synthetic clock's end it is the end. Where a request
  /// stands on the clock, for a timeline, whether or not the policy reads the time.
  [[nodiscard]] Timestamp position(const Request& request, std::uint64_t index) const noexcept {
    if (trace_time_) return request.time;
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(step_.count(), index - 1, &ns)) [[unlikely]] {
      return Timestamp::max();
    }
    return Timestamp(ns);
  }

 private:
  [[nodiscard]] Timestamp past_end(std::uint64_t index) const;

  bool trace_time_;            // requests carry their own time
  Duration step_;              // > 0: synthetic clock advance per request
  bool ttl_may_outlive_step_;  // saturating is exact only if no TTL outlives a step
};

/// When an unbounded expiring cache purges: once per TTL of trace time, so its memory tracks the
/// live set (amortised O(1) per request). Bounded or non-expiring caches never purge.
class PurgeSchedule {
 public:
  PurgeSchedule(bool unbounded_expiring, Duration period) noexcept
      : enabled_(unbounded_expiring), period_(period) {}

  /// True when a purge is due at `now`; the first call only starts the schedule.
  [[nodiscard]] bool due(Timestamp now) noexcept {
    if (!enabled_ || now < next_) return false;
    const bool first = next_ == Timestamp::min();
    next_ = expiry_time(now, period_);  // saturates: a purge past the clock's end never comes
    return !first;
  }

 private:
  bool enabled_;
  Duration period_;
  Timestamp next_ = Timestamp::min();  // min: not started
};

/// Counts one request as issued into `counts`: a ReplayResult, or anything with its counters
/// (a threaded client's own); the cache operations are the engine's.
template <class Counts>
inline void count_request(Counts& counts, Op op, std::uint32_t size) noexcept {
  ++counts.requests;
  if (op == Op::get) [[likely]] {
    ++counts.gets;
    counts.get_bytes += size;
  } else if (op == Op::set) {
    ++counts.sets;
  } else {
    ++counts.erases;
  }
}
/// Counts a get's outcome into `counts`; `fill`: a miss is followed by a set (demand fill).
template <class Counts>
inline void count_get(Counts& counts, std::uint32_t size, bool hit, bool fill) noexcept {
  if (hit) {
    ++counts.hits;
    counts.hit_bytes += size;
  } else {
    ++counts.misses;
    if (fill) ++counts.fills;
  }
}

/// At the end of the warm-up: forget what it counted; the cache keeps its contents.
inline void end_warmup(ReplayResult& r, std::uint64_t warmup) noexcept {
  r.warmup_requests = warmup;
  r.requests = r.gets = r.hits = r.misses = r.sets = r.erases = r.fills = 0;
  r.get_bytes = r.hit_bytes = 0;
}

/// The request number (from 1) at which the warm-up ends; 0: never.
[[nodiscard]] inline std::uint64_t warmup_end(const ReplayConfig& config) noexcept {
  return config.warmup == 0 ? 0 : config.warmup + 1;
}

/// True when the replay should stop before its next batch.
[[nodiscard]] inline bool stop_requested(const ReplayConfig& config) noexcept {
  return config.stop_signal != nullptr &&
         config.stop_signal->load(std::memory_order_relaxed) != 0;
}

/// `ns` as seconds, exactly: "1000000", "0.5", "9223372036.854775807".
[[nodiscard]] std::string seconds_text(std::int64_t ns);

/// Both engines: the library engine through Cache, the fast one on the bare core.
[[nodiscard]] ReplayResult replay_library(TraceReader& reader, const ReplayConfig& config);
/// The library engine on a ThreadPool (config.concurrency.threads >= 1): reads the whole trace
/// into memory, then replays it with the clients; fills every field, wall_seconds included.
[[nodiscard]] ReplayResult replay_threaded(TraceReader& reader, const ReplayConfig& config);
/// An offline policy (Belady) loads the reader's trace first (within
/// config.offline_memory_limit, else ConfigError) and replays it from memory.
[[nodiscard]] ReplayResult replay_fast(TraceReader& reader, const ReplayConfig& config);
/// `next_access` as make_fast_run takes it; empty: computed here when the policy needs it.
[[nodiscard]] ReplayResult replay_fast(const LoadedTrace& trace, const ReplayConfig& config,
                                       std::span<const std::uint64_t> next_access = {});

}  // namespace purecache::sim::detail
