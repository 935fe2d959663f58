#include "trace_scan.hpp"

#include <span>
#include <vector>

#include "command_checks.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_hash.hpp"

namespace purecache::sim {

ScannedTrace scan_trace(const TraceSource& source, const TraceOptions& options,
                        const CliStreams& streams) {
  TraceReader reader(source, options);
  std::vector<Request> batch(4096);
  TraceHash hash;
  while (const std::size_t n = reader.read(batch)) {
    hash.update(std::span(batch).first(n));
    if (stop_requested(streams)) break;
  }
  ScannedTrace scanned{.facts = TraceFacts::of(reader),
                       .numeric_keys = every_key_is_a_number(reader)};
  scanned.facts.hash = hash.hex();
  return scanned;
}

ReportContext trace_report_context(const TraceFacts& facts, std::uint64_t capacity,
                                   bool by_bytes, double rate) {
  return ReportContext{.trace_path = facts.path,
                       .trace_format = facts.format,
                       .trace_compressed = facts.compressed,
                       .trace_requests = facts.requests,
                       .distinct_keys = facts.distinct_keys,
                       .trace_bytes = facts.bytes,
                       .trace_hash = facts.hash,
                       .sizes_known = facts.has_sizes,
                       .capacity = by_bytes ? std::nullopt : std::optional(capacity),
                       .capacity_bytes = by_bytes ? std::optional(capacity) : std::nullopt,
                       .synthetic_rate = facts.has_timestamps ? 0.0 : rate,
                       .skipped_records = facts.skipped,
                       .error_locations = facts.error_locations,
                       .ignored_records = facts.ignored};
}

}  // namespace purecache::sim
