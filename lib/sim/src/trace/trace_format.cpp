#include "purecache/sim/trace/trace_format.hpp"

#include <cstddef>
#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

TraceFormat parse_trace_format(std::string_view word) {
  for (std::size_t i = 0; i < kTraceFormatNames.size(); ++i) {
    if (kTraceFormatNames[i] == word) {
      return static_cast<TraceFormat>(i);
    }
  }
  std::string expected = "must be one of ";
  for (std::size_t i = 0; i < kTraceFormatNames.size(); ++i) {
    expected.append(i == 0 ? "" : ", ").append(kTraceFormatNames[i]);
  }
  std::string quoted;
  quoted.reserve(word.size() + 2);
  quoted.append(1, '\'').append(word).append(1, '\'');
  purecache::detail::throw_config_error("format", quoted, expected);
}

std::string_view to_string(TraceFormat format) noexcept {
  const auto index = static_cast<std::size_t>(format);
  return index < kTraceFormatNames.size() ? kTraceFormatNames[index] : std::string_view("?");
}

}  // namespace purecache::sim
