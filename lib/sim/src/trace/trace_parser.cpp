#include "trace/trace_parser.hpp"

#include <utility>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "trace/field_parsing.hpp"

namespace purecache::sim::detail {

TraceParser::TraceParser(std::string path, const TraceOptions& options, InputBuffer input,
                         TraceFormat format, bool binary)
    : path_(std::move(path)),
      input_(std::move(input)),
      max_keys_(options.max_keys),
      format_(format),
      binary_(binary),
      skip_errors_(options.skip_errors),
      max_error_locations_(options.max_error_locations) {}

void TraceParser::fail(std::uint64_t position, std::string reason) const {
  throw TraceError(path_, position, binary_, std::move(reason));
}

void TraceParser::reject(std::uint64_t position, std::string reason) {
  if (position <= note_up_to_) {
    reason.append(note_);
  }
  TraceError error(path_, position, binary_, std::move(reason));
  if (!skip_errors_) {
    throw error;
  }
  ++skipped_;
  if (error_locations_.size() < max_error_locations_) {
    error_locations_.emplace_back(error.what());
  }
}

void TraceParser::reject_value(std::uint64_t position, std::string_view name,
                               std::string_view value) {
  reject(position, "invalid " + std::string(name) + " " + purecache::detail::quoted(value));
}

void TraceParser::reject_seconds(std::uint64_t position, std::string_view name,
                                 std::string_view value, std::int64_t max_nanos) {
  if (!is_decimal_number(value)) {
    reject_value(position, name, value);
    return;
  }
  std::string fraction = std::to_string(max_nanos % kNanosPerSecond);
  fraction.insert(0, 9 - fraction.size(), '0');
  reject(position, std::string(name) + " " + purecache::detail::quoted(value) + " exceeds " +
                       std::to_string(max_nanos / kNanosPerSecond) + "." + fraction + " seconds");
}

std::string TraceParser::long_line_reason(const LineReader& lines) {
  return "line longer than " + std::to_string(lines.max_line_bytes()) + " bytes";
}

void TraceParser::reject_long_line(LineReader& lines, std::uint64_t position) {
  reject(position, long_line_reason(lines));
  if (!lines.skip_long_line(kMaxSkippedLineBytes)) {
    fail(position,
         "line longer than " + std::to_string(kMaxSkippedLineBytes) + " bytes, too long to skip");
  }
}

void TraceParser::reject_field_count(std::uint64_t position, std::size_t expected,
                                     std::size_t got) {
  reject(position, "expected " + std::to_string(expected) + " fields, got " + std::to_string(got));
}

}  // namespace purecache::sim::detail
