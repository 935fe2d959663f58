#pragma once
/// One operation run under a coroutine mutex, as an awaitable that needs no coroutine frame.

#include <coroutine>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "purecache/async/async_mutex_lock.hpp"
#include "purecache/backend/wait_timer.hpp"

namespace purecache::detail {

/// `co_await LockedOperation(mutex, op)` runs `op()` while holding `mutex` and yields its result.
/// Lazy: nothing happens before the co_await. Uncontended, the lock is taken in await_ready, op
/// runs and the lock is released without suspending; contended, the awaiting coroutine queues
/// FIFO on the mutex (its node lives in this awaitable) and runs op on the thread that hands it
/// the lock. Exceptions from op propagate to the awaiter, with the lock released.
/// `WaitTimer` (backend/wait_timer.hpp) times the wait for the lock; NoWaitTimer compiles it out.
template <class Mutex, class Op, class WaitTimer = NoWaitTimer>
class [[nodiscard]] LockedOperation {
 public:
  using result_type = std::invoke_result_t<Op&>;

  LockedOperation(Mutex& mutex, Op op, WaitTimer wait_timer = {}) noexcept(
      std::is_nothrow_move_constructible_v<Op>)
      : mutex_(mutex), lock_(mutex.lock()), op_(std::move(op)) {
    if constexpr (kTimesWait<WaitTimer>) {
      wait_.timer = std::move(wait_timer);
    } else {
      (void)wait_timer;
    }
  }
  LockedOperation(const LockedOperation&) = delete;
  LockedOperation& operator=(const LockedOperation&) = delete;

  bool await_ready() {
    if constexpr (kTimesWait<WaitTimer>) wait_.mark = wait_.timer.start();
    if (!lock_.await_ready()) return false;
    if constexpr (kTimesWait<WaitTimer>) wait_.timer.stop(wait_.mark, false);
    run();
    return true;
  }
  /// Queues for the lock; false (continue at once) if it was taken meanwhile.
  bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
    if constexpr (kTimesWait<WaitTimer>) {
      // Set before queueing: once queued, another thread may resume us and read it.
      wait_.queued = true;
      if (lock_.await_suspend(awaiting)) return true;
      wait_.queued = false;
      return false;
    } else {
      return lock_.await_suspend(awaiting);
    }
  }
  result_type await_resume() {
    if (!done_) {  // the lock is ours: taken in await_suspend, or handed over by unlock()
      if constexpr (kTimesWait<WaitTimer>) wait_.timer.stop(wait_.mark, wait_.queued);
      run();
    }
    if constexpr (!std::is_void_v<result_type>) return std::move(*result_);
  }

 private:
  void run() {
    AsyncMutexLock<Mutex> guard(mutex_, std::adopt_lock);
    done_ = true;
    if constexpr (std::is_void_v<result_type>) {
      op_();
    } else {
      result_.emplace(op_());
    }
  }

  using Stored = std::conditional_t<std::is_void_v<result_type>, bool, result_type>;
  /// The wait timing of one acquisition; nothing at all for NoWaitTimer.
  struct TimedWait {
    WaitTimer timer{};
    decltype(std::declval<WaitTimer&>().start()) mark{};  // from timer.start()
    bool queued = false;  // waited in the mutex's queue
  };
  struct NoWait {};

  Mutex& mutex_;
  typename Mutex::LockAwaiter lock_;  // the FIFO queue node while waiting
  Op op_;                             // runs exactly once, under the lock
  std::optional<Stored> result_;      // set by run(); unused for void
  bool done_ = false;                 // op_ ran (in await_ready or await_resume)
  [[no_unique_address]] std::conditional_t<kTimesWait<WaitTimer>, TimedWait, NoWait> wait_;
};

}  // namespace purecache::detail
