#pragma once
/// The default key hash of every core, and the identity hash for keys that are dense numbers.

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

/// Integers are mixed directly (one multiply); other keys go through std::hash, then mixed,
/// because std::hash of integers is the identity and of strings may have weak high bits.
template <class K>
struct Hash {
  [[nodiscard]] std::uint64_t operator()(const K& key) const noexcept {
    if constexpr (std::is_integral_v<K>) {
      return detail::mix64(static_cast<std::uint64_t>(key));
    } else {
      return detail::mix64(static_cast<std::uint64_t>(std::hash<K>{}(key)));
    }
  }
};

/// For keys that are already small dense numbers (interned trace keys 0, 1, 2, ...): a core
/// hashed with it indexes entries by an array of the key range instead of a hash table.
struct DenseIdHash {
  static constexpr bool kDenseIds = true;
  [[nodiscard]] std::uint64_t operator()(std::uint32_t id) const noexcept { return id; }
};

/// A hash that says its values are dense key numbers, so an array can index them.
template <class HashFn>
concept DenseHash = HashFn::kDenseIds;

}  // namespace purecache
