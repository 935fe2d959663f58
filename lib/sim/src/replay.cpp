#include "purecache/sim/replay.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/dense_id_hash.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"

namespace purecache::sim {

namespace {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

/// Times one lock hold in `every` with the tick clock, into a histogram of raw ticks: the
/// conversion to nanoseconds is linear, so it is done once on the summary, not per hold.
class SampledHoldTimer {
 public:
  using Mark = std::uint64_t;
  static constexpr Mark kUntimed = 0;

  SampledHoldTimer(LatencyHistogram* ticks, std::uint32_t every) noexcept
      : ticks_(ticks), every_(every), countdown_(1) {}

  // The untimed path is a decrement and a branch; the timed one stays out of line, so the
  // operation it wraps stays small enough to inline into the replay loop.
  [[nodiscard]] Mark start() noexcept {
    if (--countdown_ != 0) [[likely]]
      return kUntimed;
    return start_timing();
  }
  void stop(Mark started) noexcept {
    if (started != kUntimed) [[unlikely]]
      record(started);
  }

 private:
  [[gnu::noinline]] Mark start_timing() noexcept {
    countdown_ = every_;
    return TickClock::now_ticks();
  }
  [[gnu::noinline]] void record(Mark started) noexcept {
    ticks_->record(TickClock::now_ticks() - started);
  }

