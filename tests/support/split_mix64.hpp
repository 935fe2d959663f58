#pragma once
/// A tiny seeded PRNG for reproducible randomized tests.

#include <cstdint>

namespace purecache::test {

/// SplitMix64 (Steele, Lea, Flood 2014): one add and a bijective mix per draw. Every run with the
/// same seed yields the same stream on every platform, unlike std:: distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}

  /// Next 64 uniformly distributed bits. O(1).
  std::uint64_t next() noexcept {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, bound) for bound >= 1; the modulo bias is irrelevant for test workloads.
  std::uint64_t below(std::uint64_t bound) noexcept { return next() % bound; }

 private:
  std::uint64_t state_;  // advances by the golden-ratio increment on each draw
};

}  // namespace purecache::test
