// The fast engine: the bare policy core over interned ids, for counts only.

#include <array>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/belady_core.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/belady_count_core.hpp"
#include "purecache/sim/dense_id_hash.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/offline_trace.hpp"
#include "replay/fast_run.hpp"
#include "replay/replay_steps.hpp"
#include "replay/timeline_windows.hpp"

namespace purecache::sim::detail {

namespace {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

// Requests ahead to prefetch: far enough that the lines arrive although parsing a batch evicts
// the core's lines (docs/performance.md).
constexpr std::size_t kPrefetchDistance = kFastReadAhead;
static_assert(LoadedTrace::kReadAhead >= kFastReadAhead, "a loaded trace pads for the prefetch");

/// The core of a replay: bounded by entries, or with max_weight by the requests' sizes; a
/// positioned core also gets the number of positions in the trace.
template <class Core>
Core make_core(const CoreConfig& config, std::uint64_t positions) {
  if constexpr (PositionedCore<Core>) {
    return Core(config, positions);
  } else {
    if (config.max_weight == 0) return Core(config);
    return Core(config, [](KeyId, ReplayValue size) -> std::uint64_t { return size; });
  }
}

/// A batch of requests as whole Requests.
struct RequestRows {
  const Request* rows;
  [[nodiscard]] KeyId key(std::size_t i) const noexcept { return rows[i].key; }
  [[nodiscard]] std::uint32_t size(std::size_t i) const noexcept { return rows[i].size; }
  [[nodiscard]] Op op(std::size_t i) const noexcept { return rows[i].op; }
  [[nodiscard]] Duration ttl(std::size_t i) const noexcept { return rows[i].ttl; }
  [[nodiscard]] const Request& request(std::size_t i) const noexcept { return rows[i]; }
};

/// A batch of requests in an OfflineTrace's columns: no TTLs, and no times (offline cores do
/// not read them).
struct OfflineColumns {
  const KeyId* keys;
  const std::uint32_t* sizes;  // null: every size is 0
  const Op* ops;               // null: every request is a get
  [[nodiscard]] KeyId key(std::size_t i) const noexcept { return keys[i]; }
  [[nodiscard]] std::uint32_t size(std::size_t i) const noexcept {
    return sizes == nullptr ? 0 : sizes[i];
  }
  [[nodiscard]] Op op(std::size_t i) const noexcept { return ops == nullptr ? Op::get : ops[i]; }
  [[nodiscard]] Duration ttl(std::size_t /*i*/) const noexcept { return Duration{0}; }
};

template <class Core>
class FastRunOf final : public FastRun {
  static_assert(!OfflineCore<Core> || !Core::kUsesTime,
                "an offline replay keeps neither TTLs nor, without a timeline, times");

 public:
  FastRunOf(const ReplayConfig& config, TraceTraits traits,
            NextAccessView next_access)
      : config_(config),
        core_(make_core<Core>(config.core, next_access.size())),
        next_access_(next_access),
        clock_(traits.timestamps, traits.ttls, config),
        purges_(ExpiringCore<Core> && config.core.capacity == 0, config.core.ttl),
        reset_at_(warmup_end(config)) {
    result_.engine = ReplayEngine::fast;
    result_.key_type = ReplayKeyType::interned;
    if constexpr (requires { core_.parameters(); }) {
      result_.policy_parameters = std::string(core_.parameters());
    }
    if (config.timeline.enabled()) windows_.emplace(config, clock_);
  }

  void consume(std::span<const Request> requests) override {
    if (!windows_) [[likely]] {
      run(requests);
      return;
    }
    // The loop stays the same with a timeline: it runs on the part of the batch in one window,
    // and the row is counted between parts.
    while (!requests.empty()) {
      const std::size_t n = windows_->take(requests, index_);
      if (n == 0) {
        close_row();
        windows_->open(requests.front(), index_ + 1);
        continue;
      }
      run(requests.first(n));
      requests = requests.subspan(n);
    }
  }

  void consume(const OfflineTrace& trace, std::size_t from, std::size_t n) override {
    assert(!windows_ && "a timeline cuts Requests; offline_replay fills them for it");
    if constexpr (OfflineCore<Core> || PositionedCore<Core>) {
      const auto sizes = trace.sizes();
      const auto ops = trace.ops();
      run(OfflineColumns{.keys = trace.keys().data() + from,
                         .sizes = sizes.empty() ? nullptr : sizes.data() + from,
                         .ops = ops.empty() ? nullptr : ops.data() + from},
          n);
    } else {
      assert(false && "only offline runs read an OfflineTrace");
    }
  }

