// purecache-sim compare: two sets of reports, run by run, against regression thresholds.

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output_writer.hpp"
#include "purecache/error.hpp"
#include "purecache/version.hpp"
#include "replay_options.hpp"
#include "report_files.hpp"

namespace purecache::sim {

namespace {

using nlohmann::ordered_json;

/// One threshold as given: off, an amount in the metric's unit, or a percentage of base.
struct Gate {
  bool on = false;
  bool exact = false;  // --exact: any change fails, better or worse
  bool percent = false;
  double max = 0;  // >= 0
  std::string text;

  /// The most the metric may worsen from `base`, in its unit.
  [[nodiscard]] double allowance(double base) const {
    return percent ? std::fabs(base) * max / 100 : max;
  }
};

/// "off", "N" or, when allowed, "P%"; N and P finite and >= 0.
Gate parse_gate(std::string_view option, std::string_view text, bool percent_allowed,
                std::string_view requirement) {
  if (text == "off") return {};
  Gate gate{.on = true, .text = std::string(text)};
  std::string_view number = text;
  if (!number.empty() && number.back() == '%') {
    if (!percent_allowed) bad_value(option, text, requirement);
    gate.percent = true;
    number.remove_suffix(1);
  }
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), gate.max);
  if (number.empty() || ec != std::errc{} || ptr != number.data() + number.size() ||
      !std::isfinite(gate.max) || gate.max < 0) {
    bad_value(option, text, requirement);
  }
  return gate;
}

struct Gates {
  Gate hit_ratio;        // absolute drop in ratio units
  Gate bytes_per_entry;  // increase
  Gate throughput;       // drop
  Gate p99_lock_hold;    // increase
  Gate exact;            // off, or any change in a deterministic figure
};

// Comparisons allow for the rounding of the reports' decimal numbers, far below any threshold.
constexpr double kRounding = 1e-12;

/// One metric of one run.
struct Row {
  std::string metric;  // as shown
  std::string key;     // in JSON
  std::optional<double> base;
  std::optional<double> next;
  const Gate* gate = nullptr;  // null: shown, not gated
  bool higher_is_better = true;
  bool failed = false;
  std::string unit;  // "", "bytes", "requests/s", "ns"
};

struct RunComparison {
  const ReportRun* base = nullptr;
  const ReportRun* next = nullptr;
  std::vector<Row> rows;
  bool failed = false;
};

/// report[a] or report[a][b] when it is a number. A field may be absent (a fast-engine report has
/// no backend bytes): find, since const operator[] on a missing key is undefined.
std::optional<double> number_at(const nlohmann::json& report, const char* a, const char* b = nullptr) {
  const auto outer = report.find(a);
  if (outer == report.end()) return std::nullopt;
  const nlohmann::json* at = &*outer;
  if (b != nullptr) {
    if (!at->is_object()) return std::nullopt;
    const auto inner = at->find(b);
    if (inner == at->end()) return std::nullopt;
    at = &*inner;
  }
  if (!at->is_number()) return std::nullopt;
  return at->get<double>();
}

/// Whether `next` is worse than `base` by more than `gate` allows.
bool fails(const Row& row) {
  if (row.gate == nullptr || !row.gate->on || !row.base || !row.next) return false;
  if (row.gate->exact) {
    return std::fabs(*row.next - *row.base) > kRounding * std::max(1.0, std::fabs(*row.base));
  }
  const double worse = row.higher_is_better ? *row.base - *row.next : *row.next - *row.base;
  const double allowed = row.gate->allowance(*row.base);
  return worse > allowed + kRounding * std::max(1.0, std::fabs(*row.base));
}

