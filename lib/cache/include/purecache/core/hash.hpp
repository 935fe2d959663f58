#pragma once
/// The default key hash of every core.

#include <cstdint>
#include <functional>
#include <type_traits>

#include "purecache/detail/uint128.hpp"

namespace purecache {

namespace detail {
/// 64x64 -> 128-bit multiply, folded: spreads every input bit over the high half, which the
/// index uses for both the home slot and the 32-bit tag.
[[nodiscard]] inline std::uint64_t mix64(std::uint64_t x) noexcept {
  const auto product = static_cast<Uint128>(x) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}
}  // namespace detail

/// A hash whose every output bit depends on every input bit declares
/// `using is_avalanching = void;`. The cores use such a hash as it is and mix any other once
/// more, so a weak hash (std::hash of integers is the identity on libstdc++) cannot cluster
/// the index.
template <class HashFn>
concept AvalanchingHash = requires {
  typename HashFn::is_avalanching;
};

/// Integers are mixed directly (one multiply); other keys go through std::hash, then mixed,
/// because std::hash of integers is the identity and of strings may have weak high bits.
template <class K>
struct Hash {
  using is_avalanching = void;
  [[nodiscard]] std::uint64_t operator()(const K& key) const noexcept {
    if constexpr (std::is_integral_v<K>) {
      return detail::mix64(static_cast<std::uint64_t>(key));
    } else {
      return detail::mix64(static_cast<std::uint64_t>(std::hash<K>{}(key)));
    }
  }
};

}  // namespace purecache
