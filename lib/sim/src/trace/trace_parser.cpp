#include "trace/trace_parser.hpp"

#include <utility>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"

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

void TraceParser::reject_long_line(std::uint64_t position) {
  reject(position, "line longer than " + std::to_string(input_.capacity()) + " bytes");
}

void TraceParser::reject_field_count(std::uint64_t position, std::size_t expected,
                                     std::size_t got) {
  reject(position, "expected " + std::to_string(expected) + " fields, got " + std::to_string(got));
}

}  // namespace purecache::sim::detail
