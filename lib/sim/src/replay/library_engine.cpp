// The library engine: every request through the public Cache, as an application calls it.

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/parameters_in_effect.hpp"
#include "purecache/cache.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "replay/application_keys.hpp"
#include "replay/replay_backend.hpp"
#include "replay/replay_steps.hpp"
#include "replay/sampled_hold_timer.hpp"
#include "replay/tick_summary.hpp"
#include "replay/timeline_windows.hpp"

namespace purecache::sim::detail {

namespace {

/// How many requests ahead the replay starts loading a request's application key: the
/// simulator's own id -> key lookup, which an application (holding its key) does not have.
constexpr std::size_t kKeyPrefetchAhead = 8;

struct LibraryRun {
  LatencyHistogram hold_ticks;  // raw ticks of the timed holds, counted part only
  /// Where the hold timer records: hold_ticks, or with a timeline the open window's histogram;
  /// null while the replay's own stats() calls hold the lock, so they are never timed.
  LatencyHistogram* recording = &hold_ticks;
  TickClock::Mark ticks_started = TickClock::mark();
  BackendStats end{};           // the backend at the end of the replay
  std::size_t key_table_bytes = 0;
};

/// The library engine's timeline: each window's holds go to their own histogram, which joins
/// the report's total (counted part only) when the window closes.
struct LibraryTimeline {
  LibraryTimeline(const ReplayConfig& config, const RequestClock& clock) : windows(config, clock) {}

  TimelineWindows windows;
  LatencyHistogram window_ticks;       // the open window's timed holds since the warm-up's end
  LatencyHistogram warmup_ticks;       // the open window's timed holds in the warm-up
  std::uint64_t gets_before = 0;       // r.gets when the open window began (shifted at warm-up)
  std::uint64_t hits_before = 0;       // r.hits likewise
  std::uint64_t evictions_before = 0;  // the backend's evictions when the open window began
};

/// One stats() call of the replay's own, not timed as a lock hold.
template <class K>
Task<BackendStats> untimed_stats(Cache<K, ReplayValue>& cache, LibraryRun& run) {
  LatencyHistogram* const recording = run.recording;
  run.recording = nullptr;
  const BackendStats stats = co_await cache.backend().stats();
  run.recording = recording;
  co_return stats;
}

/// Counts the open window's row. Its p99 stays in ticks until the replay's end calibrates.
template <class K>
Task<void> close_row(Cache<K, ReplayValue>& cache, LibraryRun& run, LibraryTimeline& timeline,
                     const ReplayResult& r) {
  const BackendStats stats = co_await untimed_stats(cache, run);
  const std::uint64_t evictions = stats.evictions.capacity + stats.evictions.expired;
  // Holds after the warm-up join the report's total; the warm-up's are the window's only.
  run.hold_ticks.merge(timeline.window_ticks);
  if (timeline.warmup_ticks.count() != 0) {
    timeline.window_ticks.merge(timeline.warmup_ticks);
    timeline.warmup_ticks.reset();
  }
  std::optional<std::uint64_t> p99;
  if (timeline.window_ticks.count() != 0) p99 = timeline.window_ticks.value_at_percentile(99);
  timeline.window_ticks.reset();
  timeline.windows.close({.gets = r.gets - timeline.gets_before,
                          .hits = r.hits - timeline.hits_before,
                          .evictions = evictions - timeline.evictions_before,
                          .memory_bytes = stats.memory.current_bytes,
                          .lock_hold_p99_ns = p99});
  timeline.gets_before = r.gets;
  timeline.hits_before = r.hits;
  timeline.evictions_before = evictions;
}

/// One coroutine for the whole trace, awaiting the Cache's operations one at a time.
template <class K>
Task<void> replay_through(Cache<K, ReplayValue>& cache, TraceReader& reader,
                          const ReplayConfig& config, VirtualClock clock, LibraryRun& run,
                          ReplayResult& r) {
  std::vector<Request> batch(kReplayBatch);
  ApplicationKeys<K> keys(reader);
  const RequestClock request_clock(reader.has_timestamps(), reader.has_ttls(), config);
  const bool uses_time = info(config.policy).expiring;
  PurgeSchedule purges(uses_time && config.core.capacity == 0, config.core.ttl);
  const std::uint64_t reset_at = warmup_end(config);
  std::uint64_t index = 0;
  EvictionCounts evictions_before{};
  std::optional<LibraryTimeline> timeline;
  if (config.timeline.enabled()) {
    timeline.emplace(config, request_clock);
    run.recording = &timeline->window_ticks;
  }

  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      r.complete = false;
      break;
    }
    const std::size_t n = reader.read(batch);
    if (n == 0) break;
    keys.refresh();
    // With a timeline, the batch is replayed window by window, and each row counted between.
    for (std::span<const Request> rest = std::span(batch).first(n); !rest.empty();) {
      std::size_t part = rest.size();
      if (timeline) {
        part = timeline->windows.take(rest, index);
        if (part == 0) {
          co_await close_row(cache, run, *timeline, r);
          timeline->windows.open(rest.front(), index + 1);
          continue;
        }
      }
      for (std::size_t i = 0; i < part; ++i) {
        const Request& request = rest[i];
        if (i + kKeyPrefetchAhead < part) keys.prefetch(rest[i + kKeyPrefetchAhead].key);
        if (++index == reset_at) [[unlikely]] {
          if (timeline) {
            timeline->gets_before -= r.gets;  // unsigned: wraps back when the row is counted
            timeline->hits_before -= r.hits;
            std::swap(timeline->window_ticks, timeline->warmup_ticks);
          }
          end_warmup(r, config.warmup);
          const BackendStats at_reset = co_await untimed_stats(cache, run);
          evictions_before = at_reset.evictions;
          run.hold_ticks.reset();
        }
        if (uses_time) {
          const Timestamp now = request_clock.at(request, index);
          clock.set(now);
          if (purges.due(now)) (void)co_await cache.backend().purge();
        }
        const K& key = keys(static_cast<KeyId>(request.key), index);
        count_request(r, request.op, request.size);
        if (request.op == Op::get) [[likely]] {
          const bool hit = static_cast<bool>(co_await cache.get(key));
          count_get(r, request.size, hit, config.demand_fill);
          if (!hit && config.demand_fill) (void)co_await cache.set(key, request.size, request.ttl);
        } else if (request.op == Op::set) {
          (void)co_await cache.set(key, request.size, request.ttl);
        } else {
          (void)co_await cache.erase(key);
        }
      }
      rest = rest.subspan(part);
    }
    if (config.on_batch) config.on_batch(reader);
  }
  if (config.warmup != 0 && index <= config.warmup) r.warmup_requests = index;
  if (timeline && timeline->windows.is_open()) co_await close_row(cache, run, *timeline, r);
  // Summarised before the stats below, so only the trace's own operations are in it.
  TickClock::calibrate_since(run.ticks_started);
  r.lock_hold = summarize_ticks(run.hold_ticks);
  if (timeline) {
    for (TimelineRow& row : timeline->windows.rows()) {
      if (row.lock_hold_p99_ns)
        row.lock_hold_p99_ns = TickClock::ticks_to_ns(*row.lock_hold_p99_ns);
    }
    r.timeline = timeline->windows.finish();
  }
  run.end = co_await untimed_stats(cache, run);
  r.evictions = {run.end.evictions.capacity - evictions_before.capacity,
                 run.end.evictions.expired - evictions_before.expired};
  run.key_table_bytes = keys.memory_bytes();
}

