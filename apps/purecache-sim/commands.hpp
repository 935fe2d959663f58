#pragma once
/// The two things purecache-sim does, once the command line is parsed.

#include "cli.hpp"

namespace purecache::sim {

/// Replays a trace and writes the JSON report. Throws purecache::Error for bad input.
void run_replay(const SimConfig& config, const CliStreams& streams);

/// Writes a synthetic trace. Throws purecache::Error for bad input.
void run_gen(const GenConfig& config, const CliStreams& streams);

}  // namespace purecache::sim
