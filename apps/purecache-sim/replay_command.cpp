#include <array>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_checks.hpp"
#include "commands.hpp"
#include "lock_sampling.hpp"
#include "option_limits.hpp"
#include "progress_bar.hpp"
#include "repeated_runs.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/parameters_in_effect.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/output/output_error.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"
#include "replay_options.hpp"
#include "report_output.hpp"
#include "trace_options.hpp"

namespace purecache::sim {

namespace {

/// Checks the warm-up against an uncompressed oracleGeneral file's record count, its size / 24,
/// before any pass over it. Records of size 0 count here and are dropped later, so a warm-up
/// that passes may still fail once the replay has counted the requests.
void check_warmup_before_reading(const SimConfig& config, const TraceSource& source,
                                 const TraceOptions& options) {
  constexpr std::uint64_t kOracleRecordBytes = 24;
  if (config.warmup == 0 || !source.regular_file()) return;
  const TraceReader probe(source, options);
  const std::uint64_t records = probe.total_bytes() / kOracleRecordBytes;
  if (probe.format() == TraceFormat::oracle_general && !probe.compressed() && records > 0) {
    check_warmup(config.warmup, records);
  }
}

/// What a first pass over the trace counts.
struct TraceCounts {
  std::uint64_t distinct_keys = 0;
  std::uint64_t distinct_bytes = 0;
  std::uint64_t requests = 0;
};

/// Counts the distinct keys with a first pass, for percentage capacities. Stopped early, it
/// returns the keys seen so far; the replay then stops before its first batch.
TraceCounts count_distinct_keys(const TraceSource& source, const TraceOptions& options,
                                const CliStreams& streams) {
  TraceReader reader(source, options);
  std::vector<Request> batch(4096);
  while (!stop_requested(streams) && reader.read(batch) != 0) {
  }
  return {.distinct_keys = reader.distinct_keys(),
          .distinct_bytes = reader.distinct_bytes(),
          .requests = reader.requests_read()};
}

/// The library engine's key type for --key-type auto: u64 when the keys are numbers. oracleGeneral
/// ids always are; for other formats the first batch decides (a later key that is not a number
/// makes run_replay start over with string keys, or fail on input that cannot be read twice).
ReplayKeyType detect_key_type(const TraceSource& source, const TraceOptions& options) {
  TraceReader probe(source, options);
  if (probe.format() == TraceFormat::oracle_general) return ReplayKeyType::u64;
  std::vector<Request> batch(4096);
  const std::size_t n = probe.read(batch);
  for (std::size_t i = 0; i < n; ++i) {
    if (!probe.key_number(batch[i].key)) return ReplayKeyType::string;
  }
  return ReplayKeyType::u64;
}

ReplayKeyType parse_key_type(const SimConfig& config, ReplayEngine engine,
                             const TraceSource& source, const TraceOptions& options) {
  if (engine == ReplayEngine::fast) {
    if (config.key_type != "auto") {
      throw ConfigError("--key-type is for the library engine; --engine fast uses interned ids");
    }
    return ReplayKeyType::interned;
  }
  if (config.key_type == "u64") return ReplayKeyType::u64;
  if (config.key_type == "string") return ReplayKeyType::string;
  if (config.key_type != "auto") bad_value("key-type", config.key_type, "must be auto, u64 or string");
  return detect_key_type(source, options);
}

/// --threads, --clients, --partition, --shards and --hand-off, checked before the trace is read.
ConcurrencyConfig concurrency_options(const SimConfig& config, ReplayEngine engine) {
  const ConcurrencyConfig concurrency{.threads = config.threads,
                                      .clients = config.clients,
                                      .partition = parse_client_partition(config.partition),
                                      .shards = static_cast<std::size_t>(config.shards),
                                      .hand_off = parse_hand_off(config.hand_off)};
  if (engine == ReplayEngine::fast && (concurrency.threads != 0 || concurrency.clients != 1 ||
                                       concurrency.shards != 1 || config.partition != "round_robin" ||
                                       concurrency.hand_off != HandOff::inline_resume)) {
    throw ConfigError(
        "--threads, --clients, --partition, --shards and --hand-off are for the library engine; "
        "--engine fast replays the bare core on one thread");
  }
  return concurrency;
}

}  // namespace

void run_replay(const SimConfig& config, const CliStreams& streams) {
  const BackendKind policy = parse_backend_kind(config.policy);
  const BackendKindInfo& kind = info(policy);
  const ReplayEngine engine = parse_replay_engine(config.engine);
  if (engine == ReplayEngine::fast && config.lock_sample) {
    throw ConfigError("--lock-sample is for the library engine; --engine fast times no lock");
  }
  if (engine == ReplayEngine::library) require_online(policy);
  const ConcurrencyConfig concurrency = concurrency_options(config, engine);
  const TraceOptions options =
      make_trace_options(config.format, config.csv_columns, config.on_error);
  const bool by_bytes = config.capacity_bytes.has_value();
  const CapacitySpec capacity_spec =
      by_bytes ? parse_capacity_bytes(*config.capacity_bytes) : parse_capacity(config.capacity);
  const Duration step = synthetic_step(config.rate);
  if (config.lock_sample == 0u) bad_value("lock-sample", "0", "must be >= 1");
  const TimelineWindow timeline =
      config.timeline_window ? parse_timeline_window(*config.timeline_window) : TimelineWindow{};
  if (config.repeat > 1 && timeline.enabled()) {
    throw ConfigError("--timeline-window describes one run; give it without --repeat");
  }

  ReplayConfig replay_config{.policy = policy,
                             .engine = engine,
                             .demand_fill = !config.no_fill,
                             .warmup = config.warmup,
                             .synthetic_step = step,
                             .timeline = timeline,
                             .concurrency = concurrency};
  if (kind.expiring) {
    if (!config.ttl_seconds) {
      throw ConfigError("policy '" + config.policy +
                        "' needs --ttl SECONDS, the TTL of requests without their own");
    }
    replay_config.core.ttl = ttl_duration(*config.ttl_seconds);
  }
  replay_config.core.parameters = parameters_for(policy, config.policy_params, {policy});
  check_replay_config(replay_config);
  // Refuse bad knobs now, not after a first pass over the trace.
  const std::string parameters = parameters_in_effect(policy, replay_config.core);

  if (!config.output.empty()) {
    check_output_is_not_trace(config.output, config.trace);
    // Fail before a long replay, not after, if the report cannot be written; but create
    // nothing: a run that ends without a report must leave no file behind.
    check_writable(config.output, "the report", config.jsonl);
  }

  // Opened once: a pipe or stdin is read once, and kept in memory only for a second pass.
  TraceSource source(config.trace);
  check_warmup_before_reading(config, source, options);
  if (by_bytes && kind.bounded) {
    const TraceReader probe(source, options);
    check_sizes_for_bytes(probe.has_sizes(), config.trace, probe.format());
  }
  std::optional<std::uint64_t> capacity;
  if (kind.bounded) {
    if (capacity_spec.is_percent) {
      const TraceCounts counts = count_distinct_keys(source, options, streams);
      // The request count is known now: refuse a too long warm-up before the replay.
      if (counts.requests > 0 && !stop_requested(streams)) {
        check_warmup(config.warmup, counts.requests);
      }
      capacity = capacity_spec.resolve(by_bytes ? counts.distinct_bytes : counts.distinct_keys);
    } else {
      capacity = capacity_spec.entries;
    }
    if (by_bytes) {
      replay_config.core.max_weight = *capacity;
    } else {
      replay_config.core.capacity = static_cast<std::size_t>(*capacity);
    }
  }

  replay_config.key_type = parse_key_type(config, engine, source, options);
  // A regular file costs nothing to keep: the replay may have to start over with string keys.
  const bool can_restart = source.regular_file() && config.key_type == "auto";
  const std::unique_ptr<const TraceSource> restart_source =
      can_restart ? std::make_unique<const TraceSource>(source) : nullptr;
  // Each repeat reads the trace again: a pipe's bytes stay in memory for them.
  const std::unique_ptr<const TraceSource> repeat_source =
      config.repeat > 1 ? std::make_unique<const TraceSource>(source) : nullptr;
  // The report's trace.hash, from the batches the replay reads anyway.
  TraceOptions hashed = options;
  hashed.hash_content = true;
  std::optional<TraceReader> reader_storage(std::in_place, std::move(source), hashed);
  replay_config.lock_sample_every = config.lock_sample.value_or(
      default_lock_sample(reader_storage->total_bytes(), reader_storage->format()));
  replay_config.stop_signal = streams.stop_signal;
  replay_config.offline_memory_limit = static_cast<std::size_t>(half_of_ram());
  std::optional<ProgressBar> progress;
  const auto replay_with_progress = [&](TraceReader& r) {
    if (!config.no_progress && streams.err_is_terminal) {
      progress.emplace(streams.err);
      replay_config.on_batch = [&](const TraceReader& batch_reader) {
        progress->update(batch_reader.bytes_consumed(), batch_reader.total_bytes(),
                         batch_reader.requests_read());
      };
    }
    try {
      ReplayResult replayed = replay(r, replay_config);
      if (progress) progress->finish();
      return replayed;
    } catch (...) {
      if (progress) progress->finish();
      throw;
    }
  };
  ReplayResult result;
  try {
    result = replay_with_progress(*reader_storage);
  } catch (const NonNumericKeyError&) {
    if (!restart_source) throw;
    replay_config.key_type = ReplayKeyType::string;
    reader_storage.emplace(*restart_source, hashed);
    result = replay_with_progress(*reader_storage);
  }
  TraceReader& reader = *reader_storage;
  std::vector<double> run_wall_seconds;
  if (repeat_source && result.complete) {
    std::vector<ReplayResult> runs{std::move(result)};
    while (runs.size() < config.repeat && runs.back().complete) {
      TraceReader again(*repeat_source, options);
      runs.push_back(replay_with_progress(again));
    }
    if (runs.back().complete) {
      RepeatedRuns folded = fold_repeated_runs(std::move(runs));
      result = std::move(folded.result);
      run_wall_seconds = std::move(folded.wall_seconds);
    } else {
      result = std::move(runs.back());  // stopped: what the cut-short run counted, as without
    }
  }

  // A replay stopped before its first request has nothing to report; one stopped later reports
  // what it did, however little.
  if (!result.complete && reader.requests_read() == 0) return;
  if (reader.requests_read() == 0) {
    throw TraceError(config.trace, no_requests_reason(reader));
  }
  if (result.complete) check_warmup(config.warmup, reader.requests_read());

  const ReportContext context{
      .trace_path = config.trace,
      .trace_format = reader.format(),
      .trace_compressed = reader.compressed(),
      .trace_requests = reader.requests_read(),
      .distinct_keys = reader.distinct_keys(),
      .trace_bytes = reader.total_bytes(),
      .trace_hash = reader.content_hash(),
      .sizes_known = reader.has_sizes(),
      .policy = policy,
      .capacity = by_bytes ? std::nullopt : capacity,
      .capacity_bytes = by_bytes ? capacity : std::nullopt,
      .capacity_spec = by_bytes ? *config.capacity_bytes : config.capacity,
      .policy_parameters = parameters,
      .ttl_seconds = kind.expiring ? config.ttl_seconds : std::nullopt,
      .demand_fill = !config.no_fill,
      .warmup = config.warmup,
      .synthetic_rate = reader.has_timestamps() ? 0.0 : config.rate,
      .skipped_records = reader.skipped(),
      .error_locations = reader.error_locations(),
      .ignored_records = reader.ignored(),
      .peak_rss_bytes = peak_rss_bytes(),
      .run_wall_seconds = std::move(run_wall_seconds),
  };
  write_report(make_report(context, result), config.output, config.jsonl, streams);
}

}  // namespace purecache::sim
