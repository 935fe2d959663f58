#pragma once
/// Executor: somewhere a suspended coroutine can be sent to resume, and the calling thread's own.

#include "purecache/async/resume_trampoline.hpp"

namespace purecache {

/// A place that resumes coroutines handed to it, such as one worker thread of a ThreadPool.
/// AsyncMutex's scheduled hand-off records the waiter's executor when it suspends and posts the
/// waiter back to it, instead of resuming it on the releasing thread.
class Executor {
 public:
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Queues the coroutine `node.frame_` to be resumed on this executor later, never inside this
  /// call. `node` lives in the suspended coroutine's frame (no allocation); its next_ is
  /// overwritten. Any thread may call it; it does not block beyond a short internal lock.
  virtual void post(detail::ResumeNode& node) noexcept = 0;

 protected:
  ~Executor() = default;
};

namespace detail {
/// The executor whose loop runs on this thread; null on threads that no executor owns. Set by
/// the executor's own thread when it starts (ThreadPool workers).
inline constinit thread_local Executor* tls_current_executor = nullptr;
}  // namespace detail

/// The executor that runs the calling thread's loop, or null if the thread is not an executor's
/// (the main thread, a thread blocked in sync_wait). One thread-local load.
[[nodiscard]] inline Executor* current_executor() noexcept { return detail::tls_current_executor; }

}  // namespace purecache
