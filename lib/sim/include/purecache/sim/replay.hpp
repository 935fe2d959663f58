#pragma once
/// Replays a trace through a cache and counts what happened, with one of two engines.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/concurrency_config.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// How requests reach the cache (docs/replay-semantics.md, "Engines").
enum class ReplayEngine {
  /// Through the public Cache over make_backend, as an application calls it: its lock-hold
  /// times and backend memory are an application's.
  library,
  /// The policy core alone over interned ids, no lock, no coroutine, with prefetching: counts
  /// only, several times faster. Its memory is the simulator's, and it times no lock.
  fast,
};

/// The key type of the replayed cache.
enum class ReplayKeyType {
  u64,       // library engine: the trace's numeric keys as std::uint64_t
  string,    // library engine: the keys' text as std::string
  interned,  // fast engine: dense 32-bit ids
};

[[nodiscard]] std::string_view to_string(ReplayEngine engine) noexcept;
[[nodiscard]] std::string_view to_string(ReplayKeyType key_type) noexcept;
/// "library" or "fast"; throws ConfigError "engine must be library or fast, got 'x'".
[[nodiscard]] ReplayEngine parse_replay_engine(std::string_view name);

/// Thrown by a library-engine replay with u64 keys that meets a key which is not a number
/// (TraceReader::key_number). The replay's counts so far are lost; replay with string keys.
class NonNumericKeyError : public Error {
 public:
  NonNumericKeyError(const std::string& trace, std::uint64_t request, const std::string& key);
  /// The request (from 1) whose key is not a number.
  [[nodiscard]] std::uint64_t request() const noexcept { return request_; }

 private:
  std::uint64_t request_;
};

/// The width of a timeline window (docs/replay-semantics.md, "Timeline"): exactly one of the
/// two is non-zero when a timeline is asked for; both zero: no timeline.
struct TimelineWindow {
  std::uint64_t requests = 0;  // > 0: windows of this many requests
  Duration time{0};            // > 0: windows of this much request time

  [[nodiscard]] bool enabled() const noexcept { return requests != 0 || time > Duration::zero(); }
};

/// Most rows a timeline may have: a replay that would open one more throws ConfigError.
inline constexpr std::uint64_t kMaxTimelineRows = 1'000'000;

/// How to replay. Semantics in docs/replay-semantics.md.
struct ReplayConfig {
  BackendKind policy = BackendKind::lru;
  ReplayEngine engine = ReplayEngine::library;
  /// Library engine: u64 or string (u64 throws NonNumericKeyError at a non-numeric key).
  /// The fast engine always uses interned ids and ignores this.
  ReplayKeyType key_type = ReplayKeyType::u64;
  CoreConfig core{};                   // capacity (bounded kinds) and default ttl (expiring kinds)
  bool demand_fill = true;             // a get that misses is followed by a set of the same key
  std::uint64_t warmup = 0;            // leading requests replayed but not counted
  Duration synthetic_step{1'000'000};  // > 0: clock advance per request when the trace has no time
  /// Library engine: time one lock hold, and one lock acquisition's wait, in this many.
  std::uint32_t lock_sample_every = 16;
  TimelineWindow timeline{};             // per-window rows in ReplayResult::timeline; none: off
  std::uint64_t timeline_row_limit = kMaxTimelineRows;  // more rows throw ConfigError
  /// Called after each batch (~4096 requests), for progress reporting. May be empty.
  std::function<void(const TraceReader&)> on_batch{};
  /// Offline policies (Belady): the most bytes a streamed trace may take once read into memory,
  /// which they need to know each request's next access. Beyond it the replay throws ConfigError.
  std::size_t offline_memory_limit = std::numeric_limits<std::size_t>::max();
  /// Read once per batch: once non-zero (a signal's number, set by a handler), the replay stops
  /// before the next batch and returns what it counted, complete = false. May be null.
  const std::atomic<int>* stop_signal = nullptr;
  /// Library engine: threads, clients, partition, shards and the mutex's hand-off
  /// (docs/replay-semantics.md, "Threads and clients"). The fast engine takes the default only.
  ConcurrencyConfig concurrency{};
};

/// Lock-hold (or lock-wait) times in nanoseconds; percentiles within 0.1% (LatencyHistogram).
struct LatencySummary {
  std::uint64_t count = 0;  // holds (waits) timed
  double mean_ns = 0;
  std::uint64_t p50_ns = 0;
  std::uint64_t p90_ns = 0;
  std::uint64_t p99_ns = 0;
  std::uint64_t p999_ns = 0;
  std::uint64_t max_ns = 0;
};

