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
/// read only when the core uses time, once per operation, under the lock.
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

  Task<std::optional<V>> get(const K& key) override {
    auto guard = co_await mutex_.scoped_lock();
    const auto mark = timer_.start();
    std::optional<V> result;
    if (const V* value = core_.get(key, now())) result.emplace(*value);
    timer_.stop(mark);
    co_return result;
  }

  Task<bool> set(const K& key, V value, Duration ttl) override {
    auto guard = co_await mutex_.scoped_lock();
    const auto mark = timer_.start();
    const bool inserted = core_.set(key, std::move(value), now(), ttl);
    timer_.stop(mark);
    co_return inserted;
  }

  Task<bool> erase(const K& key) override {
    auto guard = co_await mutex_.scoped_lock();
    const auto mark = timer_.start();
    const bool erased = core_.erase(key, now());
    timer_.stop(mark);
    co_return erased;
  }

  Task<void> clear() override {
    auto guard = co_await mutex_.scoped_lock();
    const auto mark = timer_.start();
    core_.clear();
    timer_.stop(mark);
  }

  Task<std::size_t> purge() override {
    auto guard = co_await mutex_.scoped_lock();
    std::size_t dropped = 0;
    if constexpr (ExpiringCore<Core>) {
      const auto mark = timer_.start();
      dropped = core_.purge(now());
      timer_.stop(mark);
    }
    co_return dropped;
  }

  Task<std::size_t> size() override {
    auto guard = co_await mutex_.scoped_lock();
    co_return core_.size();
  }

  Task<BackendStats> stats() override {
    auto guard = co_await mutex_.scoped_lock();
    co_return BackendStats{core_.size(), core_.capacity(), core_.evictions(), core_.memory()};
  }

  /// The core, for single-threaded inspection when no operation can be in flight (tests, reports).
  [[nodiscard]] const Core& core() const noexcept { return core_; }
  [[nodiscard]] HoldTimer& hold_timer() noexcept { return timer_; }

 private:
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
