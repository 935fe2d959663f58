#pragma once
/// One pass over a trace that keeps nothing but what it learns, and the report fields those facts
/// fill: for the subcommands whose runs each read the trace again themselves (library-engine
/// sweeps, the contention study).

#include <cstdint>

#include "cli.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::sim {

/// The trace's facts, its hash included, and whether every key is a number (the library
/// engine's key type).
struct ScannedTrace {
  TraceFacts facts;
  bool numeric_keys = true;
};

/// Reads `source` to its end. Stops early once a signal asked (stop_requested(streams)): the
/// facts are then those of the part read, so the caller checks for the stop first. Throws what
/// TraceReader throws.
[[nodiscard]] ScannedTrace scan_trace(const TraceSource& source, const TraceOptions& options,
                                      const CliStreams& streams);

/// A report context holding what `facts` tell (path, format, counts, hash, records skipped or
/// ignored; `rate` when the trace has no times) and `capacity`, in bytes when `by_bytes`, else
/// in entries. The caller fills in the policy and the run's own settings.
[[nodiscard]] ReportContext trace_report_context(const TraceFacts& facts, std::uint64_t capacity,
                                                 bool by_bytes, double rate);

}  // namespace purecache::sim
