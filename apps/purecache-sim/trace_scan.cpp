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

}  // namespace purecache::sim
