#include "report_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>

#include "purecache/error.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/trace_error.hpp"

namespace purecache::sim {

namespace {

using nlohmann::json;

[[noreturn]] void reject(const std::string& file, std::uint64_t line, const std::string& reason) {
  throw ConfigError(purecache::detail::escaped(file) + ":" + std::to_string(line) + ": " + reason);
}

/// The value at a dotted path, or null when a step is missing.
const json* find(const json& report, std::string_view path) {
  const json* at = &report;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string step(path.substr(0, dot));
    if (!at->is_object() || !at->contains(step)) return nullptr;
    at = &(*at)[step];
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return at;
}

struct FieldType {
  const char* name;
  std::function<bool(const json&)> fits;
};

const FieldType kString{"a string", [](const json& v) { return v.is_string(); }};
const FieldType kBool{"true or false", [](const json& v) { return v.is_boolean(); }};
const FieldType kCount{"a whole number", [](const json& v) { return v.is_number_unsigned(); }};
const FieldType kNumber{"a number", [](const json& v) { return v.is_number(); }};
const FieldType kCountOrNull{"a whole number or null",
                             [](const json& v) { return v.is_null() || v.is_number_unsigned(); }};
const FieldType kNumberOrNull{"a number or null",
                              [](const json& v) { return v.is_null() || v.is_number(); }};
const FieldType kObjectOrNull{"an object or null",
                              [](const json& v) { return v.is_null() || v.is_object(); }};

/// Checks that `report` is a complete replay report with every field compare reads.
void check_report(const std::string& file, std::uint64_t line, const json& report) {
  if (!report.is_object()) reject(file, line, "not a purecache-sim report (not a JSON object)");
  const json* tool = find(report, "tool.name");
  if (tool == nullptr || !tool->is_string() || *tool != "purecache-sim") {
    reject(file, line, "not a purecache-sim report (no tool.name \"purecache-sim\")");
  }
  const json* version = find(report, "schema_version");
  if (version == nullptr || !version->is_number_integer() || *version != kReportSchemaVersion) {
    reject(file, line,
           "schema_version " + (version == nullptr ? std::string("(none)") : version->dump()) +
               " is not supported (expected " + std::to_string(kReportSchemaVersion) + ")");
  }
  if (const json* kind = find(report, "kind"); kind != nullptr) {
    reject(file, line,
           "a purecache-sim " + (kind->is_string() ? kind->get<std::string>() : kind->dump()) +
               ", not a replay report");
  }
  const json* hash = find(report, "trace.hash");
  if (hash == nullptr) {
    reject(file, line,
           "no trace.hash: the report comes from an older purecache-sim; replay it "
           "again to compare it");
  }
  const std::vector<std::pair<const char*, const FieldType*>> fields{
      {"trace.hash", &kString},           {"trace.path", &kString},
      {"engine", &kString},               {"key_type", &kString},
      {"policy.name", &kString},          {"policy.capacity", &kCountOrNull},
      {"policy.capacity_bytes", &kCountOrNull}, {"policy.parameters", &kString},
      {"policy.ttl_seconds", &kNumberOrNull},   {"replay.demand_fill", &kBool},
      {"replay.warmup_requests", &kCount}, {"replay.synthetic_rate", &kNumberOrNull},
      {"gets", &kCount},                  {"hits", &kCount},
      {"misses", &kCount},                {"hit_ratio", &kNumber},
      {"byte_hit_ratio", &kNumberOrNull}, {"memory.bytes_per_entry", &kNumber},
      {"throughput.requests_per_second", &kNumber}, {"lock_hold_ns", &kObjectOrNull},
      {"complete", &kBool}};
  for (const auto& [path, type] : fields) {
    const json* value = find(report, path);
    if (value == nullptr || !type->fits(*value)) {
      reject(file, line, std::string("field ") + path + " is missing or not " + type->name);
    }
  }
  if (const json* repeat = find(report, "throughput.repeat");
      repeat != nullptr && !repeat->is_number_unsigned()) {
    reject(file, line, "field throughput.repeat is not a whole number");
  }
  if (const json& hold = report["lock_hold_ns"]; hold.is_object()) {
    if (!hold.contains("p99") || !hold["p99"].is_number_unsigned()) {
      reject(file, line, "field lock_hold_ns.p99 is missing or not a whole number");
    }
  }
  if (report["complete"] != true) {
    reject(file, line,
           "an incomplete run (\"complete\": false: stopped by a signal); compare whole runs");
  }
}

std::string number_text(const json& value) { return value.is_null() ? "null" : value.dump(); }

/// Identity and label of a checked report.
void name_run(ReportRun& run) {
  const json& r = run.report;
  const json* sample = find(r, "sweep.sample_rate");
  // Reports written before replays had threads were single-threaded, one client, one lock.
  const json* given = find(r, "concurrency");
  json concurrency = {{"threads", 0}, {"clients", 1}, {"partition", "round_robin"},
                      {"shards", 1},  {"hand_off", "inline"}};
  if (given != nullptr && given->is_object()) {
    for (auto& [key, value] : concurrency.items()) {
      if (given->contains(key)) value = (*given)[key];
    }
  }
  json identity = {
      {"trace_hash", r["trace"]["hash"]},
      {"engine", r["engine"]},
      {"key_type", r["key_type"]},
      {"policy", r["policy"]["name"]},
      {"parameters", r["policy"]["parameters"]},
      {"capacity", r["policy"]["capacity"]},
      {"capacity_bytes", r["policy"]["capacity_bytes"]},
      {"ttl_seconds", r["policy"]["ttl_seconds"]},
      {"demand_fill", r["replay"]["demand_fill"]},
      {"warmup_requests", r["replay"]["warmup_requests"]},
      {"synthetic_rate", r["replay"]["synthetic_rate"]},
      {"sample_rate", sample == nullptr ? json(nullptr) : *sample},
      {"concurrency", concurrency},
  };
  run.identity = identity.dump();
  std::string label = r["policy"]["name"].get<std::string>();
  if (const std::string parameters = r["policy"]["parameters"]; !parameters.empty()) {
    label += " (" + parameters + ")";
  }
  if (!r["policy"]["capacity"].is_null()) {
    label += " capacity " + number_text(r["policy"]["capacity"]);
  }
  if (!r["policy"]["capacity_bytes"].is_null()) {
    label += " capacity-bytes " + number_text(r["policy"]["capacity_bytes"]);
  }
  if (!r["policy"]["ttl_seconds"].is_null()) {
    label += " ttl " + number_text(r["policy"]["ttl_seconds"]);
  }
  if (r["replay"]["warmup_requests"] != 0) {
    label += " warmup " + number_text(r["replay"]["warmup_requests"]);
  }
  if (r["replay"]["demand_fill"] == false) label += " no-fill";
  if (sample != nullptr && !sample->is_null()) label += " sample " + number_text(*sample);
  if (concurrency["threads"] != 0) {
    label += " threads " + number_text(concurrency["threads"]) + " clients " +
             number_text(concurrency["clients"]);
    if (concurrency["partition"] != "round_robin") label += " partition key";
    if (concurrency["hand_off"] != "inline") label += " scheduled";
  }
  if (concurrency["shards"] != 1) label += " shards " + number_text(concurrency["shards"]);
  label += ", " + r["engine"].get<std::string>();
  if (r["engine"] == "library") label += " " + r["key_type"].get<std::string>() + " keys";
  label += ", " + r["trace"]["path"].get<std::string>();
  run.label = std::move(label);
}

std::uint64_t line_at_byte(std::string_view text, std::size_t byte) {
  byte = std::min(byte, text.size());
  return 1 + static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + byte, '\n'));
}

