#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "lock_sampling.hpp"
#include "progress_bar.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

namespace {

/// "N" entries or "P%" of the distinct keys.
struct CapacitySpec {
  std::uint64_t entries = 0;  // when !percent
  double percent = 0;         // when percent
  bool is_percent = false;
};

[[noreturn]] void bad_value(std::string_view option, std::string_view value,
                            std::string_view requirement) {
  purecache::detail::throw_config_error(option, purecache::detail::quoted(value), requirement);
}

CapacitySpec parse_capacity(std::string_view text) {
  constexpr std::string_view kRequirement =
      "must be a positive number of entries or a percentage like 10%";
  CapacitySpec spec;
  const bool is_percent = !text.empty() && text.back() == '%';
  const std::string_view number = is_percent ? text.substr(0, text.size() - 1) : text;
  const char* end = number.data() + number.size();
  if (is_percent) {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.percent);
    if (ec != std::errc{} || ptr != end || !(spec.percent > 0) || spec.percent > 100) {
      bad_value("capacity", text, "percentage must be in (0, 100]");
    }
    spec.is_percent = true;
  } else {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.entries);
    if (ec != std::errc{} || ptr != end || number.empty())
      bad_value("capacity", text, kRequirement);
    if (spec.entries == 0) bad_value("capacity", text, "must be >= 1");
  }
  return spec;
}

std::vector<std::pair<std::string, std::string>> parse_csv_columns(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> columns;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == item.size()) {
      bad_value("csv-columns", item, "entries must be field=column");
    }
    columns.emplace_back(std::string(item.substr(0, equals)), std::string(item.substr(equals + 1)));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return columns;
}

Duration seconds_to_duration(double seconds) {
  return Duration{static_cast<std::int64_t>(std::llround(seconds * 1e9))};
}

TraceOptions trace_options(const SimConfig& config) {
  TraceOptions options{.format = parse_trace_format(config.format),
                       .csv_columns = parse_csv_columns(config.csv_columns)};
  if (config.on_error == "skip") {
    options.skip_errors = true;
  } else if (config.on_error != "fail") {
    bad_value("on-error", config.on_error, "must be fail or skip");
  }
  return options;
}

/// Counts the distinct keys with a first pass, for percentage capacities.
std::uint64_t count_distinct_keys(const std::string& path, const TraceOptions& options) {
  TraceReader reader(path, options);
  std::vector<Request> batch(4096);
  while (reader.read(batch) != 0) {
  }
  return reader.distinct_keys();
}

void write_report(const SimConfig& config, const CliStreams& streams,
                  const nlohmann::ordered_json& report) {
  if (config.output.empty()) {
    streams.out << (streams.out_is_terminal && !config.jsonl ? report.dump(2) : report.dump())
                << '\n';
    streams.out.flush();
    return;
  }
  std::ofstream file(config.output, config.jsonl ? std::ios::app : std::ios::trunc);
  file << report.dump() << '\n';
  file.close();
  if (!file) throw TraceError(config.output, "cannot write the report");
}

}  // namespace

void run_replay(const SimConfig& config, const CliStreams& streams) {
  const BackendKind policy = parse_backend_kind(config.policy);
  const BackendKindInfo& kind = info(policy);
  const TraceOptions options = trace_options(config);
  const CapacitySpec capacity_spec = parse_capacity(config.capacity);
  if (!(config.rate > 0) || !std::isfinite(config.rate))
    bad_value("rate", std::to_string(config.rate), "must be > 0");
  if (config.lock_sample == 0u) bad_value("lock-sample", "0", "must be >= 1");

  ReplayConfig replay_config{.policy = policy,
                             .demand_fill = !config.no_fill,
                             .warmup = config.warmup,
                             .synthetic_step = seconds_to_duration(1.0 / config.rate)};
  if (kind.expiring) {
    if (!config.ttl_seconds) {
      throw ConfigError("policy '" + config.policy +
                        "' needs --ttl SECONDS, the TTL of requests without their own");
    }
    if (!(*config.ttl_seconds > 0) || !std::isfinite(*config.ttl_seconds)) {
      bad_value("ttl", std::to_string(*config.ttl_seconds), "must be > 0 seconds");
    }
    replay_config.core.ttl = seconds_to_duration(*config.ttl_seconds);
  }

  if (!config.output.empty()) {
    // Fail before a long replay, not after, if the report cannot be written.
    std::ofstream probe(config.output, std::ios::app);
    if (!probe) throw TraceError(config.output, "cannot open for writing");
  }

  std::optional<std::uint64_t> capacity;
  if (kind.bounded) {
    if (capacity_spec.is_percent) {
      const std::uint64_t distinct = count_distinct_keys(config.trace, options);
      const auto share = static_cast<double>(distinct) * capacity_spec.percent / 100.0;
      capacity = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::floor(share + 1e-9)));
    } else {
      capacity = capacity_spec.entries;
    }
    replay_config.core.capacity = static_cast<std::size_t>(*capacity);
  }

  TraceReader reader(config.trace, options);
  replay_config.lock_sample_every =
      config.lock_sample.value_or(default_lock_sample(reader.total_bytes(), reader.format()));
  std::optional<ProgressBar> progress;
  if (!config.no_progress && streams.err_is_terminal) {
    progress.emplace(streams.err);
    replay_config.on_batch = [&](const TraceReader& r) {
      progress->update(r.bytes_consumed(), r.total_bytes(), r.requests_read());
    };
  }
  ReplayResult result;
  try {
    result = replay(reader, replay_config);
  } catch (...) {
    if (progress) progress->finish();
    throw;
  }
  if (progress) progress->finish();

  if (reader.requests_read() == 0) throw TraceError(config.trace, "trace has no requests");
  if (config.warmup >= reader.requests_read()) {
    bad_value("warmup", std::to_string(config.warmup),
              "must be below the trace's " + std::to_string(reader.requests_read()) + " requests");
  }

  const ReportContext context{
      .trace_path = config.trace,
      .trace_format = reader.format(),
      .trace_compressed = reader.compressed(),
      .trace_requests = reader.requests_read(),
      .distinct_keys = reader.distinct_keys(),
      .trace_bytes = reader.total_bytes(),
      .sizes_known = reader.has_sizes(),
      .policy = policy,
      .capacity = capacity,
      .capacity_spec = config.capacity,
      .ttl_seconds = kind.expiring ? config.ttl_seconds : std::nullopt,
      .demand_fill = !config.no_fill,
      .warmup = config.warmup,
      .synthetic_rate = reader.has_timestamps() ? 0.0 : config.rate,
      .skipped_records = reader.skipped(),
      .error_locations = reader.error_locations(),
      .ignored_records = reader.ignored(),
      .peak_rss_bytes = peak_rss_bytes(),
  };
  write_report(config, streams, make_report(context, result));
}

}  // namespace purecache::sim
