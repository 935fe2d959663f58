#pragma once
/// The library engine's lock-hold timer: one hold in N, in raw ticks.

#include <cstdint>

#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "replay/thread_lock_figures.hpp"

namespace purecache::sim::detail {

/// A LockedBackend hold timer (backend/hold_timer.hpp) that times one hold in `every` with the
/// tick clock, into a histogram of raw ticks: the conversion to nanoseconds is linear, so it is
/// done once on the summary, not per hold. The countdown is the backend's own copy (each shard
/// has one), touched only under its lock.
class SampledHoldTimer {
 public:
  using Mark = std::uint64_t;
  static constexpr Mark kUntimed = 0;

  SampledHoldTimer() noexcept = default;
  /// Single-threaded replays: records into the histogram `*ticks` points to when the hold ends.
  /// The replay may point it elsewhere between holds, or to null to time no hold for a while: a
  /// hold due for timing then passes its turn to the next one.
  SampledHoldTimer(LatencyHistogram* const* ticks, std::uint32_t every) noexcept
      : ticks_(ticks), every_(every) {}
  /// Replays on several threads: records into the slot of the thread holding the lock, since
  /// several threads (and several shards' locks) hold at once.
  SampledHoldTimer(ThreadLockFigures* figures, std::uint32_t every) noexcept
      : figures_(figures), every_(every) {}

  // The untimed path is a decrement and a branch; the timed one stays out of line.
  [[nodiscard]] Mark start() noexcept {
    if (--countdown_ != 0) [[likely]]
      return kUntimed;
    return start_timing();
  }
  void stop(Mark started) noexcept {
    if (started != kUntimed) [[unlikely]]
      record(started);
  }

 private:
  [[gnu::noinline]] Mark start_timing() noexcept {
    if (ticks_ != nullptr && *ticks_ == nullptr) {
      countdown_ = 1;  // paused: the next hold is timed instead
      return kUntimed;
    }
    countdown_ = every_;
    return ticks_ == nullptr && figures_ == nullptr ? kUntimed : TickClock::now_ticks();
  }
  [[gnu::noinline]] void record(Mark started) noexcept {
    const std::uint64_t ticks = TickClock::now_ticks() - started;
    if (ticks_ != nullptr) {
      (*ticks_)->record(ticks);
    } else {
      figures_->local().hold_ticks.record(ticks);
    }
  }

  LatencyHistogram* const* ticks_ = nullptr;  // single-threaded: the replay's pointer
  ThreadLockFigures* figures_ = nullptr;      // threaded: per-thread slots; both null: no timing
  std::uint32_t every_ = 1;                   // >= 1
  std::uint32_t countdown_ = 1;               // holds left until the next timed one
};

}  // namespace purecache::sim::detail
