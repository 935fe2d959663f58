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
#include "purecache/backend/make_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "replay/replay_steps.hpp"
#include "replay/sampled_hold_timer.hpp"

namespace purecache::sim::detail {

namespace {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

/// The backend an application gets from make_backend, but on trace time and with its lock holds
/// timed: the mutex, index, core and virtual dispatch are the defaults.
struct LibraryReplayBackendPolicy {
  using Clock = VirtualClock;
  using Mutex = AsyncMutex;
  using HoldTimer = SampledHoldTimer;
};

/// The application's key of each interned request key.
template <class K>
class ApplicationKeys;

/// Numeric keys by id, filled as ids first appear (in order: the reader numbers keys by first
/// appearance), so each request costs one array read, not a parse.
template <>
class ApplicationKeys<std::uint64_t> {
 public:
  explicit ApplicationKeys(const TraceReader& reader) : reader_(reader) {}

  [[nodiscard]] const std::uint64_t& operator()(KeyId id, std::uint64_t request) {
    assert(id <= numbers_.size());
    if (id == numbers_.size()) [[unlikely]] add(id, request);
    return numbers_[id];
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return numbers_.capacity() * sizeof(std::uint64_t);
  }

 private:
  [[gnu::noinline]] void add(KeyId id, std::uint64_t request) {
    const std::optional<std::uint64_t> number = reader_.key_number(id);
    if (!number) {
      std::string text;
      reader_.key_text(id, text);
      throw NonNumericKeyError(reader_.path(), request, text);
    }
    numbers_.push_back(*number);
  }

  const TraceReader& reader_;
  std::vector<std::uint64_t> numbers_;  // by id, dense
};

/// The key's text, copied into one reused string per request: what an application that receives
/// keys as bytes does. No allocation once the buffer has grown to the longest key.
template <>
class ApplicationKeys<std::string> {
 public:
  explicit ApplicationKeys(const TraceReader& reader) : reader_(reader) {}

  [[nodiscard]] const std::string& operator()(KeyId id, std::uint64_t /*request*/) {
    reader_.key_text(id, buffer_);
    return buffer_;
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return buffer_.capacity(); }

 private:
  const TraceReader& reader_;
  std::string buffer_;  // the current request's key
};

struct LibraryRun {
  LatencyHistogram hold_ticks;  // raw ticks of the timed holds, counted part only
  TickClock::Mark ticks_started = TickClock::mark();
  BackendStats end{};           // the backend at the end of the replay
  std::size_t key_table_bytes = 0;
};

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

  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      r.complete = false;
      break;
    }
    const std::size_t n = reader.read(batch);
    if (n == 0) break;
    for (const Request& request : std::span(batch).first(n)) {
      if (++index == reset_at) [[unlikely]] {
        end_warmup(r, config.warmup);
        const BackendStats at_reset = co_await cache.backend().stats();
        evictions_before = at_reset.evictions;
        run.hold_ticks.reset();
      }
      if (uses_time) {
        const Timestamp now = request_clock.at(request, index);
        clock.set(now);
        if (purges.due(now)) (void)co_await cache.backend().purge();
      }
      count_request(r, request);
      const K& key = keys(static_cast<KeyId>(request.key), index);
      if (request.op == Op::get) [[likely]] {
        const std::optional<ReplayValue> cached = co_await cache.get(key);
        count_get(r, request, cached.has_value(), config.demand_fill);
        if (!cached && config.demand_fill) (void)co_await cache.set(key, request.size, request.ttl);
      } else if (request.op == Op::set) {
        (void)co_await cache.set(key, request.size, request.ttl);
      } else {
        (void)co_await cache.erase(key);
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  if (config.warmup != 0 && index <= config.warmup) r.warmup_requests = index;
  // Summarised before the stats below, so only the trace's own operations are in it.
  TickClock::calibrate_since(run.ticks_started);
  r.lock_hold = LatencySummary{
      .count = run.hold_ticks.count(),
      .mean_ns = run.hold_ticks.mean() * 1e9 / TickClock::ticks_per_second(),
      .p50_ns = TickClock::ticks_to_ns(run.hold_ticks.value_at_percentile(50)),
      .p90_ns = TickClock::ticks_to_ns(run.hold_ticks.value_at_percentile(90)),
      .p99_ns = TickClock::ticks_to_ns(run.hold_ticks.value_at_percentile(99)),
      .p999_ns = TickClock::ticks_to_ns(run.hold_ticks.value_at_percentile(99.9)),
      .max_ns = TickClock::ticks_to_ns(run.hold_ticks.max())};
  run.end = co_await cache.backend().stats();
  r.evictions = {run.end.evictions.capacity - evictions_before.capacity,
                 run.end.evictions.expired - evictions_before.expired};
  run.key_table_bytes = keys.memory_bytes();
}

template <class K>
void replay_with_keys(TraceReader& reader, const ReplayConfig& config, ReplayResult& result) {
  LibraryRun run;
  const std::uint32_t sample_every = std::max<std::uint32_t>(1, config.lock_sample_every);
  VirtualClock clock;
  Cache<K, ReplayValue> cache(make_backend<K, ReplayValue, LibraryReplayBackendPolicy>(
      config.policy, config.core, clock, SampledHoldTimer(&run.hold_ticks, sample_every)));
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
