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

/// Runs every policy x capacity of a sweep (or its shard) and writes one JSON line per run, a
/// summary on streams.err. Throws OutputError or purecache::Error as run_replay.
void run_sweep(const SweepConfig& config, const CliStreams& streams);

/// Finds, per policy, the smallest capacity that reaches the target hit ratio and measures the
/// memory a library backend of that size takes; writes one JSON object.
void run_plan(const PlanConfig& config, const CliStreams& streams);

/// Replays one trace through the library engine on every hand-off x clients x shards x threads
/// cell and writes one JSON report per line, a summary on streams.err; with a signal, the cells
/// finished so far. Throws OutputError or purecache::Error as run_replay.
void run_contention(const ContentionConfig& config, const CliStreams& streams);

/// Checks that JSONL files are the shards of one sweep, whole and without repeats, and writes
/// them as one. Throws ConfigError for inputs that do not fit together, OutputError as above.
void run_merge(const MergeConfig& config, const CliStreams& streams);

/// Writes the LRU miss-ratio curve of a trace, or nothing when streams.stop_signal stops it.
/// Throws OutputError when the curve cannot be written, purecache::Error for bad input.
void run_mrc(const MrcCommandConfig& config, const CliStreams& streams);

/// Compares two sets of reports run by run against the thresholds (docs/compare.md): the table
/// on streams.err, json or markdown on streams.out or the output file. Returns kExitOk, or
/// kExitRegression when a gated metric got worse beyond its threshold, or kExitBadInput when a
/// run of one side has no match in the other. Throws ConfigError or TraceError for inputs that
/// are not complete purecache-sim reports, OutputError as above.
[[nodiscard]] int run_compare(const CompareConfig& config, const CliStreams& streams);

}  // namespace purecache::sim
