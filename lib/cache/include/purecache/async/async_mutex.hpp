#pragma once
/// AsyncMutex and LocalAsyncMutex: FIFO mutexes that suspend the awaiting coroutine, not the
/// thread.

#include <atomic>
#include <cassert>
#include <coroutine>
#include <cstdint>
#include <mutex>
#include <utility>

#include "purecache/async/async_mutex_lock.hpp"
#include "purecache/async/executor.hpp"
#include "purecache/async/resume_trampoline.hpp"

namespace purecache {

namespace detail {

/// Lock state of AsyncMutex, usable from any thread. One word: unlocked, locked with no new
/// waiters, or locked with the address of the newest pushed waiter (a LIFO list through next_).
class AtomicLockState {
 public:
  /// unlocked -> locked with one CAS.
  bool try_acquire() noexcept {
    std::uintptr_t expected = kUnlocked;
    return word_.compare_exchange_strong(expected, kLockedNoWaiters, std::memory_order_acquire,
                                         std::memory_order_relaxed);
  }
  /// Takes the lock if it is free (returns false: do not suspend); otherwise pushes `waiter`
  /// (returns true). Once pushed, the waiter may be resumed by another thread at any time.
  bool acquire_or_push(ResumeNode& waiter) noexcept {
    std::uintptr_t old = word_.load(std::memory_order_relaxed);
    for (;;) {
      if (old == kUnlocked) {
        if (word_.compare_exchange_weak(old, kLockedNoWaiters, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
          return false;
        }
      } else {
        waiter.next_ = old == kLockedNoWaiters ? nullptr : reinterpret_cast<ResumeNode*>(old);
        // Release: whoever takes the list must see next_ and frame_.
        if (word_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(&waiter),
                                        std::memory_order_release, std::memory_order_relaxed)) {
          return true;
        }
      }
    }
  }
  /// Holder only. Unlocks if no waiter was pushed (true); otherwise changes nothing (false).
  bool try_release() noexcept {
    std::uintptr_t expected = kLockedNoWaiters;
    const bool released = word_.compare_exchange_strong(
        expected, kUnlocked, std::memory_order_release, std::memory_order_relaxed);
    assert((released || expected != kUnlocked) && "unlock() of an unlocked mutex");
    return released;
  }
  /// Holder only, after try_release failed: stays locked and returns the pushed waiters, newest
  /// first (there is one at least: only the holder takes them).
  ResumeNode& take_pushed() noexcept {
    return *reinterpret_cast<ResumeNode*>(
        word_.exchange(kLockedNoWaiters, std::memory_order_acquire));
  }
  /// A snapshot, for assertions and tests.
  [[nodiscard]] bool is_locked() const noexcept {
    return word_.load(std::memory_order_relaxed) != kUnlocked;
  }

 private:
  static constexpr std::uintptr_t kUnlocked = 0;
  static constexpr std::uintptr_t kLockedNoWaiters = 1;  // nodes are aligned, never at 0 or 1

  std::atomic<std::uintptr_t> word_{kUnlocked};  // kUnlocked, kLockedNoWaiters or newest waiter
};

/// Lock state of LocalAsyncMutex: the same operations as AtomicLockState, for one thread only,
/// with plain loads and stores.
class LocalLockState {
 public:
  bool try_acquire() noexcept {
    if (locked_) return false;
    locked_ = true;
    return true;
  }
  bool acquire_or_push(ResumeNode& waiter) noexcept {
    if (!locked_) {
      locked_ = true;
      return false;
    }
    waiter.next_ = pushed_;
    pushed_ = &waiter;
    return true;
  }
  bool try_release() noexcept {
    assert(locked_ && "unlock() of an unlocked mutex");
    if (pushed_ != nullptr) return false;
    locked_ = false;
    return true;
  }
  ResumeNode& take_pushed() noexcept { return *std::exchange(pushed_, nullptr); }
  [[nodiscard]] bool is_locked() const noexcept { return locked_; }

 private:
  bool locked_ = false;           // owned by someone
  ResumeNode* pushed_ = nullptr;  // newest waiter first; null when unlocked
};

}  // namespace detail

/// Where unlock() runs the waiter it hands the lock to (docs/concurrency.md).
enum class HandOff {
  /// On the releasing thread, before unlock() returns (trampolined): no queue, no syscall.
  inline_resume,
  /// Posted to the executor the waiter was running on when it suspended (current_executor());
  /// inline as above if it had none. The releaser never runs another's critical section.
  scheduled,
};

namespace detail {
/// A waiter's queue node; the scheduled hand-off also records where to send it.
template <HandOff Mode>
struct HandOffNode : ResumeNode {};
template <>
struct HandOffNode<HandOff::scheduled> : ResumeNode {
  Executor* executor_;  // the waiter's executor when it suspended; null: resume inline
};
}  // namespace detail

/// A mutex for coroutines: a contended `co_await` suspends the coroutine instead of blocking the
/// thread. `State` (detail::AtomicLockState or detail::LocalLockState) decides whether it may be
/// shared between threads; use the aliases AsyncMutex and LocalAsyncMutex.
/// - Uncontended lock and unlock are one atomic RMW each (none for LocalAsyncMutex), with no
///   syscall and no allocation: a waiter's queue node lives in its awaiter, in the coroutine frame.
/// - Strict FIFO, no barging: unlock() with waiters hands ownership straight to the oldest one,
///   so the lock is never observed free in between.
/// - `Mode` HandOff::inline_resume (the default): the resumed waiter runs on the thread that
///   called unlock(), before that call returns. A waiter's own unlock() inside it does not
///   recurse: the next waiter is queued on a per-thread trampoline and resumed by the outermost
///   unlock(), so any queue length needs constant stack.
/// - HandOff::scheduled: unlock() posts the waiter, which owns the lock from then on, to the
///   executor it suspended on and returns; the lock stays held until the waiter runs there.
///   Costs one thread-local load per suspension and a post per contended unlock; the
///   uncontended paths are the same as inline.
/// Not copyable or movable; must be unlocked, with no waiters, when destroyed.
template <class State, HandOff Mode = HandOff::inline_resume>
class BasicAsyncMutex {
 public:
  /// What `co_await scoped_lock()` yields.
  using guard_type = AsyncMutexLock<BasicAsyncMutex>;

