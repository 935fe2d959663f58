#pragma once
/// Inline byte search for short distances (trace fields and lines are a few to a few dozen bytes),
/// where a memchr call costs more than the scan itself.

#include <bit>
#include <cstdint>
#include <cstring>

namespace purecache::sim::detail {

/// First `c` in [p, end), or nullptr. Eight bytes per step: a byte equal to `c` becomes zero after
/// the xor, and (x - 0x01..) & ~x & 0x80.. flags zero bytes; the lowest flag is always exact.
[[nodiscard]] inline const char* find_byte(const char* p, const char* end, char c) noexcept {
  static_assert(std::endian::native == std::endian::little);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    const std::uint64_t x = word ^ pattern;
    const std::uint64_t found = (x - kOnes) & ~x & kHighs;
    if (found != 0) {
      return p + std::countr_zero(found) / 8;
    }
    p += 8;
  }
  for (; p != end; ++p) {
    if (*p == c) {
      return p;
    }
  }
  return nullptr;
}

}  // namespace purecache::sim::detail
