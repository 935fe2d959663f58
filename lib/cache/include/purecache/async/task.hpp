#pragma once
/// Task<T>: the library's lazy, move-only coroutine type with recycled frames.

#include <cassert>
#include <concepts>
#include <coroutine>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "purecache/async/frame_allocator.hpp"

namespace purecache {

template <class T = void>
class [[nodiscard]] Task;

namespace detail {

/// The outcome of a finished coroutine body: a T, or the exception that escaped it. One state
/// byte, so that starting empty costs a single store.
template <class T>
class TaskResult {
 public:
  TaskResult() noexcept {}  // the union members stay unconstructed
  TaskResult(const TaskResult&) = delete;
  TaskResult& operator=(const TaskResult&) = delete;
  ~TaskResult() {
    if (state_ == State::value) {
      value_.~T();
    } else if (state_ == State::error) {
      exception_.~exception_ptr();
    }
  }

  /// `co_return value;` stores the value until take().
  template <class U = T>
  requires std::convertible_to<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    assert(state_ == State::empty);
    std::construct_at(&value_, std::forward<U>(value));
    state_ = State::value;
  }
  /// An exception escaped the body: keep it for take() to rethrow.
  void unhandled_exception() noexcept {
    assert(state_ == State::empty);
    std::construct_at(&exception_, std::current_exception());
    state_ = State::error;
  }
  /// The stored value, or null if there is none (yet, or because the body threw).
  [[nodiscard]] const T* value_if_set() const noexcept {
    return state_ == State::value ? &value_ : nullptr;
  }
  /// Moves the value out or rethrows the stored exception. Call once, after the body finished.
  T take() {
    if (state_ == State::error) [[unlikely]]
      std::rethrow_exception(exception_);
    assert(state_ == State::value);
    return std::move(value_);
  }

 private:
  enum class State : unsigned char { empty, value, error };

  union {
    T value_;                       // live in State::value
    std::exception_ptr exception_;  // live in State::error
  };
  State state_ = State::empty;
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

/// Called with the value a Task body co_returned (never after it threw), on the thread that
/// finished the body, before its awaiter resumes.
template <class T>
using TaskSuccessHook = void (*)(void* context, const T& value) noexcept;

template <class T>
void set_success_hook(Task<T>& task, TaskSuccessHook<T> hook, void* context) noexcept;

/// What the promises of Task<T> and Task<void> share: the body starts suspended, writes its
/// outcome into its awaiter, and at the end either frees its own frame (if it finished inside
/// the awaiter's start call) or transfers control to the awaiter.
template <class T>
class TaskPromiseBase : public RecycledFrame {
 public:
  /// Ends the body. If the awaiter is still inside the await_suspend that started it (the body
  /// never suspended), the frame is destroyed right here and that call simply returns;
  /// otherwise the awaiter resumes by symmetric transfer and destroys the frame later.
  class FinalAwaiter {
   public:
    explicit FinalAwaiter(bool finished_here) noexcept : finished_here_(finished_here) {}
    [[nodiscard]] bool await_ready() const noexcept { return finished_here_; }
    template <class Promise>
    [[nodiscard]] std::coroutine_handle<> await_suspend(
        std::coroutine_handle<Promise> self) const noexcept {
      return std::coroutine_handle<>::from_address(self.promise().continuation_);
    }
    void await_resume() const noexcept {}

   private:
    bool finished_here_;  // the awaiter's start call is still on this thread's stack
  };

  /// Lazy: nothing runs until the Task is awaited.
  std::suspend_always initial_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { outcome_->unhandled_exception(); }
  /// The awaiter of final_suspend(): tells the awaiter's start call, if it is still running on
  /// this thread, that the body finished inside it.
  [[nodiscard]] FinalAwaiter finish() const noexcept {
    if (tls_starting_promise != this) return FinalAwaiter(false);
    tls_starting_promise = nullptr;
    return FinalAwaiter(true);
  }
  /// Called by the awaiter just before it resumes the body; returns this promise's identity for
  /// tls_starting_promise.
  const void* start(std::coroutine_handle<> continuation, TaskResult<T>& outcome) noexcept {
    continuation_ = continuation.address();
    outcome_ = &outcome;
    return this;
  }

 protected:
  // Unset until start(): one store fewer per operation.
  void* continuation_;      // the awaiter's frame address, once awaited
  TaskResult<T>* outcome_;  // in the awaiter, once awaited
};

/// Promise of Task<T>.
template <class T>
class TaskPromise : public TaskPromiseBase<T> {
 public:
  using FinalAwaiter = typename TaskPromiseBase<T>::FinalAwaiter;

  Task<T> get_return_object() noexcept;
  /// `co_return value;` stores the value in the awaiter.
  template <class U = T>
  requires std::convertible_to<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    this->outcome_->return_value(std::forward<U>(value));
  }
  FinalAwaiter final_suspend() noexcept {
    if (hook_ != nullptr) {
      if (const T* value = this->outcome_->value_if_set()) hook_(hook_context_, *value);
    }
    return this->finish();
  }

