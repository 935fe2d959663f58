#pragma once
/// The library engine's lock-wait timer: one wait in N, in raw ticks, per thread.

#include <cstdint>

#include "purecache/sim/metrics/tick_clock.hpp"
#include "replay/thread_lock_figures.hpp"

namespace purecache::sim::detail {

/// A LockedBackend wait timer (backend/wait_timer.hpp): counts every acquisition and every
/// queued one, and times one wait in `every` with the tick clock, all into the slot of the
/// calling thread (ThreadLockFigures), so any number of threads may use copies of it at once.
/// The countdown is per thread, so with several threads the timed waits are one in `every` of
/// each thread's acquisitions.
class SampledWaitTimer {
 public:
  using Mark = std::uint64_t;
  static constexpr Mark kUntimed = 0;

  SampledWaitTimer() noexcept = default;
  SampledWaitTimer(ThreadLockFigures* figures, std::uint32_t every) noexcept
      : figures_(figures), every_(every) {}

  [[nodiscard]] Mark start() noexcept {
    if (figures_ == nullptr || figures_->paused()) return kUntimed;
    ThreadLockFigures::Slot& slot = figures_->local();
    ++slot.acquisitions;
    if (--slot.wait_countdown != 0) [[likely]]
      return kUntimed;
    slot.wait_countdown = every_;
    return TickClock::now_ticks();
  }
  void stop(Mark started, bool queued) noexcept {
    if (figures_ == nullptr) return;
    if (started == kUntimed && !queued) [[likely]]
      return;
    record(started, queued);
  }

 private:
  [[gnu::noinline]] void record(Mark started, bool queued) noexcept {
    if (figures_->paused()) return;
    ThreadLockFigures::Slot& slot = figures_->local();
    if (queued) ++slot.contended;
    if (started != kUntimed) slot.wait_ticks.record(TickClock::now_ticks() - started);
  }

  ThreadLockFigures* figures_ = nullptr;  // the replay's; null: count and time nothing
  std::uint32_t every_ = 1;               // >= 1
};

}  // namespace purecache::sim::detail
