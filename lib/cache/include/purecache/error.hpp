#pragma once
/// Exception types of the library. Every error the library reports derives from Error.

#include <stdexcept>
#include <string>
#include <string_view>

namespace purecache {

/// Base of all purecache errors; what() is a complete, human-readable message.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A parameter is out of range or names something unknown: "capacity must be >= 1, got 0".
class ConfigError : public Error {
 public:
  using Error::Error;
};

namespace detail {
/// `value` in single quotes for a message, cut to 40 bytes ("...") so garbage cannot flood it.
[[nodiscard]] std::string quoted(std::string_view value);

/// Cold throw helpers: keep the string formatting out of hot callers.
[[noreturn]] void throw_config_error(std::string_view parameter, std::string_view value,
                                     std::string_view requirement);
}  // namespace detail

}  // namespace purecache
