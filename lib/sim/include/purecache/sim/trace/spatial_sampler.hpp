#pragma once
/// Spatial sampling of keys (SHARDS, Waldspurger et al., FAST'15): a fixed pseudo-random subset
/// of the keys, with every request to a kept key, so reuse patterns survive at a fraction R.

#include <array>
#include <charconv>
#include <cstdint>
#include <string>

#include "purecache/error.hpp"
#include "purecache/sim/detail/splitmix64.hpp"
#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// Keeps a key when hash(key) mod P < T, with P = 2^24 and T = round(R * P), so the effective
/// rate is T / P (rate()). The hash is of the interned id, which is the key's order of first
/// appearance: the same trace samples the same keys in every run, format and process.
class SpatialSampler {
 public:
  static constexpr std::uint64_t kModulus = std::uint64_t{1} << 24;

  /// Throws ConfigError unless 0 < rate <= 1 and rate * 2^24 rounds to at least 1.
  explicit SpatialSampler(double rate) {
    if (!(rate > 0) || !(rate <= 1)) {
      throw ConfigError("sample-rate must be in (0, 1], got " + shortest(rate));
    }
    threshold_ = static_cast<std::uint64_t>(rate * static_cast<double>(kModulus) + 0.5);
    if (threshold_ == 0) {
      throw ConfigError("sample-rate must be at least 1/16777216, got " + shortest(rate));
    }
  }

  /// True when requests to `key` belong to the sample.
  [[nodiscard]] bool keeps(KeyId key) const noexcept {
    return (mix(key) & (kModulus - 1)) < threshold_;
  }

  /// The rate actually sampled: threshold / 2^24.
  [[nodiscard]] double rate() const noexcept {
    return static_cast<double>(threshold_) / static_cast<double>(kModulus);
  }

 private:
  static std::string shortest(double value) {
    std::array<char, 32> text{};
    return {text.data(), std::to_chars(text.data(), text.data() + text.size(), value).ptr};
  }

  // SplitMix64's finalizer of the id: consecutive ids land far apart.
  static std::uint64_t mix(std::uint64_t id) noexcept {
    return detail::splitmix64_mix(id + detail::kSplitMix64Increment);
  }

  std::uint64_t threshold_ = 0;
};

}  // namespace purecache::sim
