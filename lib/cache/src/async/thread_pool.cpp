#include "purecache/async/thread_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "purecache/error.hpp"

namespace purecache {

namespace detail {

namespace {

/// How long a worker whose queue ran dry polls it before sleeping: a hand-off from another
/// worker's mutex unlock usually arrives within a few critical sections, and a futex sleep and
/// wake-up costs tens of microseconds on both sides. About 10 to 50 us, depending on the CPU.
/// Only when every worker can have a core: beyond that a polling worker takes the core from
/// the one that would post to it, or from a lock holder (measured: 0.05 M requests/s instead of
/// 0.2 with 4 workers on 2 cores).
constexpr int kIdlePolls = 2048;

int idle_polls(std::size_t workers) noexcept {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores != 0 && workers <= cores ? kIdlePolls : 0;
}

/// Tells the CPU this is a spin-wait loop (frees the core's resources for its sibling thread).
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

/// One worker thread and its queue.
class PoolWorker final : public Executor {
 public:
  PoolWorker(const ThreadPool& pool, int idle_polls) : pool_(pool), idle_polls_(idle_polls) {}
  PoolWorker(const PoolWorker&) = delete;
  PoolWorker& operator=(const PoolWorker&) = delete;
  ~PoolWorker() = default;

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  void post(ResumeNode& node) noexcept override {
    node.next_ = nullptr;
    bool wake = false;
    {
      const std::lock_guard lock(mutex_);
      if (tail_ != nullptr) {
        tail_->next_ = &node;
      } else {
        head_ = &node;
      }
      tail_ = &node;
      queued_.store(true, std::memory_order_relaxed);
      wake = idle_;
    }
    // Only a sleeping worker needs the syscall; a busy one finds the node on its next round.
    if (wake) ready_.notify_one();
  }

  void request_stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  [[nodiscard]] const ThreadPool& pool() const noexcept { return pool_; }

 private:
  void run();

  const ThreadPool& pool_;         // the owner
  const int idle_polls_;           // polls of an empty queue before sleeping (idle_polls())
  std::mutex mutex_;               // guards the fields below
  std::condition_variable ready_;  // signalled when a node arrives to an idle worker
  ResumeNode* head_ = nullptr;     // oldest queued coroutine
  ResumeNode* tail_ = nullptr;     // newest; null iff head_ is
  bool idle_ = false;              // the worker is waiting on ready_
  std::atomic<bool> queued_{false};  // head_ is set: read without the lock while polling
  bool stopping_ = false;          // exit once the queue is empty
  std::thread thread_;             // runs run()
};

namespace {
constinit thread_local PoolWorker* tls_worker = nullptr;  // the worker running on this thread
}  // namespace

void PoolWorker::run() {
  tls_current_executor = this;
  tls_worker = this;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (head_ == nullptr && !stopping_ && idle_polls_ != 0) {
      // Poll a while before sleeping, without the lock, so posting stays cheap meanwhile.
      lock.unlock();
      for (int poll = 0; poll < idle_polls_ && !queued_.load(std::memory_order_relaxed); ++poll)
        spin_pause();
      lock.lock();
    }
    while (head_ == nullptr) {
      if (stopping_) return;
      idle_ = true;
      ready_.wait(lock);
      idle_ = false;
    }
    // Take the whole batch so that posts made while it runs do not wait for the lock.
    ResumeNode* batch = std::exchange(head_, nullptr);
    tail_ = nullptr;
    queued_.store(false, std::memory_order_relaxed);
    lock.unlock();
    while (batch != nullptr) {
      // The node lives in its coroutine's frame, which may be gone once resumed.
      ResumeNode* const next = batch->next_;
      std::coroutine_handle<>::from_address(batch->frame_).resume();
      batch = next;
    }
    lock.lock();
  }
}

}  // namespace detail

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) throw ConfigError("a thread pool needs at least 1 thread, got 0");
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    workers_.push_back(std::make_unique<detail::PoolWorker>(*this, detail::idle_polls(threads)));
  // Started only once all exist: a worker may post to any other as soon as it runs.
  try {
    for (auto& worker : workers_)
      worker->start();
  } catch (...) {
    stop();
    throw;
  }
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::stop() noexcept {
  for (auto& worker : workers_)
    worker->request_stop();
  for (auto& worker : workers_)
    worker->join();
}

Executor& ThreadPool::worker(std::size_t index) noexcept { return *workers_[index]; }

Executor& ThreadPool::pick() noexcept {
  if (detail::tls_worker != nullptr && &detail::tls_worker->pool() == this)
    return *detail::tls_worker;
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

}  // namespace purecache
