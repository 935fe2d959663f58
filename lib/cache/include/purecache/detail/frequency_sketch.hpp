#pragma once
/// Caffeine's frequency sketch: a count-min sketch of 4-bit counters, halved periodically.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// SplitMix64's finaliser: the sketches derive their row indexes from it, with fixed constants
/// (no per-process seed), so every run of a trace counts the same.
[[nodiscard]] constexpr std::uint64_t sketch_mix(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Estimates how often a key was seen recently (TinyLFU, Einziger, Friedman and Manes, ACM TOS
/// 2017, as Caffeine implements it): 16 four-bit counters per 64-bit word, `words` words (a power
/// of two >= the entries sized for), each key counted at 4 places; the estimate is the least of
/// them (at most 15). After `10 x entries` increments that raised a counter, every counter is
/// halved (the "reset" that lets old popularity fade). Fixed size from construction: no
/// allocation per operation; O(1) per call.
class FrequencySketch {
 public:
  static constexpr std::uint32_t kDepth = 4;
  static constexpr std::uint32_t kMaxCount = 15;

  /// Sized for `entries` (>= 1) distinct keys; its words are counted by `counter`.
  FrequencySketch(std::uint64_t entries, MemoryCounter* counter)
      : words_(std::bit_ceil(entries == 0 ? 1 : entries), 0,
               CountingAllocator<std::uint64_t>(counter)),
        mask_(words_.size() * 16 - 1),
        sample_size_(10 * (entries == 0 ? 1 : entries)) {}

  /// Counts one occurrence of the key hashed to `h` (saturating at 15); halves every counter
  /// once the sample is full.
  void increment(std::uint64_t h) noexcept {
    bool raised = false;
    const std::uint64_t mixed = sketch_mix(h);
    for (std::uint32_t row = 0; row < kDepth; ++row) {
      const std::uint64_t i = index(mixed, row);
      std::uint64_t& word = words_[i >> 4];
      const unsigned shift = static_cast<unsigned>(i & 15) * 4;
      if (((word >> shift) & 15) != kMaxCount) {
        word += std::uint64_t{1} << shift;
        raised = true;
      }
    }
    if (raised && ++additions_ >= sample_size_) reset();
  }

  /// The estimated count of the key hashed to `h`, 0..15.
  [[nodiscard]] std::uint32_t estimate(std::uint64_t h) const noexcept {
    std::uint32_t least = kMaxCount;
    const std::uint64_t mixed = sketch_mix(h);
    for (std::uint32_t row = 0; row < kDepth; ++row) {
      const std::uint64_t i = index(mixed, row);
      const auto count =
          static_cast<std::uint32_t>((words_[i >> 4] >> (static_cast<unsigned>(i & 15) * 4)) & 15);
      if (count < least) least = count;
    }
    return least;
  }

  /// True right after a halving (the caller's doorkeeper is cleared with it); then false.
  [[nodiscard]] bool take_reset() noexcept { return std::exchange(was_reset_, false); }

  void clear() noexcept {
    std::fill(words_.begin(), words_.end(), 0);
    additions_ = 0;
    was_reset_ = false;
  }

 private:
  /// Row `row`'s counter for a key whose mixed hash is `mixed`, by double hashing: `a + row x b`
  /// with b odd, so the 4 places of a key differ.
  [[nodiscard]] std::uint64_t index(std::uint64_t mixed, std::uint32_t row) const noexcept {
    return (mixed + row * ((mixed >> 32) | 1)) & mask_;
  }

  /// Halves every counter; the odd ones lose half a count each, which the sample size forgets
  /// as Caffeine does (`(additions - odd / 4) / 2`).
  void reset() noexcept {
    std::uint64_t odd = 0;
    for (std::uint64_t& word : words_) {
      odd += static_cast<std::uint64_t>(std::popcount(word & 0x1111111111111111ULL));
      word = (word >> 1) & 0x7777777777777777ULL;
    }
    additions_ = (additions_ - odd / 4) / 2;
    was_reset_ = true;
  }

  std::vector<std::uint64_t, CountingAllocator<std::uint64_t>> words_;  // power-of-two length
  std::uint64_t mask_;         // counters - 1 (16 counters per word)
  std::uint64_t sample_size_;  // increments between halvings: 10 x entries
  std::uint64_t additions_ = 0;  // increments since the last halving (adjusted by it)
  bool was_reset_ = false;       // a halving happened since take_reset() last ran
};

}  // namespace purecache::detail
