#pragma once
/// Exception types of the library. Every error the library reports derives from Error.

#include <cstdint>
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

/// A trace cannot be read or parsed. what() is "FILE:LINE: reason" (text formats, lines from 1)
/// or "FILE:record N: reason" (binary formats, records from 1).
class TraceError : public Error {
 public:
  TraceError(std::string path, std::uint64_t position, bool is_record, std::string reason);
  /// Whole-file problems (missing, unreadable, a directory): "FILE: reason".
  TraceError(std::string path, std::string reason);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Line (text) or record (binary) number from 1; 0 when the error concerns the whole file.
  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  std::string path_;        // as given by the caller
  std::uint64_t position_;  // 0 = whole file
  std::string reason_;      // message without location
};

namespace detail {
/// `value` in single quotes for a message, cut to 40 bytes ("...") so garbage cannot flood it.
[[nodiscard]] std::string quoted(std::string_view value);

/// Cold throw helpers: keep the string formatting out of hot callers.
[[noreturn]] void throw_config_error(std::string_view parameter, std::string_view value,
                                     std::string_view requirement);
}  // namespace detail

}  // namespace purecache
