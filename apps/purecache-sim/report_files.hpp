#pragma once
/// Replay reports read back from files: one report, JSONL (sweeps), or a directory of them, each
/// checked to be a complete purecache-sim replay report and named by its run's identity.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace purecache::sim {

/// One report and where it came from.
struct ReportRun {
  std::string file;
  std::uint64_t line = 0;  // from 1: the report's line, or a one-report file's first line
  nlohmann::json report;
  nlohmann::json identity;  // what makes two reports the same run (docs/compare.md): an object
  std::string label;     // the identity for people: "lru capacity 1000, fast, traces/zipf.txt"
};

/// The reports in `path`: a file holding one JSON report (on one line or indented) or one report
/// per line, or a directory, whose *.json and *.jsonl files are read in name order. Throws
/// ConfigError "FILE:LINE: reason" for a line that is not JSON or not a complete purecache-sim
/// replay report, and TraceError "PATH: reason" for a path that cannot be read or holds none.
[[nodiscard]] std::vector<ReportRun> read_report_runs(const std::string& path);

}  // namespace purecache::sim
