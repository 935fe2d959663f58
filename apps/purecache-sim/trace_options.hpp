#pragma once
/// The trace options every subcommand that reads a trace shares: --format, --csv-columns,
/// --on-error.

#include <string_view>

#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// TraceOptions from the options as typed. Throws ConfigError: "format must be one of ...",
/// "csv-columns entries must be field=column, got 'x'", "on-error must be fail or skip, got 'x'".
[[nodiscard]] TraceOptions make_trace_options(std::string_view format, std::string_view csv_columns,
                                              std::string_view on_error);

}  // namespace purecache::sim
