#pragma once
/// The named backends: each is one core behind one AsyncMutex.

#include "purecache/backend/locked_backend.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "purecache/core/wtinylfu_core.hpp"

namespace purecache {

template <class K, class V>
using LRUBackend = LockedBackend<LRUCore<K, V>>;
template <class K, class V>
using LFUBackend = LockedBackend<LFUCore<K, V>>;
template <class K, class V>
using TTLBackend = LockedBackend<TTLCore<K, V>>;
template <class K, class V>
using LRUTTLBackend = LockedBackend<LRUTTLCore<K, V>>;
template <class K, class V>
using WTinyLFUBackend = LockedBackend<WTinyLFUCore<K, V>>;

}  // namespace purecache