template <class K>
void replay_with_keys(TraceReader& reader, const ReplayConfig& config, ReplayResult& result) {
  LibraryRun run;
  const std::uint32_t sample_every = std::max<std::uint32_t>(1, config.lock_sample_every);
  VirtualClock clock;
  Cache<K, ReplayValue> cache(
      // One coroutine issues every request: the lock is never contended, so it is taken as an
      // application's default backend takes it, with no wait timer (lock_wait stays empty).
      make_replay_backend<K>(config, clock, SampledHoldTimer(&run.recording, sample_every)));
  sync_wait(replay_through(cache, reader, config, clock, run, result));
  result.memory = run.end.memory;
  result.final_size = run.end.size;
  result.reader_bytes = reader.memory_bytes() + run.key_table_bytes;
  result.lock_hold_sampled_every = sample_every;
}

}  // namespace

ReplayResult replay_library(TraceReader& reader, const ReplayConfig& config) {
  ReplayResult result;
  result.engine = ReplayEngine::library;
  // The backend hides its core behind IBackend: the knobs come from the same parser.
  result.policy_parameters = parameters_in_effect(config.policy, config.core);
  if (config.key_type == ReplayKeyType::string) {
    result.key_type = ReplayKeyType::string;
    replay_with_keys<std::string>(reader, config, result);
  } else {
    result.key_type = ReplayKeyType::u64;
    replay_with_keys<std::uint64_t>(reader, config, result);
  }
  return result;
}

}  // namespace purecache::sim::detail
