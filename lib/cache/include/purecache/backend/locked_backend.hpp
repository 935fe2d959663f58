#pragma once
/// One policy core behind one coroutine-aware mutex: the only IBackend implementation.

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
#include "purecache/core/core_config.hpp"
#include "purecache/core/eviction_core.hpp"

namespace purecache {

/// What a LockedBackend is built from besides its core. Applications use the default; the
/// simulator substitutes a virtual clock, a single-thread mutex and a lock-hold timer.
struct DefaultBackendPolicy {
  using Clock = SteadyClock;
  using Mutex = AsyncMutex;
  using HoldTimer = NoHoldTimer;
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
  using IBackend<K, V>::set;

  /// Throws ConfigError if `config` is invalid for Core.
  explicit LockedBackend(const CoreConfig& config, Clock clock = {}, HoldTimer timer = {})
      : core_(config), clock_(std::move(clock)), timer_(std::move(timer)) {}

  // The IBackend protocol: each Task wraps the frame-less awaitable of the same name below,
  // so both paths run the same locked code.
  Task<std::optional<V>> get(const K& key) override { co_return co_await get_op(key); }
  Task<bool> set(const K& key, V value, Duration ttl) override {
    co_return co_await set_op(key, std::move(value), ttl);
  }
  Task<bool> erase(const K& key) override { co_return co_await erase_op(key); }
  Task<void> clear() override { co_await clear_op(); }
  Task<std::size_t> purge() override { co_return co_await purge_op(); }
  Task<std::size_t> size() override {
    co_return co_await locked([this] { return core_.size(); });
  }
  Task<BackendStats> stats() override {
    co_return co_await locked([this] {
      return BackendStats{core_.size(), core_.capacity(), core_.evictions(), core_.memory()};
    });
  }

  /// The same operations as awaitables without a coroutine frame, for code that holds the
  /// concrete type and wants no allocation or virtual call per operation (the simulator).
  /// Lazy and FIFO like the Tasks; `key` must outlive the co_await.
  [[nodiscard]] auto get_op(const K& key) {
    return timed([this, &key]() -> std::optional<V> {
      if (const V* value = core_.get(key, now())) return *value;
      return std::nullopt;
    });
  }
  [[nodiscard]] auto set_op(const K& key, V value, Duration ttl = kDefaultTTL) {
    return timed([this, &key, value = std::move(value), ttl]() mutable {
      return core_.set(key, std::move(value), now(), ttl);
    });
  }
  [[nodiscard]] auto erase_op(const K& key) {
    return timed([this, &key] { return core_.erase(key, now()); });
  }
  [[nodiscard]] auto clear_op() {
    return timed([this] { core_.clear(); });
  }
  [[nodiscard]] auto purge_op() {
    if constexpr (ExpiringCore<Core>) {
      return timed([this]() -> std::size_t { return core_.purge(now()); });
    } else {
      return timed([]() -> std::size_t { return 0; });
    }
  }

  /// The core, for single-threaded inspection when no operation can be in flight (tests, reports).
  [[nodiscard]] const Core& core() const noexcept { return core_; }

 private:
  template <class Op>
  [[nodiscard]] detail::LockedOperation<Mutex, Op> locked(Op op) {
    return detail::LockedOperation<Mutex, Op>(mutex_, std::move(op));
  }
  /// Runs op under the lock with the hold timer around it.
  template <class Op>
  [[nodiscard]] auto timed(Op op) {
    return locked([this, op = std::move(op)]() mutable {
      const auto mark = timer_.start();
      struct Stop {  // also on exceptions
        HoldTimer& timer;
        decltype(mark) started;
        ~Stop() { timer.stop(started); }
      } stop{timer_, mark};
      return op();
    });
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
};

}  // namespace purecache