/// One timeline window: requests start_request..end_request (from 1, warm-up included).
struct TimelineRow {
  std::uint64_t start_request = 0;
  std::uint64_t end_request = 0;  // >= start_request
  Timestamp start_time{};         // the first request's time
  Timestamp end_time{};           // the last request's time
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t evictions = 0;     // capacity and expired, during the window
  std::uint64_t memory_bytes = 0;  // at the window's end, as ReplayResult::memory counts them
  /// Library engine: p99 of the lock holds timed in the window, ns; none timed, or fast: empty.
  std::optional<std::uint64_t> lock_hold_p99_ns{};
};

/// The rows of a replay asked for a timeline, in request order; windows without requests have
/// no row.
struct Timeline {
  TimelineWindow window{};
  std::vector<TimelineRow> rows{};
};

/// What a replay observed. Request counters exclude the warm-up; hits, misses and ratios count
/// gets only.
struct ReplayResult {
  std::uint64_t requests = 0;  // counted requests (after warm-up)
  std::uint64_t warmup_requests = 0;
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t sets = 0;       // sets from the trace (demand fills are not counted here)
  std::uint64_t erases = 0;     // deletes from the trace
  std::uint64_t fills = 0;      // sets issued by demand fill
  std::uint64_t get_bytes = 0;  // sum of sizes of counted gets
  std::uint64_t hit_bytes = 0;  // sum of sizes of counted hits
  EvictionCounts evictions;     // during the counted part
  ReplayEngine engine = ReplayEngine::library;
  ReplayKeyType key_type = ReplayKeyType::u64;
  std::string policy_parameters;  // the policy's knobs in effect, "name=value,..."; "" none
  /// Library engine: the backend's own bytes, as BackendStats reports them to an application.
  /// Fast engine: the bare core's bytes over interned ids (the simulator's, not a backend's).
  MemoryUsage memory;
  std::uint64_t reader_bytes = 0;  // the trace reader and the replay's key table, apart
  std::size_t final_size = 0;      // entries held at the end
  /// Library engine: timed holds of the backend's lock in the counted part. Fast: none.
  std::optional<LatencySummary> lock_hold;
  std::uint32_t lock_hold_sampled_every = 1;  // one hold in this many was timed
  /// Library engine: timed waits for the backend's locks (lock requested to acquired), counted
  /// part only, one acquisition in lock_hold_sampled_every. Fast: none.
  std::optional<LatencySummary> lock_wait;
  /// Library engine: the share of all lock acquisitions (every one, not only the timed) that
  /// found the lock held and queued for it, in [0, 1]. Fast: 0.
  double contended_share = 0;
  ConcurrencyConfig concurrency{};       // as configured
  ReplayOrder order = ReplayOrder::trace;  // replay_order(concurrency)
  /// threads >= 1: requests completed on each worker thread of the pool, by worker index (a
  /// request counts where its last operation completed: clients may move between threads).
  /// threads = 0: one entry, the calling thread's (every counted request).
  std::vector<std::uint64_t> thread_requests;
  /// threads >= 1: seconds spent reading the trace into memory before the clients start, which
  /// wall_seconds then excludes; 0 otherwise.
  double load_seconds = 0;
  /// threads = 0: the whole replay, reading and warm-up included. threads >= 1: from the clients'
  /// start to the last one's end (the trace is in memory by then; see load_seconds).
  double wall_seconds = 0;
  std::optional<Timeline> timeline;           // when ReplayConfig::timeline is enabled
  bool complete = true;  // false: stopped by ReplayConfig::stop_signal before the trace's end
};

/// Throws ConfigError if config.concurrency is out of range (check_concurrency) or does not suit
/// the rest of `config`: threads, shards or hand-off with the fast engine; with threads >= 1, an
/// expiring policy (clients would move the shared clock back and forth), a warm-up or a timeline
/// (neither has one request order to be counted in). replay() calls it first.
void check_replay_config(const ReplayConfig& config);

/// Streams `reader` through a cache of config.policy with a virtual clock on the calling thread,
/// by config.engine. Throws TraceError from the reader, NonNumericKeyError (see above) and
/// ConfigError for a trace past the synthetic clock's end.
[[nodiscard]] ReplayResult replay(TraceReader& reader, const ReplayConfig& config);

/// Replays a trace loaded into memory with the fast engine; several threads may replay the same
/// trace at once. config.on_batch is not called; config.stop_signal is read every 4096 requests.
/// reader_bytes is the trace's array. Throws ConfigError for the library engine (it needs the
/// reader's key spellings) and as above for the synthetic clock. An offline policy (Belady)
/// reads `next_access`, next_access_positions of the trace's requests, or computes it if empty:
/// callers replaying one trace many times compute it once.
[[nodiscard]] ReplayResult replay(const LoadedTrace& trace, const ReplayConfig& config,
                                  std::span<const std::uint64_t> next_access = {});

}  // namespace purecache::sim
