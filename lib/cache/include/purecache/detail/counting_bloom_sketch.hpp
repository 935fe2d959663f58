#pragma once
/// The frequency sketch of libCacheSim's WTinyLFU: a counting Bloom filter of 32-bit counters.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// XXH64 (Collet's xxHash, 64-bit variant, as specified for inputs shorter than 32 bytes) of
/// the 8 bytes of `word` in little-endian order.
[[nodiscard]] constexpr std::uint64_t xxh64_of_8_bytes(std::uint64_t word,
                                                     std::uint64_t seed) noexcept {
  constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
  constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
  constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
  constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
  constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;
  std::uint64_t h = seed + kPrime5 + 8;
  h ^= std::rotl(word * kPrime2, 31) * kPrime1;
  h = std::rotl(h, 27) * kPrime1 + kPrime4;
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  return h ^ (h >> 32);
}

/// Sized as libCacheSim sizes its "minimal increment CBF" for `entries` keys at error 0.001:
/// ceil(14.38 x entries) counters (at least 20, at most `max_counters`), 10 places per key by
/// double hashing, `a + i x b` modulo the counter count, from XXH64 of the key as libCacheSim
/// hashes it. An increment raises all 10 counters (not only the least ones, whatever the name
/// says); the estimate is the least. Counters are halved on decay(), which the caller schedules.
/// Fixed size from construction; O(1) per call.
class CountingBloomSketch {
 public:
  static constexpr std::uint32_t kHashes = 10;  // ceil(ln 2 x bits per entry)

  CountingBloomSketch(std::uint64_t entries, std::uint64_t max_counters, MemoryCounter* counter)
      : counters_(counter_count(entries, max_counters), 0,
                  CountingAllocator<std::uint32_t>(counter)) {}

  /// The number of counters for `entries` keys, as libCacheSim computes it, capped.
  [[nodiscard]] static std::uint64_t counter_count(std::uint64_t entries,
                                                   std::uint64_t max_counters) noexcept {
    const double bits_per_entry = -std::log(0.001) / 0.480453013918201;  // -ln(e) / ln(2)^2
    auto n = static_cast<std::uint64_t>(std::ceil(bits_per_entry * static_cast<double>(entries)));
    n = std::min<std::uint64_t>(n, INT32_MAX);
    n = std::min(n, max_counters);
    return std::max<std::uint64_t>(n, 2 * kHashes);
  }

  /// Counts `key` (an integer key itself, or another key's 64-bit hash).
  void increment(std::uint64_t key) noexcept {
    const Places p = places(key);
    for (std::uint32_t i = 0; i < kHashes; ++i) ++counters_[p.at(i, counters_.size())];
  }

  [[nodiscard]] std::uint32_t estimate(std::uint64_t key) const noexcept {
    const Places p = places(key);
    std::uint32_t least = UINT32_MAX;
    for (std::uint32_t i = 0; i < kHashes; ++i) {
      least = std::min(least, counters_[p.at(i, counters_.size())]);
    }
    return least;
  }

  /// Halves every counter: O(counters).
  void decay() noexcept {
    for (std::uint32_t& c : counters_) c >>= 1;
  }

  void clear() noexcept { std::fill(counters_.begin(), counters_.end(), 0); }

  [[nodiscard]] std::uint64_t size() const noexcept { return counters_.size(); }

 private:
  /// The low 32 bits of two XXH64 hashes of the key's 8 little-endian bytes (seeds 0x12345678
  /// and 0x12344321), combined in 32-bit arithmetic: libCacheSim's places for an object id.
  struct Places {
    std::uint32_t a;
    std::uint32_t b;
    [[nodiscard]] std::uint64_t at(std::uint32_t i, std::size_t n) const noexcept {
      return static_cast<std::uint32_t>(a + i * b) % n;
    }
  };
  [[nodiscard]] static Places places(std::uint64_t key) noexcept {
    return {static_cast<std::uint32_t>(xxh64_of_8_bytes(key, 0x12345678)),
            static_cast<std::uint32_t>(xxh64_of_8_bytes(key, 0x12344321))};
  }

  std::vector<std::uint32_t, CountingAllocator<std::uint32_t>> counters_;  // fixed length
};

}  // namespace purecache::detail
