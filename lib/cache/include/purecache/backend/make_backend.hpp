#pragma once
/// Builds a backend by kind: the one-line way to swap a Cache's policy.

#include <cstddef>
#include <memory>
#include <vector>

#include "purecache/backend/backend_config.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/backend/sharded_backend.hpp"
#include "purecache/backend/wait_timer.hpp"
#include "purecache/core/core_config.hpp"

namespace purecache {

/// A heap-allocated LockedBackend of `kind` for keys K and values V, bounded by entries or (with
/// config.weigher) by weight. Throws ConfigError if `config` does not suit the kind (no bound
/// for bounded kinds, ttl <= 0 for expiring ones, unknown policy parameters) or if the kind
/// needs the future (offline policies run in the simulator's fast engine only).
/// With config.shards > 1, a ShardedBackend of that many LockedBackends, each bounded by
/// shard_config (ConfigError if shards is 0 or exceeds a set bound); each gets a copy of `clock`
/// and `timer` (and `wait_timer`).
/// `Policy` swaps the clock, mutex, hold timer or wait timer (see DefaultBackendPolicy); the
/// simulator passes a virtual clock and lock-hold and lock-wait timers.
template <class K, class V, class Policy = DefaultBackendPolicy>
[[nodiscard]] std::unique_ptr<IBackend<K, V>> make_backend(
    BackendKind kind, const BackendConfig<K, V>& config, typename Policy::Clock clock = {},
    typename Policy::HoldTimer timer = {}, policy_wait_timer_t<Policy> wait_timer = {}) {
  return with_core_type<K, V>(
      kind, [&]<class Core>(std::type_identity<Core>) -> std::unique_ptr<IBackend<K, V>> {
        if constexpr (OfflineCore<Core>) {
          require_online(kind);  // throws: no LockedBackend is built for a core that needs the future
          return nullptr;
        } else if (config.shards == 1) {
          return std::make_unique<LockedBackend<Core, Policy>>(
              config.core, config.weigher, std::move(clock), std::move(timer),
              std::move(wait_timer));
        } else {
          std::vector<std::unique_ptr<IBackend<K, V>>> shards;
          shards.reserve(config.shards);
          for (std::size_t i = 0; i < config.shards; ++i) {
            // Every shard reads the same clock (VirtualClock copies share their time).
            shards.push_back(std::make_unique<LockedBackend<Core, Policy>>(
                shard_config(config.core, i, config.shards), config.weigher, clock, timer,
                wait_timer));
          }
          return std::make_unique<ShardedBackend<K, V>>(std::move(shards));
        }
      });
}

/// As above, bounded by entries (count mode).
template <class K, class V, class Policy = DefaultBackendPolicy>
[[nodiscard]] std::unique_ptr<IBackend<K, V>> make_backend(
    BackendKind kind, const CoreConfig& config, typename Policy::Clock clock = {},
    typename Policy::HoldTimer timer = {}, policy_wait_timer_t<Policy> wait_timer = {}) {
  return make_backend<K, V, Policy>(kind, BackendConfig<K, V>{.core = config}, std::move(clock),
                                    std::move(timer), std::move(wait_timer));
}

}  // namespace purecache