RunComparison compare_run(const ReportRun& base, const ReportRun& next, const Gates& gates) {
  RunComparison run{&base, &next, {}, false};
  const auto& b = base.report;
  const auto& n = next.report;
  const auto p99 = [](const nlohmann::json& r) {
    return r["lock_hold_ns"].is_object() ? number_at(r, "lock_hold_ns", "p99") : std::nullopt;
  };
  run.rows = {
      {"hit ratio", "hit_ratio", number_at(b, "hit_ratio"), number_at(n, "hit_ratio"),
       &gates.hit_ratio, true, false, ""},
      {"byte hit ratio", "byte_hit_ratio", number_at(b, "byte_hit_ratio"),
       number_at(n, "byte_hit_ratio"), nullptr, true, false, ""},
      {"misses", "misses", number_at(b, "misses"), number_at(n, "misses"), nullptr, false, false,
       ""},
      {"bytes per entry", "bytes_per_entry", number_at(b, "memory", "bytes_per_entry"),
       number_at(n, "memory", "bytes_per_entry"), &gates.bytes_per_entry, false, false, "bytes"},
      {"throughput", "requests_per_second", number_at(b, "throughput", "requests_per_second"),
       number_at(n, "throughput", "requests_per_second"), &gates.throughput, true, false,
       "requests/s"},
      {"p99 lock hold", "p99_lock_hold_ns", p99(b), p99(n), &gates.p99_lock_hold, false, false,
       "ns"},
  };
  if (gates.exact.on) {
    // Counts and memory are deterministic: a tool's own baselines pin them exactly.
    const auto evictions = [](const nlohmann::json& r) -> std::optional<double> {
      const auto capacity = number_at(r, "evictions", "capacity");
      const auto expired = number_at(r, "evictions", "expired");
      if (!capacity || !expired) return std::nullopt;
      return *capacity + *expired;
    };
    for (Row& row : run.rows) {
      if (row.key != "requests_per_second" && row.key != "p99_lock_hold_ns") row.gate = &gates.exact;
    }
    run.rows.push_back({"evictions", "evictions", evictions(b), evictions(n), &gates.exact, false,
                        false, ""});
    run.rows.push_back({"bytes missed", "bytes_missed", number_at(b, "bytes_missed"),
                        number_at(n, "bytes_missed"), &gates.exact, false, false, ""});
    run.rows.push_back({"backend bytes", "backend_bytes", number_at(b, "memory", "backend_bytes"),
                        number_at(n, "memory", "backend_bytes"), &gates.exact, false, false,
                        "bytes"});
  }
  for (Row& row : run.rows) {
    row.failed = fails(row);
    run.failed = run.failed || row.failed;
  }
  return run;
}

std::string format_value(const Row& row, const std::optional<double>& value) {
  if (!value) return "-";
  char text[64];
  if (row.key == "hit_ratio" || row.key == "byte_hit_ratio") {
    std::snprintf(text, sizeof text, "%.6f", *value);
  } else if (row.key == "bytes_per_entry") {
    std::snprintf(text, sizeof text, "%.2f", *value);
  } else if (row.key == "requests_per_second") {
    std::snprintf(text, sizeof text, "%.0f/s", *value);
  } else if (row.key == "p99_lock_hold_ns") {
    std::snprintf(text, sizeof text, "%.0f ns", *value);
  } else {
    std::snprintf(text, sizeof text, "%.0f", *value);
  }
  return text;
}

std::optional<double> relative(const Row& row) {
  if (!row.base || !row.next || *row.base == 0) return std::nullopt;
  return (*row.next - *row.base) / std::fabs(*row.base) * 100;
}

std::string format_delta(const Row& row) {
  if (!row.base || !row.next) return "-";
  char text[64];
  const double delta = *row.next - *row.base;
  if (row.key == "hit_ratio" || row.key == "byte_hit_ratio") {
    std::snprintf(text, sizeof text, "%+.6f", delta);
    return text;
  }
  std::string out;
  if (row.key == "bytes_per_entry") {
    std::snprintf(text, sizeof text, "%+.2f", delta);
  } else {
    std::snprintf(text, sizeof text, "%+.0f", delta);
  }
  out = text;
  if (const auto percent = relative(row)) {
    std::snprintf(text, sizeof text, " (%+.2f%%)", *percent);
    out += text;
  }
  return out;
}

std::string format_gate(const Row& row) {
  if (row.gate == nullptr) return "";
  if (!row.gate->on) return "not gated";
  if (!row.base || !row.next) return "n/a";
  if (row.gate->exact) return row.failed ? "FAIL: changed (--exact)" : "ok: unchanged";
  const std::string limit = std::string(row.higher_is_better ? "drop" : "increase") + " <= " +
                            row.gate->text + (row.gate->percent || row.unit.empty() ? "" : " " + row.unit);
  return (row.failed ? "FAIL: " : "ok: ") + limit;
}

/// What compare found, for every output form.
struct Outcome {
  std::vector<RunComparison> runs;
  std::vector<const ReportRun*> missing;  // in base, not in new
  std::vector<const ReportRun*> extra;    // in new, not in base
  std::vector<std::string> warnings;
  std::size_t regressions = 0;
  int code = kExitOk;
};

std::string where(const ReportRun& run) { return run.file + ":" + std::to_string(run.line); }

/// The run as people read it; with --match, the two sides may differ in configuration.
std::string title(const RunComparison& run) {
  if (run.base->identity == run.next->identity) return run.base->label;
  return run.base->label + " -> " + run.next->label;
}

