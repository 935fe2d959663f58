// purecache-sim contention: one trace, policy and capacity replayed through the library engine on
// every combination of threads, clients, shards and hand-off modes; one report line per cell.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "command_checks.hpp"
#include "commands.hpp"
#include "lock_sampling.hpp"
#include "output_writer.hpp"
#include "progress_bar.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/parameters_in_effect.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/concurrency_config.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"
#include "repeated_runs.hpp"
#include "replay_options.hpp"
#include "trace_options.hpp"
#include "trace_scan.hpp"

namespace purecache::sim {

namespace {

constexpr std::string_view kWhat = "the contention study";

/// "1,2,4": whole numbers from 1 to `max`, each listed once, in the order given. Throws
/// ConfigError naming --`option`.
std::vector<std::uint64_t> parse_counts(std::string_view option, std::string_view text,
                                        std::uint64_t max) {
  if (text.empty()) bad_value(option, text, "must list at least one number, like 1,2,4");
  std::vector<std::uint64_t> counts;
  for (const std::string& item : split_list(text)) {
    std::uint64_t value = 0;
    const char* end = item.data() + item.size();
    const auto [ptr, ec] = std::from_chars(item.data(), end, value);
    if (item.empty() || ptr != end || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
      bad_value(option, item, "must be whole numbers, comma-separated, like 1,2,4");
    }
    if (ec == std::errc::result_out_of_range || value > max) {
      bad_value(option, item, "must be at most " + std::to_string(max));
    }
    if (value == 0) bad_value(option, item, "must be >= 1");
    if (std::find(counts.begin(), counts.end(), value) != counts.end()) {
      bad_value(option, item, "is listed twice");
    }
    counts.push_back(value);
  }
  return counts;
}

/// --hand-off "inline,scheduled": each mode once.
std::vector<HandOff> parse_hand_offs(std::string_view text) {
  std::vector<HandOff> modes;
  for (const std::string& item : split_list(text)) {
    const HandOff mode = parse_hand_off(item);
    if (std::find(modes.begin(), modes.end(), mode) != modes.end()) {
      bad_value("hand-off", item, "is listed twice");
    }
    modes.push_back(mode);
  }
  return modes;
}

/// "1, 2 and 4".
std::string listed(const std::vector<std::uint64_t>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += i + 1 == values.size() ? " and " : ", ";
    text += std::to_string(values[i]);
  }
  return text;
}

/// The grid as given, for the report: every cell's line carries it.
nlohmann::ordered_json grid_json(const std::vector<ConcurrencyConfig>& cells, std::size_t index,
                                 const std::vector<std::uint64_t>& threads,
                                 const std::vector<std::uint64_t>& clients,
                                 const std::vector<std::uint64_t>& shards,
                                 const std::vector<HandOff>& hand_offs) {
  auto modes = nlohmann::ordered_json::array();
  for (const HandOff mode : hand_offs)
    modes.push_back(to_string(mode));
  return {{"index", index},
          {"cells", cells.size()},
          {"threads", threads},
          {"clients", clients},
          {"shards", shards},
          {"hand_offs", modes},
          {"partition", to_string(cells.front().partition)}};
}

void print_summary(std::ostream& err, const std::vector<ConcurrencyConfig>& cells,
                   const std::vector<std::optional<ReplayResult>>& results, unsigned cores,
                   double seconds) {
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %8s %7s %8s %10s %12s %12s %11s\n", "hand-off", "clients",
                "shards", "threads", "hit ratio", "Mrequests/s", "p99 wait ns", "contended");
  err << line;
  std::size_t written = 0;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!results[i]) continue;
    ++written;
    const ConcurrencyConfig& cell = cells[i];
    const ReplayResult& r = *results[i];
    const double hit_ratio =
        r.gets == 0 ? 0.0 : static_cast<double>(r.hits) / static_cast<double>(r.gets);
    const double per_second =
        r.wall_seconds > 0 ? static_cast<double>(r.requests) / r.wall_seconds / 1e6 : 0.0;
    std::snprintf(line, sizeof line, "%-10s %8u %7zu %8u %10.4f %12.3f %12llu %11.4f\n",
                  std::string(to_string(cell.hand_off)).c_str(), cell.clients, cell.shards,
                  cell.threads, hit_ratio, per_second,
                  static_cast<unsigned long long>(r.lock_wait ? r.lock_wait->p99_ns : 0),
                  r.contended_share);
    err << line;
  }
  std::snprintf(line, sizeof line, "%zu of %zu cells, %u hardware threads, %.2f s\n", written,
                cells.size(), cores, seconds);
  err << line;
}

}  // namespace

