#pragma once
// Helpers for the async tests: fire-and-forget coroutines and a queue that moves a coroutine
// to whichever thread drains it next.

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "purecache/async/task.hpp"

namespace purecache::test {

// A coroutine that starts at once and frees itself when it finishes; the tests observe its
// effects through counters instead of a handle.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

// Starts `task` now; `finished` is incremented once it has completed.
inline Detached spawn(Task<> task, std::atomic<std::size_t>& finished) {
  co_await std::move(task);
  finished.fetch_add(1, std::memory_order_release);
}

// `co_await queue.hop()` suspends the coroutine; run_one() on any thread resumes it there.
class HopQueue {
 public:
  class HopAwaiter {
   public:
    explicit HopAwaiter(HopQueue& queue) noexcept : queue_(queue) {}
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle) {
      std::lock_guard lock(queue_.mutex_);
      queue_.handles_.push_back(handle);
    }
    void await_resume() const noexcept {}

   private:
    HopQueue& queue_;  // where the suspended coroutine is parked
  };

  HopAwaiter hop() noexcept { return HopAwaiter(*this); }

  // Resumes the oldest hopped coroutine on this thread; false if there was none.
  // Not reentrant from a coroutine it resumes (fine for the tests' drain loops).
  bool run_one() {
    std::coroutine_handle<> handle;
    {
      std::lock_guard lock(mutex_);
      if (handles_.empty()) return false;
      handle = handles_.front();
      handles_.pop_front();
    }
    handle.resume();
    return true;
  }

 private:
  std::mutex mutex_;                             // guards handles_
  std::deque<std::coroutine_handle<>> handles_;  // parked coroutines, oldest first
};

// Runs hopped coroutines on this thread until `finished` reaches `total` or nothing has
// happened for a long while (a lost wake-up then shows as a count mismatch, not a hang).
inline void drain_until(HopQueue& queue, const std::atomic<std::size_t>& finished,
                        std::size_t total) {
  constexpr std::size_t kMaxIdlePolls = 2'000'000;
  std::size_t idle = 0;
  while (finished.load(std::memory_order_acquire) < total && idle < kMaxIdlePolls) {
    if (queue.run_one()) {
      idle = 0;
    } else {
      ++idle;
      std::this_thread::yield();
    }
  }
}

}  // namespace purecache::test
