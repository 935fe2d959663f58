#include "purecache/error.hpp"

#include <utility>

namespace purecache {

namespace detail {
std::string quoted(std::string_view value) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "'";
  out.append(value.substr(0, kMaxShown));
  out.append(value.size() > kMaxShown ? "...'" : "'");
  return out;
}

void throw_config_error(std::string_view parameter, std::string_view value,
                        std::string_view requirement) {
  std::string message;
  message.append(parameter).append(" ").append(requirement).append(", got ").append(value);
  throw ConfigError(message);
}
}  // namespace detail

}  // namespace purecache
