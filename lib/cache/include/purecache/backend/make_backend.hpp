#pragma once
/// Builds a backend by kind: the one-line way to swap a Cache's policy.

#include <memory>

#include "purecache/backend/backend_config.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/core/core_config.hpp"

namespace purecache {

/// A heap-allocated LockedBackend of `kind` for keys K and values V, bounded by entries or (with
/// config.weigher) by weight. Throws ConfigError if `config` does not suit the kind (no bound
/// for bounded kinds, ttl <= 0 for expiring ones, unknown policy parameters) or if the kind
/// needs the future (offline policies run in the simulator's fast engine only).
/// `Policy` swaps the clock, mutex or hold timer (see DefaultBackendPolicy); the simulator passes
/// a virtual clock and a lock-hold timer.
template <class K, class V, class Policy = DefaultBackendPolicy>
[[nodiscard]] std::unique_ptr<IBackend<K, V>> make_backend(
    BackendKind kind, const BackendConfig<K, V>& config, typename Policy::Clock clock = {},
    typename Policy::HoldTimer timer = {}) {
  return with_core_type<K, V>(
      kind, [&]<class Core>(std::type_identity<Core>) -> std::unique_ptr<IBackend<K, V>> {
        return std::make_unique<LockedBackend<Core, Policy>>(config.core, config.weigher,
                                                             std::move(clock), std::move(timer));
      });
}

/// As above, bounded by entries (count mode).
template <class K, class V, class Policy = DefaultBackendPolicy>
[[nodiscard]] std::unique_ptr<IBackend<K, V>> make_backend(
    BackendKind kind, const CoreConfig& config, typename Policy::Clock clock = {},
    typename Policy::HoldTimer timer = {}) {
  return make_backend<K, V, Policy>(kind, BackendConfig<K, V>{.core = config}, std::move(clock),
                                    std::move(timer));
}

}  // namespace purecache
