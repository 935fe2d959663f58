// purecache-sim mrc: the LRU miss-ratio curve of a trace in one pass (docs/mrc.md).

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_checks.hpp"
#include "commands.hpp"
#include "progress_bar.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/mrc/miss_ratio_curve.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/spatial_sampler.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/version.hpp"
#include "replay_options.hpp"
#include "report_output.hpp"
#include "trace_options.hpp"

namespace purecache::sim {

namespace {

std::vector<CapacitySpec> parse_capacities(std::string_view text) {
  std::vector<CapacitySpec> specs;
  for (const std::string& item : split_list(text)) specs.push_back(parse_capacity(item, "capacities"));
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

nlohmann::ordered_json make_curve_report(const MrcCommandConfig& config, const TraceReader& reader,
                                         const MrcProfile& profile,
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
  report["policy"] = {{"name", "lru"}};
  const std::optional<double> rate = profile.sample_rate();
  report["method"] = rate ? "shards" : "exact";
  report["sample_rate"] = rate ? ordered_json(*rate) : ordered_json(nullptr);
  report["replay"] = {{"demand_fill", true}, {"warmup_requests", profile.warmup_requests}};
  report["gets"] = profile.gets;
  report["sampled_gets"] = rate ? ordered_json(profile.sampled_gets) : ordered_json(nullptr);
  ordered_json rows = ordered_json::array();
  for (const MrcPoint& point : points) {
    rows.push_back({{"capacity", point.capacity},
                    {"hits", point.hits},
                    {"misses", point.misses},
                    {"miss_ratio", point.miss_ratio},
                    {"hit_ratio", point.hit_ratio}});
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
  const std::vector<CapacitySpec> specs =
      config.capacities.empty() ? std::vector<CapacitySpec>{} : parse_capacities(config.capacities);
  const TraceOptions options =
      make_trace_options(config.format, config.csv_columns, config.on_error);
  if (!config.output.empty()) {
    check_output_is_not_trace(config.output, config.trace);
    // Fail before a long pass, not after; but create nothing.
    check_writable(config.output, "the report", false);
  }

  TraceReader reader(config.trace, options);
  std::optional<ProgressBar> progress;
  MrcConfig run_config = mrc_config;
  if (!config.no_progress && streams.err_is_terminal) {
    progress.emplace(streams.err);
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
  write_report(make_curve_report(config, reader, profile, mrc_points(profile, capacities)),
               config.output, false, streams);
}

}  // namespace purecache::sim