std::string summary(const Outcome& outcome) {
  std::string text = std::to_string(outcome.runs.size()) + " runs compared, " +
                     std::to_string(outcome.regressions) + " regressed";
  if (!outcome.missing.empty() || !outcome.extra.empty()) {
    text += "; " + std::to_string(outcome.missing.size()) + " missing from NEW, " +
            std::to_string(outcome.extra.size()) + " not in BASE";
  }
  return text;
}

std::string table(const Outcome& outcome) {
  std::string out;
  char line[512];
  for (const RunComparison& run : outcome.runs) {
    out += title(run) + (run.failed ? "  REGRESSION" : "  ok") + "\n";
    std::snprintf(line, sizeof line, "  %-16s %16s %16s %22s  %s\n", "metric", "base", "new",
                  "delta", "gate");
    out += line;
    for (const Row& row : run.rows) {
      std::snprintf(line, sizeof line, "  %-16s %16s %16s %22s  %s\n", row.metric.c_str(),
                    format_value(row, row.base).c_str(), format_value(row, row.next).c_str(),
                    format_delta(row).c_str(), format_gate(row).c_str());
      out += line;
    }
  }
  for (const ReportRun* run : outcome.missing) {
    out += "missing from NEW: " + run->label + " (trace hash " +
           run->report["trace"]["hash"].get<std::string>() + "), " + where(*run) + "\n";
  }
  for (const ReportRun* run : outcome.extra) {
    out += "not in BASE: " + run->label + " (trace hash " +
           run->report["trace"]["hash"].get<std::string>() + "), " + where(*run) + "\n";
  }
  out += "compare: " + summary(outcome) + "\n";
  return out;
}

std::string markdown_cell(std::string text) {
  for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
    text.replace(at, 1, "\\|");
  }
  return text;
}

std::string markdown(const Outcome& outcome) {
  const char* verdict = outcome.code == kExitBadInput     ? "runs do not match up"
                        : outcome.code == kExitRegression ? "regression"
                                                          : "no regression";
  std::string out = "### purecache-sim compare: " + std::string(verdict) + "\n\n" +
                    summary(outcome) + ".\n\n";
  if (!outcome.runs.empty()) {
    out += "| run | metric | base | new | delta | gate |\n|---|---|---|---|---|---|\n";
    for (const RunComparison& run : outcome.runs) {
      for (const Row& row : run.rows) {
        std::string gate = format_gate(row);
        if (row.failed) gate = "**" + gate + "**";
        out += "| " + markdown_cell(title(run)) + " | " + row.metric + " | " +
               format_value(row, row.base) + " | " + format_value(row, row.next) + " | " +
               format_delta(row) + " | " + gate + " |\n";
      }
    }
  }
  const auto list = [&](const char* title, const std::vector<const ReportRun*>& runs) {
    if (runs.empty()) return;
    out += std::string("\n**") + title + "**\n\n";
    for (const ReportRun* run : runs) {
      out += "- " + markdown_cell(run->label) + " (`" + where(*run) + "`)\n";
    }
  };
  list("Missing from NEW (in BASE only)", outcome.missing);
  list("Not in BASE (in NEW only)", outcome.extra);
  if (!outcome.warnings.empty()) {
    out += "\n**Warnings**\n\n";
    for (const std::string& warning : outcome.warnings) out += "- " + warning + "\n";
  }
  return out;
}

ordered_json gate_json(const Gate& gate, const char* unit) {
  if (!gate.on) return nullptr;
  return {{"max", gate.max}, {"unit", gate.percent ? "percent" : unit}};
}

ordered_json run_json(const ReportRun& run) {
  return {{"label", run.label},
          {"file", run.file},
          {"line", run.line},
          {"identity", nlohmann::json::parse(run.identity)}};
}

