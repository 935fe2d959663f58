#pragma once
/// Caffeine's frequency sketch: a count-min sketch of 4-bit counters, halved periodically.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "purecache/detail/memory_counter.hpp"
#include "purecache/detail/prefetch_line.hpp"

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
/// 2017, with Caffeine's counters, width, depth and halving): 16 four-bit counters per 64-bit
/// word, `words` words (a power of two >= the entries sized for), each key counted at 4 places
/// spread over the table (not in Caffeine 3's one 64-byte block: docs/policies.md, W-TinyLFU,
/// difference from Caffeine 6); the estimate is the least of them (at most 15). After
/// `10 x entries` increments that raised a counter, every counter is halved (the "reset" that
/// lets old popularity fade). Fixed size from construction: no allocation per operation; O(1)
/// per call.
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

  /// A key's 4 counters, named by the mix of its hash: a caller that counts, estimates or
  /// prefetches one key more than once mixes it once (places()) and passes this along.
  struct Places {
    std::uint64_t mixed;  // sketch_mix of the key's hash
  };
  [[nodiscard]] static Places places(std::uint64_t h) noexcept { return {sketch_mix(h)}; }

  /// Counts one occurrence of the key hashed to `h` (saturating at 15); halves every counter
  /// once the sample is full.
  void increment(std::uint64_t h) noexcept { increment(places(h)); }
  void increment(Places key) noexcept {
    // Locals, not members: a store to a counter word may alias any uint64_t member, so the
    // compiler would reload them after each row.
    std::uint64_t* const words = words_.data();
    const std::uint64_t mask = mask_;
    const std::uint64_t step = stride(key.mixed);
    std::uint64_t i = key.mixed;
    bool raised = false;
    for (std::uint32_t row = 0; row < kDepth; ++row, i += step) {
      std::uint64_t& word = words[(i & mask) >> 4];
      const unsigned shift = static_cast<unsigned>(i & 15) * 4;
      if (((word >> shift) & 15) != kMaxCount) {
        word += std::uint64_t{1} << shift;
        raised = true;
      }
    }
    if (raised && ++additions_ >= sample_size_) [[unlikely]] reset();
  }

  /// The estimated count of the key hashed to `h`, 0..15.
  [[nodiscard]] std::uint32_t estimate(std::uint64_t h) const noexcept {
    return estimate(places(h));
  }
  [[nodiscard]] std::uint32_t estimate(Places key) const noexcept {
    const std::uint64_t* const words = words_.data();
    const std::uint64_t step = stride(key.mixed);
    std::uint64_t i = key.mixed;
    std::uint64_t least = kMaxCount;
    for (std::uint32_t row = 0; row < kDepth; ++row, i += step) {
      const std::uint64_t word = words[(i & mask_) >> 4];
      least = std::min(least, (word >> (static_cast<unsigned>(i & 15) * 4)) & 15);
    }
    return static_cast<std::uint32_t>(least);
  }

  /// Hint: start loading the key's 4 counters (each in its own cache line). Changes nothing.
  void prefetch(std::uint64_t h) const noexcept { prefetch(places(h)); }
  void prefetch(Places key) const noexcept {
    const std::uint64_t* const words = words_.data();
    const std::uint64_t step = stride(key.mixed);
    std::uint64_t i = key.mixed;
    for (std::uint32_t row = 0; row < kDepth; ++row, i += step) {
      prefetch_line(&words[(i & mask_) >> 4]);
    }
  }

  /// True right after a halving (the caller's doorkeeper is cleared with it); then false.
  [[nodiscard]] bool take_reset() noexcept { return std::exchange(was_reset_, false); }

  void clear() noexcept {
    std::fill(words_.begin(), words_.end(), 0);
    additions_ = 0;
    was_reset_ = false;
  }

  /// How many of the word's 16 counters are odd: a popcount of their low bits, done with a
  /// multiply (std::popcount is a library call without -mpopcnt, once per word of every reset).
  [[nodiscard]] static constexpr std::uint64_t odd_counters(std::uint64_t word) noexcept {
    std::uint64_t low_bits = word & 0x1111111111111111ULL;              // 0 or 1 per nibble
    low_bits = (low_bits + (low_bits >> 4)) & 0x0F0F0F0F0F0F0F0FULL;  // 0..2 per byte
    return (low_bits * 0x0101010101010101ULL) >> 56;                   // sum of the bytes, <= 16
  }

 private:
  /// Row r's counter for a key whose mixed hash is `mixed` is `(mixed + r x stride) mod
  /// counters` (double hashing; the stride is odd, so the 4 places of a key differ).
  [[nodiscard]] static std::uint64_t stride(std::uint64_t mixed) noexcept {
    return (mixed >> 32) | 1;
  }

  /// Halves every counter; the odd ones lose half a count each, which the sample size forgets
  /// as Caffeine does (`(additions - odd / 4) / 2`).
  [[gnu::cold, gnu::noinline]] void reset() noexcept {
    std::uint64_t odd = 0;
    for (std::uint64_t& word : words_) {
      odd += odd_counters(word);
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
