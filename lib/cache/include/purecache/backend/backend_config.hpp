#pragma once
/// A backend's configuration with its weigher: the weight-bounded form of CoreConfig.

#include <cstddef>

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
  /// > 1: make_backend builds a ShardedBackend of this many backends, each with its own lock and
  /// shard_config(core, i, shards) as its bounds (the whole's capacity split between them).
  std::size_t shards = 1;
};

}  // namespace purecache