std::string json_text(const Outcome& outcome, const Gates& gates, const CompareConfig& config) {
  ordered_json out;
  out["tool"] = {{"name", "purecache-sim"}, {"version", std::string(version())}};
  out["kind"] = "compare";
  out["base"] = config.base;
  out["new"] = config.next;
  out["verdict"] = outcome.code == kExitBadInput     ? "mismatch"
                   : outcome.code == kExitRegression ? "regression"
                                                     : "pass";
  out["exit_code"] = outcome.code;
  out["exact"] = gates.exact.on;
  out["match"] = config.match.empty() ? ordered_json("all") : ordered_json(config.match);
  out["gates"] = {{"hit_ratio_drop", gate_json(gates.hit_ratio, "ratio")},
                  {"bytes_per_entry_increase", gate_json(gates.bytes_per_entry, "bytes")},
                  {"throughput_drop", gate_json(gates.throughput, "requests_per_second")},
                  {"p99_lock_hold_increase", gate_json(gates.p99_lock_hold, "ns")}};
  auto runs = ordered_json::array();
  for (const RunComparison& run : outcome.runs) {
    ordered_json metrics = ordered_json::object();
    for (const Row& row : run.rows) {
      const auto value = [](const std::optional<double>& v) {
        return v ? ordered_json(*v) : ordered_json(nullptr);
      };
      metrics[row.key] = {
          {"base", value(row.base)},
          {"new", value(row.next)},
          {"delta", row.base && row.next ? ordered_json(*row.next - *row.base) : ordered_json(nullptr)},
          {"relative_percent", value(relative(row))},
          {"gated", row.gate != nullptr && row.gate->on && row.base && row.next},
          {"passed", !row.failed}};
    }
    ordered_json entry = run_json(*run.base);
    entry["new_file"] = run.next->file;
    entry["new_line"] = run.next->line;
    entry["regression"] = run.failed;
    entry["metrics"] = std::move(metrics);
    runs.push_back(std::move(entry));
  }
  out["runs"] = std::move(runs);
  auto listed = [](const std::vector<const ReportRun*>& list) {
    auto items = ordered_json::array();
    for (const ReportRun* run : list) items.push_back(run_json(*run));
    return items;
  };
  out["missing"] = listed(outcome.missing);
  out["extra"] = listed(outcome.extra);
  out["warnings"] = outcome.warnings;
  return out.dump(2) + "\n";
}

/// --match's words and the identity fields (report_files.cpp) each stands for.
struct MatchField {
  std::string_view word;
  std::vector<std::string_view> identity_keys;
};
const std::vector<MatchField>& match_fields() {
  static const std::vector<MatchField> fields{
      {"trace", {"trace_hash"}},           {"engine", {"engine"}},
      {"key_type", {"key_type"}},          {"policy", {"policy"}},
      {"parameters", {"parameters"}},      {"capacity", {"capacity", "capacity_bytes"}},
      {"ttl", {"ttl_seconds"}},            {"demand_fill", {"demand_fill"}},
      {"warmup", {"warmup_requests"}},     {"rate", {"synthetic_rate"}},
      {"sample_rate", {"sample_rate"}},     {"concurrency", {"concurrency"}}};
  return fields;
}

/// The identity keys that pair runs: every one, or those of --match's words.
std::vector<std::string_view> match_keys(const std::string& match) {
  std::vector<std::string_view> keys;
  if (match.empty()) {
    for (const MatchField& field : match_fields()) {
      keys.insert(keys.end(), field.identity_keys.begin(), field.identity_keys.end());
    }
    return keys;
  }
  std::string words;
  for (const MatchField& field : match_fields()) {
    words += (words.empty() ? "" : ",") + std::string(field.word);
  }
  std::string_view rest = match;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view word = rest.substr(0, comma);
    const auto field = std::find_if(match_fields().begin(), match_fields().end(),
                                    [&](const MatchField& f) { return f.word == word; });
    if (field == match_fields().end()) {
      bad_value("match", match, "must be a comma-separated list of " + words);
    }
    keys.insert(keys.end(), field->identity_keys.begin(), field->identity_keys.end());
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return keys;
}

/// The part of a run's identity that pairs it.
std::string match_key(const ReportRun& run, const std::vector<std::string_view>& keys) {
  const nlohmann::json identity = nlohmann::json::parse(run.identity);
  nlohmann::json key = nlohmann::json::object();
  for (const std::string_view name : keys) key[std::string(name)] = identity[std::string(name)];
  return key.dump();
}

