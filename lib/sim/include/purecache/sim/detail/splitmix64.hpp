#pragma once
/// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer that spreads every
/// input bit over the output. The trace generator, the trace hash and the key sampler use it.

#include <cstdint>

namespace purecache::sim::detail {

inline constexpr std::uint64_t kSplitMix64Increment = 0x9E3779B97F4A7C15ULL;

[[nodiscard]] constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace purecache::sim::detail
