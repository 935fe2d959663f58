#pragma once
/// The library engine's lock-hold timer: one hold in N, in raw ticks.

#include <cstdint>

#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"

namespace purecache::sim::detail {

/// A LockedBackend hold timer (backend/hold_timer.hpp) that times one hold in `every` with the
/// tick clock, into a histogram of raw ticks: the conversion to nanoseconds is linear, so it is
/// done once on the summary, not per hold.
class SampledHoldTimer {
 public:
  using Mark = std::uint64_t;
  static constexpr Mark kUntimed = 0;

  SampledHoldTimer() noexcept = default;
  /// Records into the histogram `*ticks` points to when the hold starts. The replay may point it
  /// elsewhere between holds, or to null to time no hold for a while: a hold due for timing
  /// then passes its turn to the next one.
  SampledHoldTimer(LatencyHistogram* const* ticks, std::uint32_t every) noexcept
      : ticks_(ticks), every_(every) {}

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
    return ticks_ == nullptr ? kUntimed : TickClock::now_ticks();
  }
  [[gnu::noinline]] void record(Mark started) noexcept {
    (*ticks_)->record(TickClock::now_ticks() - started);
  }

  LatencyHistogram* const* ticks_ = nullptr;  // the replay's; null: time nothing
  std::uint32_t every_ = 1;            // >= 1
  std::uint32_t countdown_ = 1;        // holds left until the next timed one
};

}  // namespace purecache::sim::detail