  /// `co_await mutex.lock()`: returns once the caller owns the lock. No suspension if it is
  /// free; otherwise resumes where `Mode` says: on the thread whose unlock() hands it the
  /// lock, or on its own executor.
  class LockAwaiter : private detail::HandOffNode<Mode> {
   public:
    explicit LockAwaiter(BasicAsyncMutex& mutex) noexcept : mutex_(mutex) {}
    LockAwaiter(const LockAwaiter&) = delete;
    LockAwaiter& operator=(const LockAwaiter&) = delete;

    [[nodiscard]] bool await_ready() noexcept { return mutex_.try_lock(); }
    bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
      this->frame_ = awaiting.address();
      if constexpr (Mode == HandOff::scheduled) this->executor_ = current_executor();
      return mutex_.state_.acquire_or_push(*this);
    }
    void await_resume() const noexcept {}

   protected:
    BasicAsyncMutex& mutex_;  // the mutex being locked
  };

  /// `co_await mutex.scoped_lock()`: like lock(), and yields a guard that unlocks on destruction.
  class ScopedLockAwaiter : public LockAwaiter {
   public:
    using LockAwaiter::LockAwaiter;
    [[nodiscard]] guard_type await_resume() const noexcept {
      return guard_type(this->mutex_, std::adopt_lock);
    }
  };

  BasicAsyncMutex() noexcept = default;
  BasicAsyncMutex(const BasicAsyncMutex&) = delete;
  BasicAsyncMutex& operator=(const BasicAsyncMutex&) = delete;
  ~BasicAsyncMutex() { assert(!state_.is_locked() && "destroying a locked AsyncMutex"); }

  /// Takes the lock if it is free, without waiting: true on success. One CAS (AsyncMutex).
  [[nodiscard]] bool try_lock() noexcept { return state_.try_acquire(); }

  /// Awaitable that acquires the lock without a guard; pair it with unlock().
  [[nodiscard]] LockAwaiter lock() noexcept { return LockAwaiter(*this); }

  /// Awaitable that acquires the lock and yields an AsyncMutexLock guard:
  /// `auto guard = co_await mutex.scoped_lock();`
  [[nodiscard]] ScopedLockAwaiter scoped_lock() noexcept { return ScopedLockAwaiter(*this); }

  /// Releases the lock, held by the caller. With waiters, ownership passes to the oldest one,
  /// which is resumed on this thread before unlock() returns (or, if this thread is already
  /// resuming a hand-off, right after that one finishes); HandOff::scheduled posts it to its
  /// executor instead. The mutex is not touched after the hand-off, so the resumed waiter may
  /// destroy it.
  void unlock() noexcept {
    if (queue_ == nullptr && state_.try_release()) [[likely]]
      return;
    hand_over();
  }

  /// A snapshot of whether someone owns the lock, for assertions and tests.
  [[nodiscard]] bool is_locked() const noexcept { return state_.is_locked(); }

 private:
  // Out of line, so that the uncontended unlock() inlines to one compare-and-swap.
  [[gnu::noinline]] void hand_over() noexcept {
    detail::ResumeNode& next = queue_ != nullptr ? *queue_ : oldest_first(state_.take_pushed());
    queue_ = next.next_;
    if constexpr (Mode == HandOff::scheduled) {
      // Every node of this mutex is a LockAwaiter's, hence a HandOffNode<scheduled>.
      if (Executor* executor = static_cast<detail::HandOffNode<Mode>&>(next).executor_) {
        executor->post(next);
        return;
      }
    }
    detail::resume_trampolined(next);
  }

  static detail::ResumeNode& oldest_first(detail::ResumeNode& newest) noexcept {
    detail::ResumeNode* reversed = nullptr;
    detail::ResumeNode* rest = &newest;
    do {
      detail::ResumeNode* const after = rest->next_;
      rest->next_ = reversed;
      reversed = rest;
      rest = after;
    } while (rest != nullptr);
    return *reversed;
  }

  State state_;                          // lock word plus waiters pushed since the last take
  detail::ResumeNode* queue_ = nullptr;  // holder-private: earlier waiters, oldest first
};

/// Coroutine mutex that any thread may lock and unlock; see BasicAsyncMutex.
using AsyncMutex = BasicAsyncMutex<detail::AtomicLockState>;

/// Coroutine mutex for a single-threaded event loop: the same API and guarantees as AsyncMutex
/// with no atomic instructions at all. Every call must come from one thread.
using LocalAsyncMutex = BasicAsyncMutex<detail::LocalLockState>;

/// AsyncMutex whose unlock() sends the next waiter back to its own executor instead of running
/// it; see HandOff::scheduled.
using ScheduledAsyncMutex = BasicAsyncMutex<detail::AtomicLockState, HandOff::scheduled>;

}  // namespace purecache