  LatencyHistogram* ticks_;  // owned by replay()
  std::uint32_t every_;      // >= 1
  std::uint32_t countdown_;  // holds left until the next timed one
};

/// The replay is single-threaded, so its backend uses the lock without atomic instructions;
/// everything else (coroutine per operation, FIFO hand-off, guard) is the library's path.
struct ReplayPolicy {
  using Clock = VirtualClock;
  using Mutex = LocalAsyncMutex;
  using HoldTimer = SampledHoldTimer;
};

constexpr std::size_t kBatch = 4096;
// Requests ahead to prefetch: far enough that the lines arrive although parsing a batch evicts
// the core's lines (docs/performance.md).
constexpr std::size_t kPrefetchDistance = 16;

/// `ns` as seconds, exactly: "1000000", "0.5", "9223372036.854775807".
std::string seconds_text(std::int64_t ns) {
  std::string text = std::to_string(ns / 1'000'000'000);
  if (const std::int64_t fraction = ns % 1'000'000'000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 9 - digits.size(), '0');
    text.append(".").append(digits.substr(0, digits.find_last_not_of('0') + 1));
  }
  return text;
}

/// Request `index` (from 1) once (index - 1) steps overflow the clock: at its end, where every
/// entry has expired. Exact when no TTL outlives a step (each entry has expired by the next
/// request anyway); otherwise the replay stops. docs/replay-semantics.md, "Time arithmetic".
[[gnu::cold, gnu::noinline]] Timestamp synthetic_clock_end(std::uint64_t index, Duration step,
                                                           bool ttl_may_outlive_step) {
  assert(step > Duration::zero());
  if (ttl_may_outlive_step) {
    throw ConfigError(
        "request " + std::to_string(index) + " falls past the synthetic clock's end (" +
        seconds_text(Timestamp::max().count()) + " seconds at " + seconds_text(step.count()) +
        " seconds per request), where counts are exact only if no TTL is longer "
        "than a step; raise --rate");
  }
  return Timestamp::max();
}

LatencySummary summarize_ticks(const LatencyHistogram& ticks) {
  const auto ns = [](std::uint64_t t) { return TickClock::ticks_to_ns(t); };
  return LatencySummary{.count = ticks.count(),
                        .mean_ns = ticks.mean() * 1e9 / TickClock::ticks_per_second(),
                        .p50_ns = ns(ticks.value_at_percentile(50)),
                        .p90_ns = ns(ticks.value_at_percentile(90)),
                        .p99_ns = ns(ticks.value_at_percentile(99)),
                        .p999_ns = ns(ticks.value_at_percentile(99.9)),
                        .max_ns = ns(ticks.max())};
}

/// One coroutine for the whole trace: no sync_wait per request, one frame that stays hot.
template <class Backend>
Task<void> replay_all(Backend& backend, TraceReader& reader, const ReplayConfig& config,
                      VirtualClock clock, LatencyHistogram& hold_ticks, ReplayResult& result) {
  using Core = std::remove_cvref_t<decltype(backend.core())>;
  // kPrefetchDistance spare requests past the batch, so the hints below need no bounds check:
  // what they read there is a key of an earlier batch (or 0), valid and harmless to prefetch.
  std::array<Request, kBatch + kPrefetchDistance> batch{};
  const bool trace_time = reader.has_timestamps();
  const std::int64_t step_ns = config.synthetic_step.count();
  const bool ttl_may_outlive_step = reader.has_ttls() || config.core.ttl > config.synthetic_step;
  const Duration purge_period = config.core.ttl;
  Timestamp next_purge = Timestamp::min();
  std::uint64_t index = 0;
  const std::uint64_t reset_at = config.warmup == 0 ? 0 : config.warmup + 1;  // 0: never
  EvictionCounts evictions_before{};
  ReplayResult& r = result;

  for (;;) {
    if (config.stop_signal != nullptr && config.stop_signal->load(std::memory_order_relaxed) != 0)
        [[unlikely]] {
      r.complete = false;
      break;
    }
    const std::size_t n = reader.read(std::span(batch).first(kBatch));
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      const Request& request = batch[i];
      // The replay knows its future: start loading the index slot of a request 16 ahead, then
      // (slot now cached) the entry of the one 8 ahead, so cache misses overlap the work in
      // between. Single-threaded: the hints read the core without its lock.
      backend.core().prefetch_slot(batch[i + kPrefetchDistance].key);
      backend.core().prefetch_entry(batch[i + kPrefetchDistance / 2].key);
      if (++index == reset_at) [[unlikely]] {
        // Warm-up over: forget what it counted; the cache keeps its contents.
        r.warmup_requests = config.warmup;
        r.requests = r.gets = r.hits = r.misses = r.sets = r.erases = r.fills = 0;
        r.get_bytes = r.hit_bytes = 0;
        hold_ticks.reset();
        evictions_before = backend.core().evictions();
      }
      if constexpr (Core::kUsesTime) {
        Timestamp now = request.time;
        if (!trace_time) {
          // Checked, not wrapped into the past: beyond 2^63-1 ns see synthetic_clock_end.
          std::int64_t ns = 0;
          now = __builtin_mul_overflow(step_ns, index - 1, &ns)
                    ? synthetic_clock_end(index, config.synthetic_step, ttl_may_outlive_step)
                    : Timestamp(ns);
        }
        clock.set(now);
        if constexpr (ExpiringCore<Core>) {
          if (backend.core().capacity() == 0 && now >= next_purge) {
            // An unbounded TTL cache only sheds untouched expired keys when purged: do it once
            // per TTL of trace time, so memory tracks the live set (amortised O(1) per request).
            if (next_purge != Timestamp::min()) (void)co_await backend.purge_op();
            // Saturates like an expiry: a purge due past the clock's end never comes.
            next_purge = expiry_time(now, purge_period);
          }
        }
      }
      ++r.requests;
      if (request.op == Op::get) [[likely]] {
        ++r.gets;
        r.get_bytes += request.size;
        const std::optional<ReplayValue> cached = co_await backend.get_op(request.key);
        if (cached) {
          ++r.hits;
          r.hit_bytes += request.size;
        } else {
          ++r.misses;
          if (config.demand_fill) {
            ++r.fills;
            (void)co_await backend.set_op(request.key, request.size, request.ttl);
          }
        }
      } else if (request.op == Op::set) {
        ++r.sets;
        (void)co_await backend.set_op(request.key, request.size, request.ttl);
      } else {
        ++r.erases;
        (void)co_await backend.erase_op(request.key);
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  if (config.warmup != 0 && index <= config.warmup) r.warmup_requests = index;
  const EvictionCounts total = backend.core().evictions();
  r.evictions = {total.capacity - evictions_before.capacity,
                 total.expired - evictions_before.expired};
}

}  // namespace

ReplayResult replay(TraceReader& reader, const ReplayConfig& config) {
  ReplayResult result;
  LatencyHistogram hold_ticks;
  const std::uint32_t sample_every = std::max<std::uint32_t>(1, config.lock_sample_every);
  const auto started = std::chrono::steady_clock::now();
  const TickClock::Mark ticks_started = TickClock::mark();
  // Trace keys arrive interned as 0, 1, 2, ...: the cores index them by array, not by hash.
  with_core_type<KeyId, ReplayValue, DenseIdHash>(
      config.policy, [&]<class Core>(std::type_identity<Core>) {
        VirtualClock clock;
        LockedBackend<Core, ReplayPolicy> backend(config.core, clock,
                                                  SampledHoldTimer(&hold_ticks, sample_every));
        sync_wait(replay_all(backend, reader, config, clock, hold_ticks, result));
        result.memory = backend.core().memory();
        result.final_size = backend.core().size();
      });
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The replay itself is the calibration span: no 20 ms sleep, and a longer, finer measurement.
  TickClock::calibrate_since(ticks_started);
  result.lock_hold = summarize_ticks(hold_ticks);
  result.lock_hold_sampled_every = sample_every;
  return result;
}

}  // namespace purecache::sim
