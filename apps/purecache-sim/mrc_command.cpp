// purecache-sim mrc: the LRU miss-ratio curve of a trace in one pass (docs/mrc.md).

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_checks.hpp"
#include "commands.hpp"
#include "progress_bar.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/mrc/byte_miss_ratio_curve.hpp"
#include "purecache/sim/mrc/miss_ratio_curve.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/spatial_sampler.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"
#include "purecache/version.hpp"
#include "replay_options.hpp"
#include "report_output.hpp"
#include "trace_options.hpp"

namespace purecache::sim {

namespace {

std::vector<CapacitySpec> parse_capacities(std::string_view text) {
  std::vector<CapacitySpec> specs;
  for (const std::string& item : split_list(text))
    specs.push_back(parse_capacity(item, "capacities"));
  return specs;
}

/// The capacities to evaluate, ascending and without repeats, once the distinct keys are known.
std::vector<std::uint64_t> resolve_capacities(const MrcCommandConfig& config,
                                              const std::vector<CapacitySpec>& specs,
                                              std::uint64_t distinct_keys) {
  if (specs.empty()) return log_spaced_capacities(config.points, distinct_keys);
  std::vector<std::uint64_t> capacities;
  for (const CapacitySpec& spec : specs)
    capacities.push_back(spec.resolve(distinct_keys));
  std::sort(capacities.begin(), capacities.end());
  capacities.erase(std::unique(capacities.begin(), capacities.end()), capacities.end());
  return capacities;
}

/// What the report says beyond the points: the pass's figures, in either unit.
struct CurveFacts {
  std::uint64_t requests = 0;
  std::uint64_t warmup_requests = 0;
  std::uint64_t gets = 0;
  std::optional<std::uint64_t> sampled_gets{};  // SHARDS only
  std::optional<double> sample_rate{};          // SHARDS only
  std::string trace_hash;
  double wall_seconds = 0;
  bool complete = true;
  bool bytes = false;                // capacities in bytes
  std::uint64_t largest_object = 0;  // bytes only
  std::uint64_t deletes = 0;         // bytes only
  std::uint64_t size_changes = 0;    // bytes only
};

nlohmann::ordered_json make_curve_report(const MrcCommandConfig& config, const TraceReader& reader,
                                         const CurveFacts& profile,
                                         const std::vector<MrcPoint>& points) {
  using nlohmann::ordered_json;
  ordered_json report;
  report["schema_version"] = kReportSchemaVersion;
  report["tool"] = {{"name", "purecache-sim"}, {"version", std::string(version())}};
  report["kind"] = "mrc";
  report["trace"] = {{"path", purecache::detail::escaped(config.trace)},
                     {"format", to_string(reader.format())},
                     {"compressed", reader.compressed()},
                     {"requests", profile.requests},
                     {"distinct_keys", reader.distinct_keys()},
                     {"bytes", reader.total_bytes()},
                     {"hash", profile.trace_hash}};
  if (profile.bytes) {
    report["trace"]["distinct_bytes"] = reader.distinct_bytes();
    report["trace"]["largest_object"] = profile.largest_object;
    report["trace"]["deletes"] = profile.deletes;
    report["trace"]["size_changes"] = profile.size_changes;
  }
  report["policy"] = {{"name", "lru"}};
  const std::optional<double> rate = profile.sample_rate;
  report["method"] = rate ? "shards" : "exact";
  report["sample_rate"] = rate ? ordered_json(*rate) : ordered_json(nullptr);
  report["replay"] = {{"demand_fill", true}, {"warmup_requests", profile.warmup_requests}};
  report["gets"] = profile.gets;
  report["sampled_gets"] =
      profile.sampled_gets ? ordered_json(*profile.sampled_gets) : ordered_json(nullptr);
  report["capacity_unit"] = profile.bytes ? "bytes" : "entries";
  ordered_json rows = ordered_json::array();
  for (const MrcPoint& point : points) {
    ordered_json row = {{"capacity", point.capacity},
                        {"hits", point.hits},
                        {"misses", point.misses},
                        {"miss_ratio", point.miss_ratio},
                        {"hit_ratio", point.hit_ratio}};
    if (profile.bytes) row["counted_by"] = point.replayed ? "replay" : "stack_distances";
    rows.push_back(std::move(row));
  }
  report["points"] = std::move(rows);
  report["throughput"] = {
      {"wall_seconds", profile.wall_seconds},
      {"requests_per_second", profile.wall_seconds > 0
                                  ? static_cast<double>(profile.requests) / profile.wall_seconds
                                  : 0.0}};
  report["complete"] = profile.complete;
  return report;
}

/// What a first pass finds that byte capacities need before the profile: the distinct objects'
/// bytes (for P%) and the largest object (where --points start).
struct ByteCounts {
  std::uint64_t distinct_bytes = 0;
  std::uint64_t largest = 0;
};

ByteCounts count_bytes(const TraceSource& source, const TraceOptions& options,
                       const CliStreams& streams) {
  TraceReader reader(source, options);
  std::vector<Request> batch(4096);
  ByteCounts counts;
  while (!stop_requested(streams)) {
    const std::size_t n = reader.read(batch);
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      if (batch[i].op != Op::erase)
        counts.largest = std::max<std::uint64_t>(counts.largest, batch[i].size);
    }
  }
  counts.distinct_bytes = reader.distinct_bytes();
  return counts;
}

/// The byte curve: one pass of byte stack distances, and a byte-mode LRU replay with the fast
/// engine at each capacity where that pass is not exact (docs/mrc.md#bytes).
void run_byte_mrc(const MrcCommandConfig& config, const CliStreams& streams,
                  const TraceOptions& options, std::optional<ProgressBar>& progress) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<CapacitySpec> specs;
  if (!config.capacity_bytes.empty()) {
    for (const std::string& item : split_list(config.capacity_bytes))
      specs.push_back(parse_capacity_bytes(item, "capacity-bytes"));
  }
  TraceSource source(config.trace);
  {
    const TraceReader probe(source, options);
    check_sizes_for_bytes(probe.has_sizes(), config.trace, probe.format(), "a byte curve",
                          "--capacities");
  }
  const bool needs_counts =
      specs.empty() || std::any_of(specs.begin(), specs.end(),
                                   [](const CapacitySpec& spec) { return spec.is_percent; });
  ByteCounts counts;
  if (needs_counts) {
    counts = count_bytes(source, options, streams);
    if (stop_requested(streams)) return;
  }
  std::vector<std::uint64_t> capacities;
  if (specs.empty()) {
    capacities = log_spaced_between(config.points, std::min(counts.largest, counts.distinct_bytes),
                                    counts.distinct_bytes);
  } else {
    for (const CapacitySpec& spec : specs)
      capacities.push_back(spec.resolve(counts.distinct_bytes));
  }

