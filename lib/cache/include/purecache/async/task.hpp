#pragma once
/// Task<T>: the library's lazy, move-only coroutine type with recycled frames.

#include <cassert>
#include <concepts>
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "purecache/async/frame_allocator.hpp"

namespace purecache {

template <class T = void>
class [[nodiscard]] Task;

namespace detail {

/// The outcome of a finished coroutine body: a T, or the exception that escaped it.
template <class T>
class TaskResult {
 public:
  /// `co_return value;` stores the value until take().
  template <class U = T>
  requires std::convertible_to<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(value));
  }
  /// An exception escaped the body: keep it for take() to rethrow.
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
  /// Moves the value out or rethrows the stored exception. Call once, after the body finished.
  T take() {
    if (exception_) std::rethrow_exception(exception_);
    assert(value_.has_value());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;        // engaged after co_return
  std::exception_ptr exception_;  // set instead of value_ when the body threw
};

/// The outcome of a finished void coroutine body: nothing, or the exception that escaped it.
template <>
class TaskResult<void> {
 public:
  /// `co_return;` or falling off the end.
  void return_void() noexcept {}
  /// An exception escaped the body: keep it for take() to rethrow.
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
  /// Rethrows the stored exception, if any. Call after the body finished.
  void take() {
    if (exception_) std::rethrow_exception(exception_);
  }

 private:
  std::exception_ptr exception_;  // set when the body threw
};

/// The promise whose body this thread is starting inside Task's await_suspend; reset to null by
/// that body's final_suspend if it finishes before the start call returns.
inline constinit thread_local const void* tls_starting_promise = nullptr;

/// Promise of Task<T>: starts suspended, and at the end transfers control to its awaiter.
template <class T>
class TaskPromise : public RecycledFrame, public TaskResult<T> {
 public:
  /// Ends the body. If the awaiter is still inside the await_suspend that started this body
  /// (the body never suspended), it just returns there; otherwise it resumes the awaiter by
  /// symmetric transfer.
  struct FinalAwaiter {
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<TaskPromise> self) noexcept {
      TaskPromise& promise = self.promise();
      if (tls_starting_promise == &promise) {
        tls_starting_promise = nullptr;
        return std::noop_coroutine();
      }
      return promise.continuation_;
    }
    void await_resume() const noexcept {}
  };

  Task<T> get_return_object() noexcept;
  /// Lazy: nothing runs until the Task is awaited.
  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  /// Records who resumes when the body finishes.
  void set_continuation(std::coroutine_handle<> continuation) noexcept {
    continuation_ = continuation;
  }

 private:
  std::coroutine_handle<> continuation_ = std::noop_coroutine();  // the awaiter, once awaited
};

}  // namespace detail

/// A lazily started coroutine producing a T (or nothing, for void).
/// - Lazy: calling the coroutine function only allocates its frame; the body starts when the
///   Task is awaited, on the awaiting thread.
/// - `co_await std::move(task)` (or `co_await make_task()`) runs the body and yields its result,
///   or rethrows the exception that escaped it. If the body finishes without suspending, the
///   awaiter simply continues (no atomics); if it suspended, the awaiter is resumed on the thread
///   where the body finishes, by symmetric transfer. Loops of synchronous awaits therefore use
///   constant stack even at -O0, where GCC 12 compiles symmetric transfer as a plain call.
/// - Move-only; destroying a Task destroys its frame (never-started, finished, or empty alike).
///   A Task must not be destroyed while its body is suspended mid-way, nor awaited twice.
/// - Frames are recycled per thread (see detail::allocate_frame): in steady state, creating and
///   awaiting a Task allocates nothing.
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  /// Awaits a Task: starts its body and later yields its result. Created by operator co_await.
  class Awaiter {
   public:
    explicit Awaiter(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    /// Starts the body here; returns false (continue at once) if it finished before suspending.
    bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
      assert(handle_ && !handle_.done() && "Task empty or already awaited");
      const std::coroutine_handle<promise_type> body = handle_;
      body.promise().set_continuation(awaiting);
      const void* const outer = detail::tls_starting_promise;  // restored on the way out
      detail::tls_starting_promise = &body.promise();
      body.resume();
      // `this` lives in the awaiting frame, which may already run on another thread if the body
      // suspended: from here on only locals and this thread's own state are touched.
      const bool finished_here = detail::tls_starting_promise == nullptr;
      detail::tls_starting_promise = outer;
      return !finished_here;
    }
    T await_resume() { return handle_.promise().take(); }

   private:
    std::coroutine_handle<promise_type> handle_;  // the awaited body; owned by the Task
  };

  /// An empty Task that owns no frame; it must not be awaited.
  Task() noexcept = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  /// True when this Task owns a coroutine frame (not default-constructed or moved-from).
  [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }

  /// Runs the body on the awaiting thread; see the class contract. Only on rvalues, so that
  /// awaiting visibly consumes the Task.
  Awaiter operator co_await() && noexcept { return Awaiter(handle_); }

 private:
  friend promise_type;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}

  std::coroutine_handle<promise_type> handle_;  // null when empty
};

template <class T>
Task<T> detail::TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}

}  // namespace purecache
