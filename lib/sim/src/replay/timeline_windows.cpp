#include "replay/timeline_windows.hpp"

#include <string>

#include "purecache/error.hpp"

namespace purecache::sim::detail {

void TimelineWindows::too_many_rows() const {
  const std::string window = window_.requests != 0 ? std::to_string(window_.requests)
                                                   : seconds_text(window_.time.count()) + "s";
  purecache::detail::throw_config_error(
      "timeline-window", purecache::detail::quoted(window),
      "must give at most " + std::to_string(row_limit_) + " rows on this trace");
}

}  // namespace purecache::sim::detail
