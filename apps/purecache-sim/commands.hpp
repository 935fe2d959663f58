#pragma once
/// The two things purecache-sim does, once the command line is parsed.

#include "cli.hpp"

namespace purecache::sim {

/// Replays a trace and writes the JSON report, a partial one when streams.stop_signal stops the
/// replay. Throws OutputError when the report cannot be written, purecache::Error for bad input.
void run_replay(const SimConfig& config, const CliStreams& streams);

/// Writes a synthetic trace, or nothing when streams.stop_signal stops it. Throws OutputError
/// when the file cannot be written, purecache::Error for bad input.
void run_gen(const GenConfig& config, const CliStreams& streams);

}  // namespace purecache::sim
