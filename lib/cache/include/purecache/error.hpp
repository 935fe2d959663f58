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
/// True when `bytes` is valid UTF-8 (RFC 3629: no overlong forms, surrogates or code points
/// past U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view bytes) noexcept;

/// `bytes` as printable UTF-8, losslessly, so that data cannot break a one-line message or a JSON
/// string: `\` becomes `\\`; tab, LF and CR become `\t`, `\n`, `\r`; other control characters
/// (C0, DEL, C1) and bytes that are not part of valid UTF-8 become `\xHH`. The rest of valid
/// UTF-8 is copied. Reversing the escapes gives `bytes` back.
[[nodiscard]] std::string escaped(std::string_view bytes);
/// Appends escaped(bytes) to `out`.
void append_escaped(std::string& out, std::string_view bytes);

/// `value` escaped in single quotes for a message, cut to its first 40 bytes ("...'") so garbage
/// cannot flood it; the cut never splits a UTF-8 character.
[[nodiscard]] std::string quoted(std::string_view value);

/// Cold throw helpers: keep the string formatting out of hot callers.
[[noreturn]] void throw_config_error(std::string_view parameter, std::string_view value,
                                     std::string_view requirement);
}  // namespace detail

}  // namespace purecache
