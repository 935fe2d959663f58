#pragma once
/// The library engine's lock figures, one slot per thread that takes a backend lock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "purecache/async/executor.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"

namespace purecache::sim::detail {

/// The calling thread's slot of the figures it last recorded into.
struct ThreadLockFiguresCache {
  std::uint64_t owner;  // id of the ThreadLockFigures the slot belongs to; 0: none
  void* slot;           // that figures' Slot
};
inline constinit thread_local ThreadLockFiguresCache tls_lock_figures{0, nullptr};

/// One replay's per-thread lock figures. A thread records only into its own slot, claimed on its
/// first call to local(), so recording needs no atomic and no lock, whichever thread runs which
/// client; the slots are merged once the replay's threads are done. Waits are timed outside any
/// lock and holds under a shard's lock by whichever thread holds it, so no single histogram could
/// be shared safely between threads (nor between shards).
class ThreadLockFigures {
 public:
  /// What one thread recorded. Cache-line aligned: threads never share a line.
  struct alignas(64) Slot {
    LatencyHistogram hold_ticks;          // timed holds, raw ticks (threaded replays only)
    LatencyHistogram wait_ticks;          // timed waits, raw ticks
    std::uint64_t acquisitions = 0;       // lock acquisitions requested on this thread
    std::uint64_t contended = 0;          // acquisitions that queued, counted where they ended
    std::uint64_t completed = 0;          // requests completed on this thread
    std::uint32_t wait_countdown = 1;     // acquisitions left until the next timed wait
    const Executor* executor = nullptr;   // current_executor() of the thread; null: none
  };

  ThreadLockFigures() noexcept : id_(next_id_.fetch_add(1, std::memory_order_relaxed)) {}
  ThreadLockFigures(const ThreadLockFigures&) = delete;
  ThreadLockFigures& operator=(const ThreadLockFigures&) = delete;

  /// The calling thread's slot: one thread-local compare once claimed; the first call of a
  /// thread allocates its slot under a mutex.
  [[nodiscard]] Slot& local() {
    if (tls_lock_figures.owner == id_) [[likely]]
      return *static_cast<Slot*>(tls_lock_figures.slot);
    return claim();
  }

  /// While paused, the wait timer counts and times nothing (the replay's own stats() calls).
  /// Only between operations, from the thread that runs them all (single-threaded replays).
  void pause(bool paused) noexcept { paused_ = paused; }
  [[nodiscard]] bool paused() const noexcept { return paused_; }

  /// Every slot, once the threads that recorded are done (joined or synchronised with).
  [[nodiscard]] const std::vector<std::unique_ptr<Slot>>& slots() const noexcept { return slots_; }
  /// Forgets what every slot recorded (warm-up's end); same condition as slots().
  void reset() noexcept;

 private:
  Slot& claim();

  static inline std::atomic<std::uint64_t> next_id_{1};  // ids are never reused, so never 0

  std::uint64_t id_;                          // this replay's, unique in the process
  bool paused_ = false;
  std::mutex claim_mutex_;                    // guards slots_ while threads claim
  std::vector<std::unique_ptr<Slot>> slots_;  // one per thread that recorded, in claim order
};

}  // namespace purecache::sim::detail
