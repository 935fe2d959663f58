#pragma once
/// sync_wait_all: run many Task coroutines on a ThreadPool and block until every one finished.

#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include "purecache/async/frame_allocator.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"

namespace purecache {

/// A countdown that threads block on: wait() returns once count_down() was called `count` times,
/// from any threads. Keeps the first exception handed to count_down, which wait() rethrows.
class CountdownLatch {
 public:
  explicit CountdownLatch(std::size_t count) noexcept : remaining_(count) {}
  CountdownLatch(const CountdownLatch&) = delete;
  CountdownLatch& operator=(const CountdownLatch&) = delete;

  /// One of the counted jobs finished (with `error` if it threw). After the last call the waiter
  /// may destroy the latch, so the caller must not touch it afterwards.
  void count_down(std::exception_ptr error = nullptr) noexcept {
    const std::lock_guard lock(mutex_);
    if (error && !error_) error_ = std::move(error);
    // Notified under the lock: once it is released the waiter may return and destroy done_.
    if (--remaining_ == 0) done_.notify_all();
  }
  /// Blocks until the count reaches zero; then rethrows the first error, if any.
  void wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return remaining_ == 0; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;              // guards the fields below
  std::condition_variable done_;  // signalled when remaining_ reaches 0
  std::size_t remaining_;         // count_down calls still expected
  std::exception_ptr error_;      // the first error reported
};

namespace detail {

/// A coroutine that starts at once and frees its own frame when it ends.
struct DetachedTask {
  struct promise_type : RecycledFrame {
    DetachedTask get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // the body catches everything
  };
};

inline DetachedTask run_on_pool(ThreadPool& pool, Task<> task, CountdownLatch& latch) {
  co_await pool.schedule();
  std::exception_ptr error;
  try {
    co_await std::move(task);
  } catch (...) {
    error = std::current_exception();
  }
  latch.count_down(std::move(error));
}

}  // namespace detail

/// Moves each task onto `pool` (as `co_await pool.schedule()` would, spreading them over the
/// workers in turn), runs them concurrently and blocks the calling thread until all finished;
/// then rethrows the first exception any of them threw. The calling thread must not be a worker
/// of `pool`. Allocates one recycled frame per task.
inline void sync_wait_all(ThreadPool& pool, std::vector<Task<>> tasks) {
  CountdownLatch latch(tasks.size());
  for (Task<>& task : tasks)
    detail::run_on_pool(pool, std::move(task), latch);
  latch.wait();
}

}  // namespace purecache