void read_file(const std::string& file, std::vector<ReportRun>& runs) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TraceError(file, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw TraceError(file, "cannot read");
  const std::string text = buffer.str();
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw TraceError(file, "has no reports");
  const std::uint64_t first_line = line_at_byte(text, first);
  const std::size_t count_before = runs.size();

  // One report, indented or not; else one report per line.
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    ReportRun run{file, first_line, std::move(whole), {}, {}};
    check_report(file, run.line, run.report);
    name_run(run);
    runs.push_back(std::move(run));
    return;
  }
  std::istringstream lines(text);
  std::string line_text;
  std::uint64_t line = 0;
  while (std::getline(lines, line_text)) {
    ++line;
    if (line_text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json report = json::parse(line_text, nullptr, false);
    if (report.is_discarded()) {
      // A line that is not a whole JSON value: a broken line of JSONL, or an indented report
      // broken further down, where the parser's position says which line.
      if (line == first_line) {
        try {
          [[maybe_unused]] const json again = json::parse(text);
        } catch (const json::parse_error& e) {
          if (line_at_byte(text, e.byte == 0 ? 0 : e.byte - 1) != first_line) {
            reject(file, line_at_byte(text, e.byte == 0 ? 0 : e.byte - 1), "not JSON");
          }
        }
      }
      reject(file, line, "not JSON");
    }
    ReportRun run{file, line, std::move(report), {}, {}};
    check_report(file, line, run.report);
    name_run(run);
    runs.push_back(std::move(run));
  }
  if (runs.size() == count_before) throw TraceError(file, "has no reports");
}

}  // namespace

std::vector<ReportRun> read_report_runs(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<ReportRun> runs;
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    read_file(path, runs);
    return runs;
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() && (extension == ".json" || extension == ".jsonl")) {
      files.push_back(entry.path().string());
    }
  }
  if (error) throw TraceError(path, "cannot read the directory: " + error.message());
  if (files.empty()) throw TraceError(path, "has no .json or .jsonl files");
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) read_file(file, runs);
  return runs;
}

}  // namespace purecache::sim
