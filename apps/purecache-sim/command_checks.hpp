#pragma once
/// Checks of a subcommand's options against its trace, with the same words in every subcommand.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// Refuses an --output that names the trace, through a symlink or a hard link too, or that is
/// the file redirected to stdin for `--trace -`: the output would destroy the trace it describes.
/// An output that does not exist yet cannot be the trace. Throws ConfigError
/// "--output FILE is the trace TRACE: the report would overwrite it".
void check_output_is_not_trace(const std::string& output, const std::string& trace);

/// Refuses an --output that is one of `inputs` (by name, or the same file through a link): the
/// command reading them would overwrite one. Throws ConfigError
/// "--output FILE is the input INPUT: the `what` would overwrite it". Empty output: stdout.
void check_output_is_no_input(const std::string& output, const std::vector<std::string>& inputs,
                              std::string_view what);

/// Throws ConfigError "warmup must be below the trace's N requests, got 'W'" unless
/// warmup < requests.
void check_warmup(std::uint64_t warmup, std::uint64_t requests);

/// "trace has no requests", and which records were dropped: all skipped suggests a wrong format.
[[nodiscard]] std::string no_requests_reason(const TraceReader& reader);
[[nodiscard]] std::string no_requests_reason(const TraceFacts& facts);

/// True once a SIGINT or SIGTERM handler has asked the command to stop (streams.stop_signal).
[[nodiscard]] bool stop_requested(const CliStreams& streams) noexcept;

/// True when every key `reader` has interned so far is a number (TraceReader::key_number): the
/// library's u64 keys fit the trace. O(distinct keys).
[[nodiscard]] bool every_key_is_a_number(const TraceReader& reader) noexcept;

/// A byte capacity weighs objects by the trace's sizes: throws ConfigError when it has none,
/// "WHAT weighs objects by their sizes, and PATH (FORMAT) has none: give a trace with sizes, or
/// INSTEAD in entries".
void check_sizes_for_bytes(bool has_sizes, const std::string& path, TraceFormat format,
                           std::string_view what = "--capacity-bytes",
                           std::string_view instead = "--capacity");

}  // namespace purecache::sim
