#pragma once
/// The named backends: each is one core behind one AsyncMutex.

#include "purecache/backend/locked_backend.hpp"
#include "purecache/core/arc_core.hpp"
#include "purecache/core/clock_core.hpp"
#include "purecache/core/fifo_core.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/s3fifo_core.hpp"
#include "purecache/core/sieve_core.hpp"
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
using S3FIFOBackend = LockedBackend<S3FIFOCore<K, V>>;
template <class K, class V>
using ARCBackend = LockedBackend<ARCCore<K, V>>;
template <class K, class V>
using FIFOBackend = LockedBackend<FIFOCore<K, V>>;
template <class K, class V>
using ClockBackend = LockedBackend<ClockCore<K, V>>;
template <class K, class V>
using SieveBackend = LockedBackend<SieveCore<K, V>>;
template <class K, class V>
using WTinyLFUBackend = LockedBackend<WTinyLFUCore<K, V>>;

}  // namespace purecache
