#pragma once
/// Allocation-free field helpers shared by the text-based parsers.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <system_error>

#include "trace/byte_search.hpp"

namespace purecache::sim::detail {

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) {
    ++b;
  }
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
    --e;
  }
  return s.substr(b, e - b);
}

/// Splits `line` on ',' into fields[0..min(count, max_fields)), trimmed of spaces and tabs.
/// Returns the total number of fields (which may exceed max_fields; the extra are not stored).
/// No quoting: every comma separates.
[[nodiscard]] inline std::size_t split_fields(std::string_view line, std::string_view* fields,
                                              std::size_t max_fields) noexcept {
  if (line.empty()) {  // data() may be null; still one (empty) field
    if (max_fields > 0) {
      fields[0] = line;
    }
    return 1;
  }
  std::size_t count = 0;
  const char* p = line.data();
  const char* const end = p + line.size();
  for (;;) {
    const char* comma = find_byte(p, end, ',');
    const char* field_end = comma != nullptr ? comma : end;
    if (count < max_fields) {
      fields[count] = trim(std::string_view(p, static_cast<std::size_t>(field_end - p)));
    }
    ++count;
    if (comma == nullptr) {
      return count;
    }
    p = comma + 1;
  }
}

/// A whole-field unsigned integer (decimal digits only, no sign or spaces).
template <class T>
[[nodiscard]] inline bool parse_unsigned(std::string_view s, T& value) noexcept {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  return ec == std::errc() && ptr == end;
}

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

/// Non-negative seconds, integer or decimal ("12", "12.5", "0.000000001"), to nanoseconds.
/// Digits past the ninth decimal are checked and truncated. False on syntax error or overflow.
[[nodiscard]] inline bool parse_seconds(std::string_view s, std::int64_t& nanos) noexcept {
  const char* p = s.data();
  const char* const end = p + s.size();
  std::uint64_t whole = 0;
  const auto [ptr, ec] = std::from_chars(p, end, whole);
  if (ec != std::errc()) {
    return false;
  }
  constexpr auto kMaxWhole =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / kNanosPerSecond);
  if (whole > kMaxWhole) {
    return false;
  }
  std::int64_t fraction = 0;
  if (ptr != end) {
    if (*ptr != '.' || ptr + 1 == end) {
      return false;
    }
    std::int64_t scale = kNanosPerSecond;
    for (const char* q = ptr + 1; q != end; ++q) {
      if (*q < '0' || *q > '9') {
        return false;
      }
      if (scale > 1) {
        scale /= 10;
        fraction += (*q - '0') * scale;
      }
    }
  }
  const auto total = static_cast<std::int64_t>(whole) * kNanosPerSecond;
  if (total > std::numeric_limits<std::int64_t>::max() - fraction) {
    return false;
  }
  nanos = total + fraction;
  return true;
}

/// The latest request time: one below Timestamp::max(), where an expiry that would overflow
/// saturates, so that such an entry is still live at every request.
inline constexpr std::int64_t kMaxTimestampNanos = std::numeric_limits<std::int64_t>::max() - 1;

/// parse_seconds for a request time: also false past kMaxTimestampNanos.
[[nodiscard]] inline bool parse_timestamp(std::string_view s, std::int64_t& nanos) noexcept {
  return parse_seconds(s, nanos) && nanos <= kMaxTimestampNanos;
}

/// True if `s` has parse_seconds' syntax (digits, then optionally '.' and digits), whatever its
/// size: tells "too large" from "not a number" in a message.
[[nodiscard]] inline bool is_decimal_number(std::string_view s) noexcept {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "0" : s.substr(dot + 1);
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits(whole) && digits(fraction);
}

/// True if `s` reads as a number to parse_seconds (used to tell a csv header from data).
[[nodiscard]] inline bool looks_numeric(std::string_view s) noexcept {
  std::int64_t ignored = 0;
  return !s.empty() &&
         (s[0] == '-' ? parse_seconds(s.substr(1), ignored) : parse_seconds(s, ignored));
}

}  // namespace purecache::sim::detail
