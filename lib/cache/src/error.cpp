#include "purecache/error.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace purecache {

namespace detail {

namespace {

/// Length of the valid UTF-8 sequence (RFC 3629) starting at s[i], or 0 if it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;   // bounds of the second byte: they exclude overlong forms,
  unsigned char high = 0xBF;  // surrogates and values past U+10FFFF
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() - i < length) {
    return 0;
  }
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < low || second > high) {
    return 0;
  }
  for (std::size_t k = 2; k < length; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return length;
}

void append_hex_byte(std::string& out, unsigned char byte) {
  constexpr char kHex[] = "0123456789ABCDEF";
  out.append("\\x").push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0x0F]);
}

}  // namespace

bool valid_utf8(std::string_view bytes) noexcept {
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t length = utf8_length(bytes, i);
    if (length == 0) {
      return false;
    }
    i += length;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    const std::size_t length = utf8_length(bytes, i);
    if (length > 1) {
      // C1 controls (U+0080..U+009F, C2 80..C2 9F) steer terminals like C0 ones do.
      if (byte == 0xC2 && static_cast<unsigned char>(bytes[i + 1]) < 0xA0) {
        append_hex_byte(out, byte);
        append_hex_byte(out, static_cast<unsigned char>(bytes[i + 1]));
      } else {
        out.append(bytes.substr(i, length));
      }
      i += length;
      continue;
    }
    if (byte == '\\') {
      out.append("\\\\");
    } else if (byte == '\t') {
      out.append("\\t");
    } else if (byte == '\n') {
      out.append("\\n");
    } else if (byte == '\r') {
      out.append("\\r");
    } else if (length == 0 || byte < 0x20 || byte == 0x7F) {
      append_hex_byte(out, byte);
    } else {
      out.push_back(static_cast<char>(byte));
    }
    ++i;
  }
}

std::string escaped(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  append_escaped(out, bytes);
  return out;
}

std::string quoted(std::string_view value) {
  constexpr std::size_t kMaxShown = 40;
  std::size_t cut = value.size();
  if (value.size() > kMaxShown) {
    // Cut before a character that would straddle the limit, so a cut never makes bytes invalid.
    cut = 0;
    for (;;) {
      const std::size_t length = std::max<std::size_t>(1, utf8_length(value, cut));
      if (cut + length > kMaxShown) {
        break;
      }
      cut += length;
    }
  }
  std::string out = "'";
  append_escaped(out, value.substr(0, cut));
  out.append(cut < value.size() ? "...'" : "'");
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
