#include "purecache/sim/report/json_report.hpp"

#include <sys/resource.h>

#include <string>
#include <string_view>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/version.hpp"

namespace purecache::sim {

namespace {

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

/// Paths and --capacity are bytes, and nlohmann::json throws on bytes that are not UTF-8:
/// escaped losslessly, so the report is valid JSON whatever the bytes (docs/report-schema.md).
nlohmann::ordered_json text(std::string_view bytes) { return purecache::detail::escaped(bytes); }

/// The reader's messages are already escaped (their paths and quoted values), so they are
/// copied; a message from elsewhere that is not UTF-8 is escaped rather than thrown on.
nlohmann::ordered_json messages(const std::vector<std::string>& lines) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const std::string& line : lines) {
    array.push_back(purecache::detail::valid_utf8(line) ? line : purecache::detail::escaped(line));
  }
  return array;
}

nlohmann::ordered_json latency_summary(const LatencySummary& s, std::uint32_t sampled_every) {
  return {{"count", s.count},  {"sampled_every", sampled_every},
          {"mean", s.mean_ns}, {"p50", s.p50_ns},
          {"p90", s.p90_ns},   {"p99", s.p99_ns},
          {"p999", s.p999_ns}, {"max", s.max_ns}};
}

/// Seconds since the trace's epoch (or the synthetic clock's start).
double seconds(Timestamp time) { return static_cast<double>(time.count()) / 1e9; }

nlohmann::ordered_json timeline_json(const Timeline& timeline) {
  using nlohmann::ordered_json;
  ordered_json window = timeline.window.requests != 0
                            ? ordered_json{{"requests", timeline.window.requests}}
                            : ordered_json{{"seconds", seconds(timeline.window.time)}};
  ordered_json rows = ordered_json::array();
  for (const TimelineRow& row : timeline.rows) {
    rows.push_back({{"start_request", row.start_request},
                    {"end_request", row.end_request},
                    {"start_seconds", seconds(row.start_time)},
                    {"end_seconds", seconds(row.end_time)},
                    {"gets", row.gets},
                    {"hits", row.hits},
                    {"hit_ratio", row.gets == 0 ? ordered_json(nullptr)
                                                : ordered_json(ratio(row.hits, row.gets))},
                    {"evictions", row.evictions},
                    {"memory_bytes", row.memory_bytes},
                    {"lock_hold_p99_ns", row.lock_hold_p99_ns ? ordered_json(*row.lock_hold_p99_ns)
                                                              : ordered_json(nullptr)}});
  }
  return {{"window", window}, {"rows", rows}};
}

}  // namespace

