#pragma once
/// A backend's configuration with its weigher: the weight-bounded form of CoreConfig.

#include "purecache/core/core_config.hpp"
#include "purecache/core/weigher.hpp"

namespace purecache {

/// `BackendConfig<K, V>{.core = {.max_weight = 64 << 20}, .weigher = [](const K&, const V& v) {
/// return v.size(); }}` bounds a cache by the sum of its entries' weights, as Caffeine's
/// maximumWeight with a weigher. With an empty weigher it is CoreConfig alone (count mode).
template <class K, class V>
struct BackendConfig {
  CoreConfig core{};
  Weigher<K, V> weigher{};  // set exactly when core.max_weight is
};

}  // namespace purecache
