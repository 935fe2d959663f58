#pragma once
/// Where a subcommand's JSON goes: stdout, or a file replaced atomically, or a line appended.

#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace purecache::sim {

/// Writes `report` to streams.out (indented when it is a terminal and !one_line) or, when `output`
/// is not empty, on one line to that file: appended when one_line, else through an AtomicFile.
/// Throws OutputError "cannot write the report to stdout: REASON" or the file's error.
void write_report(const nlohmann::ordered_json& report, const std::string& output, bool one_line,
                  const CliStreams& streams);

}  // namespace purecache::sim
