#pragma once
/// Keys and values of several types built from one integer, so one core test runs for all of them.

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace purecache::test {

/// A value that owns heap memory, to catch a core that copies or moves values carelessly.
struct Blob {
  std::vector<std::uint64_t> words;  // never empty when built by make_value

  friend bool operator==(const Blob&, const Blob&) = default;
};

/// Distinct keys for distinct `n`: the integer itself, or a string too long for the small-string
/// buffer when n is odd (so both inline and heap strings occur).
template <class K>
[[nodiscard]] K make_key(std::uint64_t n) {
  if constexpr (std::is_integral_v<K>) {
    return static_cast<K>(n);
  } else {
    static_assert(std::is_same_v<K, std::string>);
    std::string key = "k" + std::to_string(n);
    if (n % 2 == 1) key += "-padded-beyond-the-small-string-buffer";
    return key;
  }
}

/// Distinct values for distinct `n`, of every value type the core tests use.
template <class V>
[[nodiscard]] V make_value(std::uint64_t n) {
  if constexpr (std::is_integral_v<V>) {
    return static_cast<V>(n);
  } else if constexpr (std::is_same_v<V, std::string>) {
    std::string value = "v" + std::to_string(n);
    if (n % 3 == 0) value += std::string(40, 'x');
    return value;
  } else {
    static_assert(std::is_same_v<V, Blob>);
    return Blob{std::vector<std::uint64_t>(1 + n % 5, n)};
  }
}

}  // namespace purecache::test