void run_contention(const ContentionConfig& config, const CliStreams& streams) {
  const SimConfig& base = config.replay;
  if (base.trace.empty()) throw ConfigError("--trace is required (see --help)");
  const BackendKind policy = parse_backend_kind(base.policy);
  require_online(policy);
  if (!info(policy).bounded) {
    throw ConfigError("policy " + purecache::detail::quoted(base.policy) +
                      " is unbounded: a contention study needs a capacity to split over shards");
  }
  const std::vector<std::uint64_t> threads =
      parse_counts("threads", config.threads, kMaxReplayThreads);
  const std::vector<std::uint64_t> clients =
      parse_counts("clients", config.clients, kMaxReplayClients);
  const std::vector<std::uint64_t> shards =
      parse_counts("shards", config.shards, std::numeric_limits<std::uint32_t>::max());
  const std::vector<HandOff> hand_offs = parse_hand_offs(config.hand_offs);
  const ClientPartition partition = parse_client_partition(base.partition);
  const TraceOptions options = make_trace_options(base.format, base.csv_columns, base.on_error);
  const bool by_bytes = base.capacity_bytes.has_value();
  const CapacitySpec capacity_spec =
      by_bytes ? parse_capacity_bytes(*base.capacity_bytes) : parse_capacity(base.capacity);
  if (base.key_type != "auto" && base.key_type != "u64" && base.key_type != "string") {
    bad_value("key-type", base.key_type, "must be auto, u64 or string");
  }
  // Computed apart: a throwing initializer inside the aggregate trips GCC 12's
  // -Wmaybe-uninitialized at -O3 on the config's strings.
  const Duration step = synthetic_step(base.rate);
  ReplayConfig prototype{.policy = policy,
                         .engine = ReplayEngine::library,
                         .demand_fill = !base.no_fill,
                         .warmup = base.warmup,
                         .synthetic_step = step,
                         .stop_signal = streams.stop_signal};
  if (streams.on_contention_batch) {
    prototype.on_batch = [&streams](const TraceReader&) { streams.on_contention_batch(); };
  }
  if (base.ttl_seconds) prototype.core.ttl = ttl_duration(*base.ttl_seconds);
  prototype.core.parameters = parameters_for(policy, base.policy_params, {policy});
  const std::string parameters = parameters_in_effect(policy, prototype.core);

  // The grid, hand-off outermost and threads innermost (a plotted line is consecutive lines),
  // every cell checked before the first runs.
  std::vector<ConcurrencyConfig> cells;
  for (const HandOff hand_off : hand_offs) {
    for (const std::uint64_t c : clients) {
      for (const std::uint64_t s : shards) {
        for (const std::uint64_t t : threads) {
          cells.push_back({.threads = static_cast<std::uint32_t>(t),
                           .clients = static_cast<std::uint32_t>(c),
                           .partition = partition,
                           .shards = static_cast<std::size_t>(s),
                           .hand_off = hand_off});
          ReplayConfig checked = prototype;
          checked.concurrency = cells.back();
          check_replay_config(checked);
        }
      }
    }
  }
  if (!base.output.empty()) {
    check_output_is_not_trace(base.output, base.trace);
    check_writable(base.output, kWhat, false);
  }

  const auto started = std::chrono::steady_clock::now();
  // Opened once (a pipe is kept in memory); each run reads it with its own reader, as a threaded
  // replay loads the trace into its clients' lists before it starts timing.
  const TraceSource source(base.trace);
  if (by_bytes) {
    const TraceReader probe(source, options);
    check_sizes_for_bytes(probe.has_sizes(), base.trace, probe.format());
  }
  const ScannedTrace scanned = scan_trace(source, options, streams);
  if (stop_requested(streams)) return;
  const TraceFacts& facts = scanned.facts;
  if (facts.requests == 0) throw TraceError(base.trace, no_requests_reason(facts));
  if (base.key_type == "u64" && !scanned.numeric_keys) {
    throw ConfigError(purecache::detail::escaped(base.trace) +
                      ": not every key is a number below 10^19; use --key-type string");
  }
  prototype.key_type = base.key_type == "string" || !scanned.numeric_keys ? ReplayKeyType::string
                                                                         : ReplayKeyType::u64;
  // Shards split a byte budget as they split entries (shard_config), so one bound serves both.
  const std::uint64_t capacity =
      capacity_spec.resolve(by_bytes ? facts.distinct_bytes : facts.distinct_keys);
  if (by_bytes) {
    prototype.core.max_weight = capacity;
  } else {
    prototype.core.capacity = static_cast<std::size_t>(capacity);
  }
  const std::uint64_t most_shards = *std::max_element(shards.begin(), shards.end());
  if (most_shards > capacity) {
    bad_value("shards", std::to_string(most_shards),
              "must be at most the capacity, " + std::to_string(capacity) +
                  (by_bytes ? " bytes" : " entries") + " (every shard holds one at least)");
  }
  prototype.lock_sample_every =
      base.lock_sample.value_or(default_lock_sample(facts.bytes, facts.format));

  // Warned once everything is checked, just before the first cell runs.
  const unsigned cores = std::thread::hardware_concurrency();
  std::vector<std::uint64_t> oversubscribed;
  std::copy_if(threads.begin(), threads.end(), std::back_inserter(oversubscribed),
               [&](std::uint64_t t) { return cores != 0 && t > cores; });
  if (!oversubscribed.empty()) {
    streams.err << "purecache-sim: warning: --threads " << listed(oversubscribed)
                << (oversubscribed.size() == 1 ? " exceeds" : " exceed") << " this machine's "
                << cores
                << " hardware threads: those cells measure oversubscription (threads taking turns "
                   "on fewer cores), not parallelism\n";
  }

  // --repeat K: the whole grid K times over, so that a change in the machine's load touches every
  // cell alike; a cell's runs are folded at the end.
  std::optional<ProgressBar> progress;
  if (!base.no_progress && streams.err_is_terminal) progress.emplace(streams.err);
  std::vector<std::vector<ReplayResult>> runs(cells.size());
  std::uint64_t requests_done = 0;
  std::size_t runs_done = 0;
  bool stopped = false;
  for (std::uint32_t pass = 0; pass < base.repeat && !stopped; ++pass) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      ReplayConfig cell_config = prototype;
      cell_config.concurrency = cells[i];
      TraceReader reader(source, options);
      ReplayResult result = replay(reader, cell_config);
      if (!result.complete) {
        stopped = true;  // a cut-short run is dropped; the cells' finished runs are kept
        break;
      }
      requests_done += result.requests;
      runs[i].push_back(std::move(result));
      if (progress) progress->update(++runs_done, cells.size() * base.repeat, requests_done);
    }
  }
  if (progress) progress->finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<std::optional<ReplayResult>> results(cells.size());
  std::string lines;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (runs[i].empty()) continue;
    RepeatedRuns folded = fold_repeated_runs(std::move(runs[i]));
    ReportContext context = trace_report_context(facts, capacity, by_bytes, base.rate);
    context.policy = policy;
    context.capacity_spec = by_bytes ? *base.capacity_bytes : base.capacity;
    context.policy_parameters = parameters;
    context.demand_fill = !base.no_fill;
    context.warmup = base.warmup;
    context.peak_rss_bytes = peak_rss_bytes();
    if (folded.wall_seconds.size() > 1) context.run_wall_seconds = folded.wall_seconds;
    nlohmann::ordered_json report = make_report(context, folded.result);
    report["machine"] = {{"hardware_concurrency", cores}};
    report["contention"] = grid_json(cells, i, threads, clients, shards, hand_offs);
    lines += report.dump();
    lines += '\n';
    results[i] = std::move(folded.result);
  }
  if (!lines.empty()) write_output(base.output, lines, streams, kWhat);
  print_summary(streams.err, cells, results, cores, seconds);
}

}  // namespace purecache::sim
