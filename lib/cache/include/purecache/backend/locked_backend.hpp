#pragma once
/// One policy core behind one coroutine-aware mutex: the only IBackend implementation.

#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/backend_stats.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/hold_timer.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/backend/locked_operation.hpp"
#include "purecache/backend/wait_timer.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/weigher.hpp"

namespace purecache {

/// What a LockedBackend is built from besides its core. Applications use the default; the
/// simulator substitutes a virtual clock and lock-hold and lock-wait timers. WaitTimer is
/// optional: a policy that names none times no wait.
struct DefaultBackendPolicy {
  using Clock = SteadyClock;
  using Mutex = AsyncMutex;
  using HoldTimer = NoHoldTimer;
  using WaitTimer = NoWaitTimer;
};

/// DefaultBackendPolicy with the scheduled hand-off: a contended unlock posts the next waiter to
/// the executor it waited on instead of running its operation (docs/concurrency.md).
struct ScheduledHandOffBackendPolicy : DefaultBackendPolicy {
  using Mutex = ScheduledAsyncMutex;
};

/// Pairs `Core` with one mutex held across every operation, get included (reads reorder).
/// `final`, so code holding the concrete type calls it without virtual dispatch. The clock is
/// read only when the core uses time, once per operation, under the lock. Each operation exists
/// twice over the same locked code: as the IBackend Task, and as a frame-less awaitable (*_op).
template <EvictionCore Core, class Policy = DefaultBackendPolicy>
class LockedBackend final : public IBackend<typename Core::key_type, typename Core::mapped_type> {
 public:
  using K = typename Core::key_type;
  using V = typename Core::mapped_type;
  using Clock = typename Policy::Clock;
  using Mutex = typename Policy::Mutex;
  using HoldTimer = typename Policy::HoldTimer;
  using WaitTimer = policy_wait_timer_t<Policy>;
  using IBackend<K, V>::set;

  /// Throws ConfigError if `config` is invalid for Core.
  explicit LockedBackend(const CoreConfig& config, Clock clock = {}, HoldTimer timer = {},
                         WaitTimer wait_timer = {})
      : core_(config),
        clock_(std::move(clock)),
        timer_(std::move(timer)),
        wait_timer_(std::move(wait_timer)) {}
  /// Bounded by weight: config.max_weight with `weigher` (see WeightBudget).
  LockedBackend(const CoreConfig& config, Weigher<K, V> weigher, Clock clock = {},
                HoldTimer timer = {}, WaitTimer wait_timer = {})
      : core_(config, std::move(weigher)),
        clock_(std::move(clock)),
        timer_(std::move(timer)),
        wait_timer_(std::move(wait_timer)) {}