  TraceReader reader(source, options);
  MrcConfig run_config{.warmup = config.warmup, .stop_signal = streams.stop_signal};
  if (progress) {
    run_config.on_batch = [&](const TraceReader& r) {
      progress->update(r.bytes_consumed(), r.total_bytes(), r.requests_read());
    };
  }
  ByteMrcProfile profile;
  try {
    profile = profile_byte_mrc(reader, run_config, capacities);
  } catch (...) {
    if (progress) progress->finish();
    throw;
  }
  if (progress) progress->finish();
  if (!profile.complete) return;
  if (profile.requests == 0) throw TraceError(config.trace, no_requests_reason(reader));
  check_warmup(config.warmup, profile.requests);

  bool stopped = false;
  const auto replay_at = [&](std::uint64_t capacity) {
    TraceReader replay_reader(source, options);
    const ReplayResult r = replay(replay_reader, {.policy = BackendKind::lru,
                                                  .engine = ReplayEngine::fast,
                                                  .core = {.max_weight = capacity},
                                                  .demand_fill = true,
                                                  .warmup = config.warmup,
                                                  .stop_signal = streams.stop_signal});
    if (!r.complete) stopped = true;
    MrcPoint point{.capacity = capacity, .hits = r.hits, .misses = r.misses};
    if (r.gets != 0) {
      point.miss_ratio = static_cast<double>(r.misses) / static_cast<double>(r.gets);
      point.hit_ratio = static_cast<double>(r.hits) / static_cast<double>(r.gets);
    }
    return point;
  };
  const std::vector<MrcPoint> points = byte_mrc_points(profile, replay_at);
  if (stopped) return;  // a stopped replay's counts are partial: nothing is written
  const CurveFacts facts{
      .requests = profile.requests,
      .warmup_requests = profile.warmup_requests,
      .gets = profile.gets,
      .trace_hash = profile.trace_hash,
      // Every pass: the counting pass, the profile and the replays.
      .wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
      .complete = profile.complete,
      .bytes = true,
      .largest_object = profile.largest_size,
      .deletes = profile.deletes,
      .size_changes = profile.size_changes};
  write_report(make_curve_report(config, reader, facts, points), config.output, false, streams);
}

}  // namespace

