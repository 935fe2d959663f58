#include "trace_options.hpp"

#include <string>
#include <utility>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim {

namespace {

std::vector<std::pair<std::string, std::string>> parse_csv_columns(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> columns;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == item.size()) {
      purecache::detail::throw_config_error("csv-columns", purecache::detail::quoted(item),
                                            "entries must be field=column");
    }
    columns.emplace_back(std::string(item.substr(0, equals)), std::string(item.substr(equals + 1)));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return columns;
}

}  // namespace

TraceOptions make_trace_options(std::string_view format, std::string_view csv_columns,
                                std::string_view on_error) {
  TraceOptions options{.format = parse_trace_format(format),
                       .csv_columns = parse_csv_columns(csv_columns)};
  if (on_error == "skip") {
    options.skip_errors = true;
  } else if (on_error != "fail") {
    purecache::detail::throw_config_error("on-error", purecache::detail::quoted(on_error),
                                          "must be fail or skip");
  }
  return options;
}

}  // namespace purecache::sim