/// Runs keyed by what pairs them; two reports with one key on one side are an input error.
std::map<std::string, const ReportRun*> by_match_key(const std::vector<ReportRun>& runs,
                                                     const std::vector<std::string_view>& keys,
                                                     bool partial) {
  std::map<std::string, const ReportRun*> map;
  for (const ReportRun& run : runs) {
    const auto [at, inserted] = map.emplace(match_key(run, keys), &run);
    if (!inserted) {
      throw ConfigError(purecache::detail::escaped(run.file) + ":" + std::to_string(run.line) +
                        ": the same run as " + purecache::detail::escaped(at->second->file) + ":" +
                        std::to_string(at->second->line) + " (" + run.label +
                        "); keep one report per run on each side" +
                        (partial ? ", or --match more fields" : ""));
    }
  }
  return map;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/// A speed gate on runs measured once: allowed, but said.
void warn_single_runs(const Gate& gate, const char* option, const char* what,
                      const std::vector<RunComparison>& runs, bool needs_lock,
                      std::vector<std::string>& warnings) {
  if (!gate.on) return;
  std::size_t single = 0;
  for (const RunComparison& run : runs) {
    if (needs_lock && !run.base->report["lock_hold_ns"].is_object()) continue;
    for (const ReportRun* side : {run.base, run.next}) {
      const auto& throughput = side->report["throughput"];
      if (!throughput.contains("repeat") || throughput["repeat"] == 1) {
        ++single;
        break;
      }
    }
  }
  if (single == 0) return;
  warnings.push_back(std::string(option) + " gates " + std::to_string(single) +
                     " runs measured once (throughput.repeat 1) on at least one side; one run's " +
                     what + " varies more than most thresholds: replay with --repeat 5 or more");
}

}  // namespace

int run_compare(const CompareConfig& config, const CliStreams& streams) {
  const Gates gates{
      .hit_ratio = parse_gate("max-hit-ratio-drop", config.max_hit_ratio_drop, false,
                              "must be off or an absolute drop in ratio units, like 0.001"),
      .bytes_per_entry =
          parse_gate("max-bytes-per-entry-increase", config.max_bytes_per_entry_increase, true,
                     "must be off, a percentage like 5% or a number of bytes"),
      .throughput = parse_gate("max-throughput-drop", config.max_throughput_drop, true,
                               "must be off, a percentage like 10% or requests per second"),
      .p99_lock_hold =
          parse_gate("max-p99-lock-hold-increase", config.max_p99_lock_hold_increase, true,
                     "must be off, a percentage like 20% or nanoseconds"),
      .exact = {.on = config.exact, .exact = true, .text = "0"},
  };
  const std::vector<std::string_view> keys = match_keys(config.match);
  if (config.format != "table" && config.format != "json" && config.format != "markdown") {
    bad_value("format", config.format, "must be table, json or markdown");
  }
  if (!config.output.empty()) {
    for (const std::string& input : {config.base, config.next}) {
      if (config.output == input || same_file(config.output, input)) {
        throw ConfigError("--output " + config.output + " is the input " + input +
                          ": the comparison would overwrite it");
      }
    }
  }
  const std::vector<ReportRun> base_runs = read_report_runs(config.base);
  const std::vector<ReportRun> next_runs = read_report_runs(config.next);
  const auto base_map = by_match_key(base_runs, keys, !config.match.empty());
  const auto next_map = by_match_key(next_runs, keys, !config.match.empty());

  Outcome outcome;
  for (const ReportRun& base : base_runs) {
    const auto match = next_map.find(match_key(base, keys));
    if (match == next_map.end()) {
      outcome.missing.push_back(&base);
      continue;
    }
    outcome.runs.push_back(compare_run(base, *match->second, gates));
    if (outcome.runs.back().failed) ++outcome.regressions;
  }
  for (const ReportRun& next : next_runs) {
    if (!base_map.contains(match_key(next, keys))) outcome.extra.push_back(&next);
  }
  warn_single_runs(gates.throughput, "--max-throughput-drop", "throughput", outcome.runs, false,
                   outcome.warnings);
  warn_single_runs(gates.p99_lock_hold, "--max-p99-lock-hold-increase", "lock-hold p99",
                   outcome.runs, true, outcome.warnings);
  outcome.code = !outcome.missing.empty() || !outcome.extra.empty() ? kExitBadInput
                 : outcome.regressions > 0                          ? kExitRegression
                                                                    : kExitOk;

  // The table always goes to stderr: a terminal shows it, and so does a CI job's log.
  const std::string shown = table(outcome);
  streams.err << shown;
  for (const std::string& warning : outcome.warnings) {
    streams.err << "purecache-sim: warning: " << warning << '\n';
  }
  streams.err.flush();
  if (config.format == "json") {
    write_output(config.output, json_text(outcome, gates, config), streams, "the comparison");
  } else if (config.format == "markdown") {
    write_output(config.output, markdown(outcome), streams, "the comparison");
  } else if (!config.output.empty()) {
    write_output(config.output, shown, streams, "the comparison");
  }
  if (outcome.code == kExitBadInput) {
    streams.err << "purecache-sim: error: the runs of " << config.base << " and " << config.next
                << " do not match up: " << outcome.missing.size() << " missing from NEW, "
                << outcome.extra.size() << " not in BASE (listed above)\n";
  }
  return outcome.code;
}

}  // namespace purecache::sim