nlohmann::ordered_json make_report(const ReportContext& context, const ReplayResult& result) {
  using nlohmann::ordered_json;
  ordered_json report;
  report["schema_version"] = kReportSchemaVersion;
  report["tool"] = {{"name", "purecache-sim"}, {"version", std::string(version())}};
  report["engine"] = to_string(result.engine);
  report["key_type"] = to_string(result.key_type);
  report["trace"] = {
      {"path", text(context.trace_path)},       {"format", to_string(context.trace_format)},
      {"compressed", context.trace_compressed}, {"requests", context.trace_requests},
      {"distinct_keys", context.distinct_keys}, {"bytes", context.trace_bytes}};
  if (!context.trace_hash.empty()) report["trace"]["hash"] = context.trace_hash;

  ordered_json policy{{"name", to_string(context.policy)}};
  policy["capacity"] = context.capacity ? ordered_json(*context.capacity) : ordered_json(nullptr);
  policy["capacity_bytes"] =
      context.capacity_bytes ? ordered_json(*context.capacity_bytes) : ordered_json(nullptr);
  policy["capacity_spec"] = text(context.capacity_spec);
  policy["parameters"] = context.policy_parameters;
  policy["ttl_seconds"] =
      context.ttl_seconds ? ordered_json(*context.ttl_seconds) : ordered_json(nullptr);
  report["policy"] = policy;
  report["replay"] = {
      {"demand_fill", context.demand_fill},
      {"warmup_requests", result.warmup_requests},
      {"clock", context.synthetic_rate > 0 ? "synthetic" : "trace"},
      {"synthetic_rate",
       context.synthetic_rate > 0 ? ordered_json(context.synthetic_rate) : ordered_json(nullptr)}};
  report["concurrency"] = {{"threads", result.concurrency.threads},
                           {"clients", result.concurrency.clients},
                           {"partition", to_string(result.concurrency.partition)},
                           {"shards", result.concurrency.shards},
                           {"hand_off", to_string(result.concurrency.hand_off)},
                           {"order", to_string(result.order)}};

  report["requests"] = result.requests;
  report["gets"] = result.gets;
  report["sets"] = result.sets;
  report["deletes"] = result.erases;
  report["fills"] = result.fills;
  report["hits"] = result.hits;
  report["misses"] = result.misses;
  report["hit_ratio"] = ratio(result.hits, result.gets);
  report["miss_ratio"] = ratio(result.misses, result.gets);
  report["byte_hit_ratio"] = context.sizes_known
                                 ? ordered_json(ratio(result.hit_bytes, result.get_bytes))
                                 : ordered_json(nullptr);
  report["bytes_missed"] = context.sizes_known ? ordered_json(result.get_bytes - result.hit_bytes)
                                               : ordered_json(nullptr);
  report["evictions"] = {{"capacity", result.evictions.capacity},
                         {"expired", result.evictions.expired}};

  const double per_entry = result.final_size == 0
                               ? 0.0
                               : static_cast<double>(result.memory.current_bytes) /
                                     static_cast<double>(result.final_size);
  // The library engine's figures are a real backend's; the fast engine's are the simulator's
  // bare core over interned ids, and named so that no one takes them for a backend's.
  const bool library = result.engine == ReplayEngine::library;
  ordered_json memory{{"scope", library ? "backend" : "simulator"}};
  memory[library ? "backend_bytes" : "simulator_bytes"] = result.memory.current_bytes;
  memory[library ? "backend_bytes_peak" : "simulator_bytes_peak"] = result.memory.peak_bytes;
  memory["index_bytes"] = result.memory.index_bytes;
  memory["entries"] = result.final_size;
  memory["bytes_per_entry"] = per_entry;
  memory["reader_bytes"] = result.reader_bytes;
  memory["peak_rss_bytes"] = context.peak_rss_bytes;
  report["memory"] = memory;
  report["lock_hold_ns"] = result.lock_hold
                               ? latency_summary(*result.lock_hold, result.lock_hold_sampled_every)
                               : ordered_json(nullptr);
  if (result.lock_wait) {
    ordered_json wait = latency_summary(*result.lock_wait, result.lock_hold_sampled_every);
    wait["contended_share"] = result.contended_share;
    report["lock_wait_ns"] = wait;
  } else {
    report["lock_wait_ns"] = nullptr;
  }
  const auto per_second = [&](double seconds) {
    return seconds > 0 ? static_cast<double>(context.trace_requests) / seconds : 0.0;
  };
  auto runs = ordered_json::array();
  for (const double seconds : context.run_wall_seconds) runs.push_back(per_second(seconds));
  if (runs.empty()) runs.push_back(per_second(result.wall_seconds));
  auto per_thread = ordered_json::array();
  for (const std::uint64_t requests : result.thread_requests) {
    per_thread.push_back(result.wall_seconds > 0
                             ? static_cast<double>(requests) / result.wall_seconds
                             : 0.0);
  }
  report["throughput"] = {{"wall_seconds", result.wall_seconds},
                          {"requests_per_second", per_second(result.wall_seconds)},
                          {"repeat", runs.size()},
                          {"runs_requests_per_second", runs},
                          {"load_seconds", result.load_seconds},
                          {"per_thread", per_thread}};
  // Absent, not null, without --timeline-window: reports without one stay as they were.
  if (result.timeline) report["timeline"] = timeline_json(*result.timeline);
  report["errors"] = {{"skipped", context.skipped_records},
                      {"first", messages(context.error_locations)},
                      {"ignored_records", context.ignored_records}};
  report["complete"] = result.complete;
  return report;
}

std::uint64_t peak_rss_bytes() noexcept {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace purecache::sim