 private:
  template <class U>
  friend void set_success_hook(Task<U>& task, TaskSuccessHook<U> hook, void* context) noexcept;

  TaskSuccessHook<T> hook_ = nullptr;  // see set_success_hook
  void* hook_context_;                 // hook_'s first argument; unset without a hook
};

/// Promise of Task<void>.
template <>
class TaskPromise<void> : public TaskPromiseBase<void> {
 public:
  Task<void> get_return_object() noexcept;
  /// `co_return;` or falling off the end.
  void return_void() noexcept {}
  FinalAwaiter final_suspend() noexcept { return finish(); }
};

}  // namespace detail

/// A lazily started coroutine producing a T (or nothing, for void).
/// - Lazy: calling the coroutine function only allocates its frame; the body starts when the
///   Task is awaited, on the awaiting thread.
/// - `co_await std::move(task)` (or `co_await make_task()`) runs the body and yields its result,
///   or rethrows the exception that escaped it. If the body finishes without suspending, the
///   awaiter simply continues (no atomics) and the frame is freed as the body ends; if it
///   suspended, the awaiter is resumed on the thread where the body finishes, by symmetric
///   transfer. Loops of synchronous awaits therefore use constant stack even at -O0, where
///   GCC 12 compiles symmetric transfer as a plain call.
/// - Move-only. Awaiting consumes the Task (valid() is false from then on); destroying a Task
///   that was never awaited destroys its frame. A body must not be destroyed while suspended
///   mid-way, so neither may the coroutine awaiting it.
/// - Frames are recycled per thread (see detail::allocate_frame): in steady state, creating and
///   awaiting a Task allocates nothing.
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  /// Awaits a Task: starts its body and later yields its result, which it holds. Created by
  /// operator co_await; the Task lives until the end of the co_await expression and keeps the
  /// frame until the body frees it or await_resume does.
  class Awaiter {
   public:
    explicit Awaiter(Task& task) noexcept : task_(task) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;

    [[nodiscard]] bool await_ready() const noexcept { return false; }
    /// Starts the body here; returns false (continue at once) if it finished before suspending.
    bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
      const std::coroutine_handle<promise_type> body = task_.handle_;
      assert(body && !body.done() && "Task empty or already awaited");
      const void* const outer = detail::tls_starting_promise;  // restored on the way out
      detail::tls_starting_promise = body.promise().start(awaiting, outcome_);
      body.resume();
      // If the body suspended, `this` lives in the awaiting frame, which may already run on
      // another thread: then only locals and this thread's own state are touched.
      const bool finished_here = detail::tls_starting_promise == nullptr;
      detail::tls_starting_promise = outer;
      if (finished_here) [[likely]] {
        task_.handle_ = {};  // the frame is gone: the body freed it as it ended
        return false;
      }
      return true;
    }
    // Inlined into every awaiting coroutine: GCC otherwise sometimes keeps this call per await
    // on the replay's hot path (about 15 instructions a get, measured with callgrind).
    [[gnu::always_inline]] T await_resume() {
      // A body that suspended ended at its final suspend point: its frame is not needed now.
      if (task_.handle_) [[unlikely]]
        std::exchange(task_.handle_, {}).destroy();
      return outcome_.take();
    }

   private:
    Task& task_;                     // owns the frame until it is freed
    detail::TaskResult<T> outcome_;  // written by the body
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

  /// True when this Task owns a coroutine frame (not default-constructed, moved-from or awaited).
  [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }

  /// Runs the body on the awaiting thread; see the class contract. Only on rvalues, so that
  /// awaiting visibly consumes the Task.
  Awaiter operator co_await() && noexcept { return Awaiter(*this); }

 private:
  friend promise_type;
  template <class U>
  friend void detail::set_success_hook(Task<U>& task, detail::TaskSuccessHook<U> hook,
                                       void* context) noexcept;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}

  std::coroutine_handle<promise_type> handle_;  // null when empty
};

template <class T>
Task<T> detail::TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}

inline Task<void> detail::TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}

/// Has `hook(context, value)` called when the body of `task` co_returns `value` (not if it
/// throws), on the thread that finishes it, before the awaiter resumes: what a wrapping
/// coroutine that inspects the result would do, without a second frame. `task` must be valid and
/// not yet awaited; one hook per Task.
template <class T>
void detail::set_success_hook(Task<T>& task, TaskSuccessHook<T> hook, void* context) noexcept {
  assert(task.valid() && "Task empty or already awaited");
  TaskPromise<T>& promise = task.handle_.promise();
  promise.hook_ = hook;
  promise.hook_context_ = context;
}

}  // namespace purecache