  ReplayResult finish(bool complete) override {
    ReplayResult r = result_;
    if (config_.warmup != 0 && index_ <= config_.warmup) r.warmup_requests = index_;
    const EvictionCounts total = core_.evictions();
    r.evictions = {total.capacity - evictions_before_.capacity,
                   total.expired - evictions_before_.expired};
    r.memory = core_.memory();
    r.final_size = core_.size();
    r.complete = complete;
    if (windows_) {
      if (windows_->is_open()) close_row();
      r.timeline = windows_->finish();
    }
    return r;
  }

 private:
  void run(std::span<const Request> requests) { run(RequestRows{requests.data()}, requests.size()); }

  /// Replays the `count` requests of `batch`; the kFastReadAhead keys after them must be
  /// readable.
  template <class Batch>
  void run(const Batch& batch, std::size_t count) {
    ReplayResult& r = result_;
    std::uint64_t index = index_;
    for (std::size_t i = 0; i < count; ++i) {
      // The replay knows its future: start loading the index slot of a request 16 ahead, then
      // (slot now cached) the entry of the one 8 ahead, so cache misses overlap the work between.
      core_.prefetch_slot(batch.key(i + kPrefetchDistance));
      core_.prefetch_entry(batch.key(i + kPrefetchDistance / 2));
      // Cores whose operations also write other entries (heap slots, list neighbours) name
      // them once the entry has landed.
      if constexpr (requires { core_.prefetch_order(KeyId{}); }) {
        core_.prefetch_order(batch.key(i + kPrefetchDistance / 4));
      }
      if (++index == reset_at_) [[unlikely]] {
        // The open row keeps what the warm-up counted in it (unsigned arithmetic wraps back).
        row_base_.gets -= r.gets;
        row_base_.hits -= r.hits;
        end_warmup(r, config_.warmup);
        evictions_before_ = core_.evictions();
      }
      Timestamp now{};
      if constexpr (Core::kUsesTime) {
        now = clock_.at(batch.request(i), index);
        if constexpr (ExpiringCore<Core>) {
          if (purges_.due(now)) (void)core_.purge(now);
        }
      }
      if constexpr (PositionedCore<Core>) {
        core_.at_request(index - 1, next_access_[index - 1]);
      } else if constexpr (OfflineCore<Core>) {
        core_.set_next_access(next_access_[index - 1]);
      }
      const Op op = batch.op(i);
      const std::uint32_t size = batch.size(i);
      count_request(r, op, size);
      const KeyId key = batch.key(i);
      if (op == Op::get) [[likely]] {
        const bool hit = core_.get(key, now) != nullptr;
        count_get(r, size, hit, config_.demand_fill);
        if (!hit && config_.demand_fill) (void)core_.set(key, size, now, batch.ttl(i));
      } else if (op == Op::set) {
        (void)core_.set(key, size, now, batch.ttl(i));
      } else {
        (void)core_.erase(key, now);
      }
    }
    index_ = index;
  }

  /// Counts the open window's row: what changed since the last row ended.
  void close_row() {
    const EvictionCounts evictions = core_.evictions();
    const RowBase now{.gets = result_.gets,
                      .hits = result_.hits,
                      .evictions = evictions.capacity + evictions.expired};
    windows_->close({.gets = now.gets - row_base_.gets,
                     .hits = now.hits - row_base_.hits,
                     .evictions = now.evictions - row_base_.evictions,
                     .memory_bytes = core_.memory().current_bytes});
    row_base_ = now;
  }

  /// The counters when the open row began (gets and hits shifted at the warm-up's end).
  struct RowBase {
    std::uint64_t gets = 0;
    std::uint64_t hits = 0;
    std::uint64_t evictions = 0;
  };

