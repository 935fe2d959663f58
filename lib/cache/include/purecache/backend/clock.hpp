#pragma once
/// Where a backend's `now` comes from.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "purecache/core/time.hpp"

namespace purecache {

/// Real time: std::chrono::steady_clock. Stateless; the default for applications.
struct SteadyClock {
  [[nodiscard]] Timestamp now() const noexcept {
    return std::chrono::duration_cast<Timestamp>(
        std::chrono::steady_clock::now().time_since_epoch());
  }
};

/// Simulated time for replays and tests: starts at 0 and moves only when told. Copies share one
/// time, so the replay keeps a copy to advance while the backend reads its own. Thread-safe;
/// now() is one relaxed load.
class VirtualClock {
 public:
  VirtualClock() : ns_(std::make_shared<std::atomic<std::int64_t>>(0)) {}

  [[nodiscard]] Timestamp now() const noexcept {
    return Timestamp{ns_->load(std::memory_order_relaxed)};
  }
  /// Jumps to `t`; callers keep time monotonic (the cores do not require it, replays do).
  void set(Timestamp t) noexcept { ns_->store(t.count(), std::memory_order_relaxed); }
  void advance(Duration d) noexcept { ns_->fetch_add(d.count(), std::memory_order_relaxed); }

 private:
  std::shared_ptr<std::atomic<std::int64_t>> ns_;  // shared by all copies; never null
};

}  // namespace purecache
