#pragma once
/// The simulator's JSON report (schema: docs/report-schema.md).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim {

/// Bumped whenever a field is renamed, removed or changes meaning; adding fields does not.
inline constexpr int kReportSchemaVersion = 2;

/// Everything the report states besides the replay's own counts.
struct ReportContext {
  std::string trace_path{};
  TraceFormat trace_format = TraceFormat::text;
  bool trace_compressed = false;
  std::uint64_t trace_requests = 0;  // every request read, warm-up included
  std::uint64_t distinct_keys = 0;
  std::uint64_t trace_bytes = 0;  // file size (compressed size for .zst)
  std::string trace_hash{};       // TraceHash of the requests read, 16 hex digits; "" none
  bool sizes_known = false;       // the trace carries object sizes
  BackendKind policy = BackendKind::lru;
  std::optional<std::uint64_t> capacity{};  // entries; empty for unbounded policies or bytes
  std::optional<std::uint64_t> capacity_bytes{};  // bytes, when bounded by bytes
  std::string capacity_spec{};              // as given: "1000", "10%", "64MiB"
  std::string policy_parameters{};          // the knobs in effect, "name=value,..."; "" none
  std::optional<double> ttl_seconds{};      // default TTL; empty for non-expiring policies
  bool demand_fill = true;
  std::uint64_t warmup = 0;
  double synthetic_rate = 0;          // requests per second of synthetic time; 0 if trace time
  std::uint64_t skipped_records = 0;  // --on-error skip
  std::vector<std::string> error_locations{};
  std::uint64_t ignored_records = 0;  // records the format drops (oracleGeneral size 0)
  std::uint64_t peak_rss_bytes = 0;
  /// --repeat: each run's wall seconds, in run order; empty: one run, ReplayResult's own.
  std::vector<double> run_wall_seconds{};
};

/// The report as JSON, fields in schema order.
[[nodiscard]] nlohmann::ordered_json make_report(const ReportContext& context,
                                                 const ReplayResult& result);

/// Peak resident set size of this process in bytes (getrusage), 0 if unavailable.
[[nodiscard]] std::uint64_t peak_rss_bytes() noexcept;

}  // namespace purecache::sim