void run_mrc(const MrcCommandConfig& config, const CliStreams& streams) {
  if (config.policy != "lru") {
    purecache::detail::throw_config_error("mrc policy", purecache::detail::quoted(config.policy),
                                          "must be lru (the curve is LRU's stack distances)");
  }
  const MrcConfig mrc_config{.demand_fill = !config.no_fill,
                             .warmup = config.warmup,
                             .sample_rate = config.sample_rate,
                             .stop_signal = streams.stop_signal};
  if (config.no_fill) {
    throw ConfigError(
        "--no-fill has no one-pass miss-ratio curve: without demand fill a get moves its "
        "key only in the cache sizes where it hits (replay each size instead)");
  }
  if (config.sample_rate) (void)SpatialSampler(*config.sample_rate);  // checks the rate
  const bool bytes = config.bytes || !config.capacity_bytes.empty();
  if (bytes && config.sample_rate) {
    throw ConfigError(
        "--sample-rate estimates curves in entries; a byte curve (--capacity-bytes, --bytes) "
        "is exact and takes no sample");
  }
  const std::vector<CapacitySpec> specs =
      config.capacities.empty() ? std::vector<CapacitySpec>{} : parse_capacities(config.capacities);
  const TraceOptions options =
      make_trace_options(config.format, config.csv_columns, config.on_error);
  if (!config.output.empty()) {
    check_output_is_not_trace(config.output, config.trace);
    // Fail before a long pass, not after; but create nothing.
    check_writable(config.output, "the report", false);
  }

  std::optional<ProgressBar> progress;
  if (!config.no_progress && streams.err_is_terminal) progress.emplace(streams.err);
  if (bytes) {
    run_byte_mrc(config, streams, options, progress);
    return;
  }
  TraceReader reader(config.trace, options);
  MrcConfig run_config = mrc_config;
  if (progress) {
    run_config.on_batch = [&](const TraceReader& r) {
      progress->update(r.bytes_consumed(), r.total_bytes(), r.requests_read());
    };
  }
  MrcProfile profile;
  try {
    profile = profile_mrc(reader, run_config);
  } catch (...) {
    if (progress) progress->finish();
    throw;
  }
  if (progress) progress->finish();
  // Stopped: a partial curve would look like a whole one, so nothing is written (exit 130/143).
  if (!profile.complete) return;
  if (profile.requests == 0) throw TraceError(config.trace, no_requests_reason(reader));
  check_warmup(config.warmup, profile.requests);

  const std::vector<std::uint64_t> capacities =
      resolve_capacities(config, specs, reader.distinct_keys());
  const CurveFacts facts{
      .requests = profile.requests,
      .warmup_requests = profile.warmup_requests,
      .gets = profile.gets,
      .sampled_gets = profile.sample_threshold ? std::optional(profile.sampled_gets) : std::nullopt,
      .sample_rate = profile.sample_rate(),
      .trace_hash = profile.trace_hash,
      .wall_seconds = profile.wall_seconds,
      .complete = profile.complete};
  write_report(make_curve_report(config, reader, facts, mrc_points(profile, capacities)),
               config.output, false, streams);
}

}  // namespace purecache::sim