  // The IBackend protocol. Each Task locks and runs the same code as the *_op awaitable of the
  // same name in its own frame (awaiting the awaitable would put its state there too). The lock
  // awaiter is built only when the lock is busy, which keeps its stores off the common path.
  // With a WaitTimer the lock is taken through TimedLock instead; NoWaitTimer compiles it out.
  Task<std::optional<V>> get(const K& key) override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] { return get_held(key); });
  }
  Task<bool> set(const K& key, V value, Duration ttl) override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] { return set_held(key, std::move(value), ttl); });
  }
  Task<bool> erase(const K& key) override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] { return erase_held(key); });
  }
  Task<void> clear() override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    held([&] { core_.clear(); });
  }
  Task<std::size_t> purge() override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] { return purge_held(); });
  }
  Task<std::size_t> size() override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] { return core_.size(); });
  }
  Task<BackendStats> stats() override {
    if constexpr (kTimesWait<WaitTimer>) {
      co_await timed_lock();
    } else if (!mutex_.try_lock()) [[unlikely]] {
      co_await mutex_.lock();
    }
    co_return held([&] {
      return BackendStats{core_.size(), core_.capacity(), core_.evictions(), core_.memory(),
                          core_.weight()};
    });
  }

  /// The same operations as awaitables without a coroutine frame, for code that holds the
  /// concrete type and wants no allocation or virtual call per operation (the simulator).
  /// Lazy and FIFO like the Tasks; `key` must outlive the co_await.
  [[nodiscard]] auto get_op(const K& key) {
    return locked([this, &key] { return get_held(key); });
  }
  [[nodiscard]] auto set_op(const K& key, V value, Duration ttl = kDefaultTTL) {
    return locked([this, &key, value = std::move(value), ttl]() mutable {
      return set_held(key, std::move(value), ttl);
    });
  }
  [[nodiscard]] auto erase_op(const K& key) {
    return locked([this, &key] { return erase_held(key); });
  }
  [[nodiscard]] auto clear_op() {
    return locked([this] { core_.clear(); });
  }
  [[nodiscard]] auto purge_op() {
    return locked([this] { return purge_held(); });
  }

  /// The core, for single-threaded inspection when no operation can be in flight (tests, reports).
  [[nodiscard]] const Core& core() const noexcept { return core_; }

 private:
  /// Times one hold of mutex_ while it lives.
  class TimedHold {
   public:
    explicit TimedHold(HoldTimer& timer) noexcept : timer_(timer), mark_(timer.start()) {}
    TimedHold(const TimedHold&) = delete;
    TimedHold& operator=(const TimedHold&) = delete;
    ~TimedHold() { timer_.stop(mark_); }

   private:
    HoldTimer& timer_;
    decltype(std::declval<HoldTimer&>().start()) mark_;  // from timer_.start()
  };

  /// Runs op for a Task that just acquired mutex_: timed, then released on the way out,
  /// exceptions included. A plain function, so that its locals stay out of the coroutine frame.
  template <class Op>
  decltype(auto) held(Op&& op) {
    const struct Release {
      Mutex& mutex;
      ~Release() { mutex.unlock(); }
    } release{mutex_};  // declared first, so it runs after the timer stops
    const TimedHold timed(timer_);
    return std::forward<Op>(op)();
  }

  /// The frame-less awaitable running op while holding mutex_ (LockedOperation releases it).
  template <class Op>
  [[nodiscard]] auto locked(Op op) {
    auto timed_op = [this, op = std::move(op)]() mutable {
      const TimedHold timed(timer_);
      return op();
    };
    return detail::LockedOperation<Mutex, decltype(timed_op), WaitTimer>(
        mutex_, std::move(timed_op), wait_timer_);
  }

  /// `co_await timed_lock()` acquires mutex_ as `mutex_.lock()` does, timing the wait with a copy
  /// of wait_timer_. Only with a WaitTimer that measures something.
  class [[nodiscard]] TimedLock {
   public:
    TimedLock(Mutex& mutex, const WaitTimer& timer) noexcept : lock_(mutex), timer_(timer) {}
    TimedLock(const TimedLock&) = delete;
    TimedLock& operator=(const TimedLock&) = delete;

    bool await_ready() noexcept {
      mark_ = timer_.start();
      return lock_.await_ready();
    }
    bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
      // Set before queueing: once queued, another thread may resume us and read it.
      queued_ = true;
      if (lock_.await_suspend(awaiting)) return true;
      queued_ = false;
      return false;
    }
    void await_resume() noexcept { timer_.stop(mark_, queued_); }

   private:
    typename Mutex::LockAwaiter lock_;                        // the FIFO queue node while waiting
    WaitTimer timer_;                                         // a copy of the backend's
    decltype(std::declval<WaitTimer&>().start()) mark_{};    // from timer_.start()
    bool queued_ = false;                                     // waited in the mutex's queue
  };
  [[nodiscard]] TimedLock timed_lock() noexcept { return TimedLock(mutex_, wait_timer_); }

  // The operations proper, with mutex_ held.
  std::optional<V> get_held(const K& key) {
    if (const V* value = core_.get(key, now())) return *value;
    return std::nullopt;
  }
  bool set_held(const K& key, V value, Duration ttl) {
    return core_.set(key, std::move(value), now(), ttl);
  }
  bool erase_held(const K& key) { return core_.erase(key, now()); }
  std::size_t purge_held() {
    if constexpr (ExpiringCore<Core>) {
      return core_.purge(now());
    } else {
      return 0;
    }
  }

  [[nodiscard]] Timestamp now() const noexcept {
    if constexpr (Core::kUsesTime) {
      return clock_.now();
    } else {
      return Timestamp{};
    }
  }

  Core core_;                              // guarded by mutex_
  Mutex mutex_;                            // held for the whole of every operation
  [[no_unique_address]] Clock clock_;      // read under mutex_, only if Core::kUsesTime
  [[no_unique_address]] HoldTimer timer_;  // measures each hold of mutex_
  [[no_unique_address]] WaitTimer wait_timer_;  // measures each wait for mutex_; copied per wait
};

}  // namespace purecache
