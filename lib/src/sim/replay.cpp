#include "purecache/sim/replay.hpp"

#include <array>
#include <optional>
#include <chrono>
#include <span>
#include <type_traits>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/metrics/tick_clock.hpp"

namespace purecache {

namespace {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

/// Times every lock hold with the tick clock into a histogram of nanoseconds.
struct HistogramHoldTimer {
  using Mark = std::uint64_t;
  LatencyHistogram* histogram;  // owned by the ReplayResult being filled
  [[nodiscard]] Mark start() const noexcept { return TickClock::now_ticks(); }
  void stop(Mark started) const noexcept {
    histogram->record(TickClock::ticks_to_ns(TickClock::now_ticks() - started));
  }
};

struct ReplayPolicy {
  using Clock = VirtualClock;
  using Mutex = AsyncMutex;
  using HoldTimer = HistogramHoldTimer;
};

constexpr std::size_t kBatch = 4096;

/// One coroutine for the whole trace: no sync_wait per request, one frame that stays hot.
template <class Backend>
Task<void> replay_all(Backend& backend, TraceReader& reader, const ReplayConfig& config,
                      VirtualClock clock, ReplayResult& result) {
  using Core = std::remove_cvref_t<decltype(backend.core())>;
  constexpr bool kUnboundedExpiry = ExpiringCore<Core> && Core::kUsesTime;
  std::array<Request, kBatch> batch{};
  const bool trace_time = reader.has_timestamps();
  const Duration purge_period = config.core.ttl;
  Timestamp next_purge = Timestamp::min();
  std::uint64_t index = 0;
  EvictionCounts evictions_before{};
  ReplayResult& r = result;

  while (const std::size_t n = reader.read(batch)) {
    for (const Request& request : std::span(batch.data(), n)) {
      if (index++ == config.warmup && config.warmup != 0) {
        // Warm-up over: forget what it counted; the cache keeps its contents.
        r.warmup_requests = config.warmup;
        r.requests = r.gets = r.hits = r.misses = r.sets = r.erases = r.fills = 0;
        r.get_bytes = r.hit_bytes = 0;
        r.lock_hold_ns.reset();
        evictions_before = backend.core().evictions();
      }
      if constexpr (Core::kUsesTime) {
        const Timestamp now = trace_time ? request.time : config.synthetic_step * static_cast<std::int64_t>(index - 1);
        clock.set(now);
        if constexpr (kUnboundedExpiry && requires { backend.core().capacity(); }) {
          if (backend.core().capacity() == 0 && now >= next_purge) {
            // An unbounded TTL cache only sheds untouched expired keys when purged: do it once
            // per TTL of trace time, so memory tracks the live set (amortised O(1) per request).
            if (next_purge != Timestamp::min()) (void)co_await backend.purge();
            next_purge = now + purge_period;
          }
        }
      }
      ++r.requests;
      switch (request.op) {
        case Op::get: {
          ++r.gets;
          r.get_bytes += request.size;
          const std::optional<ReplayValue> cached = co_await backend.get(request.key);
          if (cached) {
            ++r.hits;
            r.hit_bytes += request.size;
          } else {
            ++r.misses;
            if (config.demand_fill) {
              ++r.fills;
              (void)co_await backend.set(request.key, request.size, request.ttl);
            }
          }
          break;
        }
        case Op::set:
          ++r.sets;
          (void)co_await backend.set(request.key, request.size, request.ttl);
          break;
        case Op::erase:
          ++r.erases;
          (void)co_await backend.erase(request.key);
          break;
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  if (config.warmup != 0 && index <= config.warmup) r.warmup_requests = index;
  const EvictionCounts total = backend.core().evictions();
  r.evictions = {total.capacity - evictions_before.capacity, total.expired - evictions_before.expired};
}

}  // namespace

ReplayResult replay(TraceReader& reader, const ReplayConfig& config) {
  ReplayResult result;
  const auto started = std::chrono::steady_clock::now();
  with_core_type<KeyId, ReplayValue>(config.policy, [&]<class Core>(std::type_identity<Core>) {
    VirtualClock clock;
    LockedBackend<Core, ReplayPolicy> backend(config.core, clock, HistogramHoldTimer{&result.lock_hold_ns});
    sync_wait(replay_all(backend, reader, config, clock, result));
    result.memory = backend.core().memory();
    result.final_size = backend.core().size();
  });
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace purecache
