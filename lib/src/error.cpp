#include "purecache/error.hpp"

#include <utility>

namespace purecache {

namespace {
std::string located(const std::string& path, std::uint64_t position, bool is_record,
                    const std::string& reason) {
  std::string where = is_record ? ":record " : ":";
  return path + where + std::to_string(position) + ": " + reason;
}
}  // namespace

TraceError::TraceError(std::string path, std::uint64_t position, bool is_record, std::string reason)
    : Error(located(path, position, is_record, reason)),
      path_(std::move(path)),
      position_(position),
      reason_(std::move(reason)) {}

TraceError::TraceError(std::string path, std::string reason)
    : Error(path + ": " + reason),
      path_(std::move(path)),
      position_(0),
      reason_(std::move(reason)) {}

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
