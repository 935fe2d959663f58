#pragma once
/// ThreadPool: a fixed set of worker threads, each with its own queue, that resume Task coroutines.
///
/// Why our own and not asio's thread_pool: the cache library depends on the standard library
/// alone (asio, Debian's libasio-dev, would be its first outside dependency), asio's pool shares
/// one locked queue between its threads, and our Task would need an adapter per await (asio::post
/// of a handler that resumes the handle) where an intrusive node in the awaiter costs no
/// allocation. See docs/concurrency.md.

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <memory>
#include <vector>

#include "purecache/async/executor.hpp"
#include "purecache/async/resume_trampoline.hpp"

namespace purecache {

namespace detail {
class PoolWorker;
}  // namespace detail

/// N worker threads, each an Executor with a queue of its own (a mutex and an intrusive list;
/// no work stealing). A coroutine reaches the pool by `co_await pool.schedule()`; one already on
/// a worker stays on that worker unless something posts it elsewhere. Each worker sets
/// current_executor() to itself, so AsyncMutex's scheduled hand-off sends a waiter back to the
/// worker it waited on.
/// Destruction: every worker runs what is queued on it, then exits, and the destructor joins
/// them. Nothing may post to the pool once destruction has begun: wait for the pool's work first
/// (sync_wait_all does). Not copyable or movable.
class ThreadPool {
 public:
  /// `co_await pool.schedule()`: suspends the caller and resumes it on a worker of the pool, never
  /// inline. From a worker of this pool it goes to the back of that worker's queue (a yield);
  /// from any other thread, to the workers in turn (round robin).
  class ScheduleAwaiter : private detail::ResumeNode {
   public:
    explicit ScheduleAwaiter(ThreadPool& pool) noexcept : pool_(pool) {}
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> awaiting) noexcept {
      frame_ = awaiting.address();
      pool_.pick().post(*this);  // `this` may be gone from here on: it lives in the frame
    }
    void await_resume() const noexcept {}

   private:
    ThreadPool& pool_;  // where to go
  };

  /// Starts `threads` workers. Throws ConfigError if threads is 0, std::system_error if a thread
  /// cannot be started.
  explicit ThreadPool(std::size_t threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  /// Drains every queue, then joins the workers; see the class contract.
  ~ThreadPool();

  /// Number of workers.
  [[nodiscard]] std::size_t size() const noexcept { return workers_.size(); }
  /// See ScheduleAwaiter.
  [[nodiscard]] ScheduleAwaiter schedule() noexcept { return ScheduleAwaiter(*this); }
  /// Worker `index` (< size()) as an executor, to post to one thread on purpose.
  [[nodiscard]] Executor& worker(std::size_t index) noexcept;

 private:
  Executor& pick() noexcept;
  void stop() noexcept;

  std::vector<std::unique_ptr<detail::PoolWorker>> workers_;  // fixed after construction
  std::atomic<std::size_t> next_{0};  // round robin for posts from outside the pool
};

}  // namespace purecache
