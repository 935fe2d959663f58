#pragma once
/// The things purecache-sim does, once the command line is parsed.

#include "cli.hpp"

namespace purecache::sim {

/// Replays a trace and writes the JSON report, a partial one when streams.stop_signal stops the
/// replay. Throws OutputError when the report cannot be written, purecache::Error for bad input.
void run_replay(const SimConfig& config, const CliStreams& streams);

/// Writes a synthetic trace, or nothing when streams.stop_signal stops it. Throws OutputError
/// when the file cannot be written, purecache::Error for bad input.
void run_gen(const GenConfig& config, const CliStreams& streams);

/// Writes the LRU miss-ratio curve of a trace, or nothing when streams.stop_signal stops it.
/// Throws OutputError when the curve cannot be written, purecache::Error for bad input.
void run_mrc(const MrcCommandConfig& config, const CliStreams& streams);

}  // namespace purecache::sim
