#pragma once
/// One operation run under a coroutine mutex, as an awaitable that needs no coroutine frame.

#include <coroutine>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "purecache/async/async_mutex_lock.hpp"

namespace purecache::detail {

/// `co_await LockedOperation(mutex, op)` runs `op()` while holding `mutex` and yields its result.
/// Lazy: nothing happens before the co_await. Uncontended, the lock is taken in await_ready, op
/// runs and the lock is released without suspending; contended, the awaiting coroutine queues
/// FIFO on the mutex (its node lives in this awaitable) and runs op on the thread that hands it
/// the lock. Exceptions from op propagate to the awaiter, with the lock released.
template <class Mutex, class Op>
class [[nodiscard]] LockedOperation {
 public:
  using result_type = std::invoke_result_t<Op&>;

  LockedOperation(Mutex& mutex, Op op) noexcept(std::is_nothrow_move_constructible_v<Op>)
      : mutex_(mutex), lock_(mutex.lock()), op_(std::move(op)) {}
  LockedOperation(const LockedOperation&) = delete;
  LockedOperation& operator=(const LockedOperation&) = delete;

  bool await_ready() {
    if (!lock_.await_ready()) return false;
    run();
    return true;
  }
  /// Queues for the lock; false (continue at once) if it was taken meanwhile.
  bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
    return lock_.await_suspend(awaiting);
  }
  result_type await_resume() {
    if (!done_) run();  // the lock is ours: taken in await_suspend, or handed over by unlock()
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

  Mutex& mutex_;
  typename Mutex::LockAwaiter lock_;  // the FIFO queue node while waiting
  Op op_;                             // runs exactly once, under the lock
  std::optional<Stored> result_;      // set by run(); unused for void
  bool done_ = false;                 // op_ ran (in await_ready or await_resume)
};

}  // namespace purecache::detail