  const ReplayConfig& config_;
  Core core_;
  NextAccessView next_access_;  // offline cores: by request position, whole trace
  RequestClock clock_;
  PurgeSchedule purges_;
  std::uint64_t reset_at_;
  std::uint64_t index_ = 0;  // requests consumed
  EvictionCounts evictions_before_{};
  ReplayResult result_;
  std::optional<TimelineWindows> windows_;  // when a timeline is asked for
  RowBase row_base_{};
};

/// An offline policy replayed once: the future is known only once the whole trace is, so the
/// trace is read whole into compact columns, then replayed from them in place.
ReplayResult replay_offline(TraceReader& reader, const ReplayConfig& config) {
  // A timeline's windows may be cut by time; nothing else an offline policy runs reads it.
  const bool with_times = config.timeline.enabled() && reader.has_timestamps();
  // The reader hashes what it reads for the report (when asked): the loaded copy needs no hash.
  const std::optional<OfflineTrace> trace =
      OfflineTrace::load(reader, config.offline_memory_limit, config.stop_signal, with_times);
  if (!trace) {
    throw ConfigError(purecache::detail::escaped(reader.path()) + ": policy " +
                      purecache::detail::quoted(to_string(config.policy)) +
                      " reads the whole trace into memory to know each request's next access, "
                      "and it needs more than the limit of " +
                      std::to_string(config.offline_memory_limit) + " bytes (" +
                      std::to_string(with_times ? OfflineTrace::kTimedRequestBytes
                                                : OfflineTrace::kRequestBytes) +
                      " bytes per request)");
  }
  static_assert(OfflineTrace::kReadAhead >= kFastReadAhead, "columns pad for the prefetch");
  const auto run =
      make_fast_run(config, {.timestamps = with_times, .ttls = reader.has_ttls()},
                    trace->next_access());
  // A timeline cuts its windows in Requests: they are filled in batches small enough to stay
  // in the L1 cache till replayed, the kFastReadAhead after each being the next batch's first.
  constexpr std::size_t kTimelineBatch = 256;
  std::vector<Request> rows(config.timeline.enabled() ? kTimelineBatch + kFastReadAhead : 0);
  bool complete = trace->complete();
  for (std::size_t at = 0; at < trace->size(); at += kReplayBatch) {
    if (stop_requested(config)) [[unlikely]] {
      complete = false;
      break;
    }
    const std::size_t end = std::min(at + kReplayBatch, trace->size());
    if (rows.empty()) {
      run->consume(*trace, at, end - at);
      continue;
    }
    for (std::size_t from = at; from < end; from += kTimelineBatch) {
      trace->fill(from, rows);
      run->consume(std::span(rows).first(std::min(kTimelineBatch, end - from)));
    }
  }
  ReplayResult result = run->finish(complete);
  result.reader_bytes = trace->memory_bytes();
  return result;
}

}  // namespace

std::unique_ptr<FastRun> make_fast_run(const ReplayConfig& config, TraceTraits traits,
                                       NextAccessView next_access) {
  if (info(config.policy).offline && !next_access.known()) {
    throw ConfigError("policy " + purecache::detail::quoted(to_string(config.policy)) +
                      " needs each request's next access, known only once the whole trace is in "
                      "memory; a streamed replay cannot run it");
  }
  // Counting entries, Belady needs no key lookups: a cached key is known by its next access.
  if (config.policy == BackendKind::belady && config.core.max_weight == 0) {
    return std::make_unique<FastRunOf<BeladyCountCore>>(config, traits, next_access);
  }
  // Trace keys arrive interned as 0, 1, 2, ...: the cores index them by array, not by hash.
  return with_core_type<KeyId, ReplayValue, DenseIdHash>(
      config.policy, [&]<class Core>(std::type_identity<Core>) -> std::unique_ptr<FastRun> {
        return std::make_unique<FastRunOf<Core>>(config, traits, next_access);
      });
}

ReplayResult replay_fast(TraceReader& reader, const ReplayConfig& config) {
  if (info(config.policy).offline) return replay_offline(reader, config);
  // kFastReadAhead spare requests past the batch for the prefetch hints: what they hold is a
  // key of an earlier batch (or 0), valid and harmless to prefetch.
  std::array<Request, kReplayBatch + kFastReadAhead> batch{};
  const auto run =
      make_fast_run(config, {.timestamps = reader.has_timestamps(), .ttls = reader.has_ttls()});
  bool complete = true;
  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      complete = false;
      break;
    }
    const std::size_t n = reader.read(std::span(batch).first(kReplayBatch));
    if (n == 0) break;
    run->consume(std::span(batch).first(n));
    if (config.on_batch) config.on_batch(reader);
  }
  ReplayResult result = run->finish(complete);
  result.reader_bytes = reader.memory_bytes();
  return result;
}

ReplayResult replay_fast(const LoadedTrace& trace, const ReplayConfig& config,
                         std::span<const std::uint64_t> next_access) {
  const TraceFacts& facts = trace.facts();
  const std::span<const Request> requests = trace.requests();
  std::vector<std::uint64_t> own_next_access;
  if (info(config.policy).offline && next_access.empty()) {
    own_next_access = next_access_positions(requests, facts.distinct_keys);
    next_access = own_next_access;
  }
  const auto run = make_fast_run(
      config, {.timestamps = facts.has_timestamps, .ttls = facts.has_ttls}, next_access);
  bool complete = trace.complete();
  for (std::size_t at = 0; at < requests.size(); at += kReplayBatch) {
    if (stop_requested(config)) [[unlikely]] {
      complete = false;
      break;
    }
    // The trace's own next requests, or its kReadAhead zero requests, follow each batch.
    run->consume(requests.subspan(at, std::min(kReplayBatch, requests.size() - at)));
  }
  ReplayResult result = run->finish(complete);
  result.reader_bytes = trace.memory_bytes();
  return result;
}

}  // namespace purecache::sim::detail
