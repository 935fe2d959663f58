// purecache-sim merge: the shards of one sweep, checked whole, as one JSONL.

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_checks.hpp"
#include "commands.hpp"
#include "output_writer.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/trace/trace_error.hpp"

namespace purecache::sim {

namespace {

/// Where a run came from, for messages.
struct RunLine {
  std::string file;
  std::uint64_t line = 0;
  nlohmann::ordered_json report;
};

[[noreturn]] void reject(const std::string& file, std::uint64_t line, const std::string& reason) {
  throw ConfigError(purecache::detail::escaped(file) + ":" + std::to_string(line) + ": " + reason);
}

/// "1, 4, 7" for the first few of `indices`, "and N more" after.
std::string listed(const std::vector<std::uint64_t>& indices) {
  constexpr std::size_t kShown = 10;
  std::string text;
  for (std::size_t i = 0; i < indices.size() && i < kShown; ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(indices[i]);
  }
  if (indices.size() > kShown) text += " and " + std::to_string(indices.size() - kShown) + " more";
  return text;
}

void read_runs(const std::string& file, std::vector<RunLine>& runs) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TraceError(file, "cannot open");
  std::string text;
  std::uint64_t line = 0;
  std::uint64_t lines_with_runs = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    nlohmann::ordered_json report;
    try {
      report = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::parse_error&) {
      reject(file, line, "not JSON");
    }
    const auto* sweep = report.is_object() && report.contains("sweep") ? &report["sweep"] : nullptr;
    if (!report.is_object() || !report.contains("tool") || !report["tool"].is_object() ||
        report["tool"].value("name", "") != "purecache-sim" || sweep == nullptr ||
        !sweep->is_object() || !(*sweep)["id"].is_string() ||
        !(*sweep)["index"].is_number_unsigned() || !(*sweep)["runs"].is_number_unsigned()) {
      reject(file, line, "not a run of purecache-sim sweep (no sweep.id, index and runs)");
    }
    runs.push_back({file, line, std::move(report)});
    ++lines_with_runs;
  }
  if (in.bad()) throw TraceError(file, "cannot read");
  if (lines_with_runs == 0) throw TraceError(file, "has no runs");
}

}  // namespace

void run_merge(const MergeConfig& config, const CliStreams& streams) {
  check_output_is_no_input(config.output, config.inputs, "merge");
  std::vector<RunLine> runs;
  for (const std::string& input : config.inputs) read_runs(input, runs);

  const RunLine& first = runs.front();
  const std::string id = first.report["sweep"]["id"];
  const std::uint64_t total = first.report["sweep"]["runs"];
  std::map<std::uint64_t, const RunLine*> by_index;
  for (const RunLine& run : runs) {
    const auto& sweep = run.report["sweep"];
    if (sweep["id"] != id) {
      reject(run.file, run.line,
             "comes from another sweep (id " + sweep["id"].get<std::string>() + ", not " + id +
                 " of " + first.file + "): a different trace or parameters");
    }
    const std::uint64_t index = sweep["index"];
    if (sweep["runs"] != total || index >= total) {
      reject(run.file, run.line, "run " + std::to_string(index) + " of " +
                                     sweep["runs"].dump() + " does not fit a sweep of " +
                                     std::to_string(total) + " runs");
    }
    const auto [at, inserted] = by_index.emplace(index, &run);
    if (!inserted) {
      reject(run.file, run.line,
             "run " + std::to_string(index) + " is also in " + at->second->file + ":" +
                 std::to_string(at->second->line));
    }
  }
  std::vector<std::uint64_t> missing;
  for (std::uint64_t index = 0; index < total; ++index) {
    if (!by_index.contains(index)) missing.push_back(index);
  }
  if (!missing.empty()) {
    throw ConfigError("sweep " + id + " has " + std::to_string(total) + " runs, " +
                      std::to_string(missing.size()) + " missing from the inputs: run " +
                      listed(missing) + " (a shard not given, or cut short)");
  }
  std::string lines;
  for (const auto& [index, run] : by_index) {
    nlohmann::ordered_json report = run->report;
    report["sweep"]["shard"] = {{"index", 1}, {"count", 1}};
    lines += report.dump();
    lines += '\n';
  }
  write_output(config.output, lines, streams, "the merged sweep");
}

}  // namespace purecache::sim
