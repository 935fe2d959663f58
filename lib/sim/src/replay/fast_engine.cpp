// The fast engine: the bare policy core over interned ids, for counts only.

#include <array>
#include <cstdint>
#include <span>
#include <type_traits>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/sim/dense_id_hash.hpp"
#include "replay/replay_steps.hpp"

namespace purecache::sim::detail {

namespace {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

// Requests ahead to prefetch: far enough that the lines arrive although parsing a batch evicts
// the core's lines (docs/performance.md).
constexpr std::size_t kPrefetchDistance = 16;

template <class Core>
void replay_core(Core& core, TraceReader& reader, const ReplayConfig& config, ReplayResult& r) {
  // kPrefetchDistance spare requests past the batch, so the hints below need no bounds check:
  // what they read there is a key of an earlier batch (or 0), valid and harmless to prefetch.
  std::array<Request, kReplayBatch + kPrefetchDistance> batch{};
  const RequestClock clock(reader, config);
  PurgeSchedule purges(ExpiringCore<Core> && config.core.capacity == 0, config.core.ttl);
  const std::uint64_t reset_at = warmup_end(config);
  std::uint64_t index = 0;
  EvictionCounts evictions_before{};

  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      r.complete = false;
      break;
    }
    const std::size_t n = reader.read(std::span(batch).first(kReplayBatch));
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      const Request& request = batch[i];
      // The replay knows its future: start loading the index slot of a request 16 ahead, then
      // (slot now cached) the entry of the one 8 ahead, so cache misses overlap the work between.
      core.prefetch_slot(batch[i + kPrefetchDistance].key);
      core.prefetch_entry(batch[i + kPrefetchDistance / 2].key);
      if (++index == reset_at) [[unlikely]] {
        end_warmup(r, config.warmup);
        evictions_before = core.evictions();
      }
      Timestamp now{};
      if constexpr (Core::kUsesTime) {
        now = clock.at(request, index);
        if constexpr (ExpiringCore<Core>) {
          if (purges.due(now)) (void)core.purge(now);
        }
      }
      count_request(r, request);
      const auto key = static_cast<KeyId>(request.key);
      if (request.op == Op::get) [[likely]] {
        const bool hit = core.get(key, now) != nullptr;
        count_get(r, request, hit, config.demand_fill);
        if (!hit && config.demand_fill) (void)core.set(key, request.size, now, request.ttl);
      } else if (request.op == Op::set) {
        (void)core.set(key, request.size, now, request.ttl);
      } else {
        (void)core.erase(key, now);
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  if (config.warmup != 0 && index <= config.warmup) r.warmup_requests = index;
  const EvictionCounts total = core.evictions();
  r.evictions = {total.capacity - evictions_before.capacity,
                 total.expired - evictions_before.expired};
}

}  // namespace

ReplayResult replay_fast(TraceReader& reader, const ReplayConfig& config) {
  ReplayResult result;
  result.engine = ReplayEngine::fast;
  result.key_type = ReplayKeyType::interned;
  // Trace keys arrive interned as 0, 1, 2, ...: the cores index them by array, not by hash.
  with_core_type<KeyId, ReplayValue, DenseIdHash>(
      config.policy, [&]<class Core>(std::type_identity<Core>) {
        Core core(config.core);
        replay_core(core, reader, config, result);
        result.memory = core.memory();
        result.final_size = core.size();
      });
  result.reader_bytes = reader.memory_bytes();
  return result;
}

}  // namespace purecache::sim::detail
