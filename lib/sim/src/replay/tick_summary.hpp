#pragma once
/// Lock figures in ticks, summarised in nanoseconds for the result.

#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "purecache/sim/replay.hpp"
#include "replay/thread_lock_figures.hpp"

namespace purecache::sim::detail {

/// `ticks` in nanoseconds; calibrate the tick clock first (TickClock::calibrate_since).
[[nodiscard]] inline LatencySummary summarize_ticks(const LatencyHistogram& ticks) {
  return LatencySummary{.count = ticks.count(),
                        .mean_ns = ticks.mean() * 1e9 / TickClock::ticks_per_second(),
                        .p50_ns = TickClock::ticks_to_ns(ticks.value_at_percentile(50)),
                        .p90_ns = TickClock::ticks_to_ns(ticks.value_at_percentile(90)),
                        .p99_ns = TickClock::ticks_to_ns(ticks.value_at_percentile(99)),
                        .p999_ns = TickClock::ticks_to_ns(ticks.value_at_percentile(99.9)),
                        .max_ns = TickClock::ticks_to_ns(ticks.max())};
}

/// r.lock_wait and r.contended_share from every thread's slot; as summarize_ticks, and once the
/// threads that recorded are done.
inline void summarize_waits(const ThreadLockFigures& figures, ReplayResult& r) {
  LatencyHistogram waits;
  std::uint64_t acquisitions = 0;
  std::uint64_t contended = 0;
  for (const auto& slot : figures.slots()) {
    waits.merge(slot->wait_ticks);
    acquisitions += slot->acquisitions;
    contended += slot->contended;
  }
  r.lock_wait = summarize_ticks(waits);
  r.contended_share = acquisitions == 0 ? 0.0
                                        : static_cast<double>(contended) /
                                              static_cast<double>(acquisitions);
}

}  // namespace purecache::sim::detail
