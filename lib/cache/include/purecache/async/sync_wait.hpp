#pragma once
/// sync_wait: run a Task to completion from ordinary (non-coroutine) code.

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "purecache/async/frame_allocator.hpp"
#include "purecache/async/task.hpp"

namespace purecache {

namespace detail {

/// One-shot completion flag between sync_wait's caller and the thread that finishes the task.
/// Costs one atomic exchange and one load when the task finishes before the caller waits; only a
/// caller that must wait builds a blocker (mutex + condition variable) on its own stack.
class SyncWaitSignal {
 public:
  SyncWaitSignal() noexcept = default;
  SyncWaitSignal(const SyncWaitSignal&) = delete;
  SyncWaitSignal& operator=(const SyncWaitSignal&) = delete;

  /// Blocks until complete() has been called; returns at once (no syscall) if it already was.
  void wait() {
    if (state_.load(std::memory_order_acquire) != kDone) wait_slow();
  }
  /// Marks completion and wakes a blocked caller. Called once, from any thread. After it the
  /// caller may destroy this object at any moment.
  void complete() noexcept {
    const std::uintptr_t previous = state_.exchange(kDone, std::memory_order_acq_rel);
    if (previous != kRunning) wake(previous);
  }

 private:
  static constexpr std::uintptr_t kRunning = 0;
  static constexpr std::uintptr_t kDone = 1;

  void wait_slow();
  static void wake(std::uintptr_t blocker) noexcept;

  std::atomic<std::uintptr_t> state_{kRunning};  // kRunning, kDone, or a waiting caller's blocker
};

/// Outcome storage plus the signal to raise when the driver coroutine finishes.
template <class T>
class SyncWaitPromise : public RecycledFrame, public TaskResult<T> {
 public:
  struct FinalAwaiter {
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    // Stays suspended: the caller destroys the frame after wait() returns.
    void await_suspend(std::coroutine_handle<SyncWaitPromise> self) noexcept {
      self.promise().signal_->complete();
    }
    void await_resume() const noexcept {}
  };

  std::coroutine_handle<SyncWaitPromise> get_return_object() noexcept {
    return std::coroutine_handle<SyncWaitPromise>::from_promise(*this);
  }
  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void set_signal(SyncWaitSignal& signal) noexcept { signal_ = &signal; }

 private:
  SyncWaitSignal* signal_ = nullptr;  // set before the first resume
};

/// Owns the frame of the coroutine that awaits the user's Task on sync_wait's behalf.
template <class T>
class SyncWaitDriver {
 public:
  using promise_type = SyncWaitPromise<T>;

  SyncWaitDriver(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  SyncWaitDriver(const SyncWaitDriver&) = delete;
  SyncWaitDriver& operator=(const SyncWaitDriver&) = delete;
  ~SyncWaitDriver() { handle_.destroy(); }

  /// Runs the body until it finishes or first suspends; the signal fires when it finishes.
  void start(SyncWaitSignal& signal) {
    handle_.promise().set_signal(signal);
    handle_.resume();
  }
  /// The Task's value, or its exception rethrown. Only after the signal fired.
  T take() { return handle_.promise().take(); }

 private:
  std::coroutine_handle<promise_type> handle_;  // never null; suspended at start or at the end
};

template <class T>
SyncWaitDriver<T> make_sync_wait_driver(Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(task);
  } else {
    co_return co_await std::move(task);
  }
}

}  // namespace detail

/// Runs `task` to completion on the calling thread and returns its value (or rethrows its
/// exception). If the task finishes without suspending, no syscall is made and nothing is
/// allocated in steady state (frames are recycled). If it suspends and is resumed on another
/// thread, the caller blocks until it finishes there.
/// Must not be called from code that the awaited work depends on to make progress, e.g. inside
/// a coroutine resumed by AsyncMutex::unlock (waiters queued behind it run only after it returns).
template <class T>
T sync_wait(Task<T> task) {
  detail::SyncWaitSignal signal;
  detail::SyncWaitDriver<T> driver = detail::make_sync_wait_driver(std::move(task));
  driver.start(signal);
  signal.wait();
  return driver.take();
}

}  // namespace purecache
