#pragma once
/// TinyLFU's doorkeeper: a Bloom filter that absorbs a key's first occurrence.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "purecache/detail/frequency_sketch.hpp"
#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// A plain Bloom filter of a power of two >= 8 x entries bits, 2 bits per key (Einziger,
/// Friedman and Manes, TOS 2017, section 3.4.2): a key seen once is remembered here instead
/// of in the sketch, so one-hit wonders take no sketch counters. Cleared with each sketch reset.
/// Fixed size from construction; O(1) per call.
class Doorkeeper {
 public:
  Doorkeeper(std::uint64_t entries, MemoryCounter* counter)
      : words_(std::bit_ceil(std::max<std::uint64_t>(entries, 8) / 8), 0,
               CountingAllocator<std::uint64_t>(counter)),
        mask_(words_.size() * 64 - 1) {}

  /// True if the key hashed to `h` was (probably) put since the last clear.
  [[nodiscard]] bool contains(std::uint64_t h) const noexcept {
    const auto [i, j] = bits(h);
    return test(i) && test(j);
  }
  /// Remembers the key; returns true if it was already (probably) there.
  bool put(std::uint64_t h) noexcept {
    const auto [i, j] = bits(h);
    const bool present = test(i) && test(j);
    words_[i >> 6] |= std::uint64_t{1} << (i & 63);
    words_[j >> 6] |= std::uint64_t{1} << (j & 63);
    return present;
  }
  void clear() noexcept { std::fill(words_.begin(), words_.end(), 0); }

 private:
  struct Bits {
    std::uint64_t first;
    std::uint64_t second;
  };
  /// Two bit numbers from a mix different from the sketches' (the hash is rotated first).
  [[nodiscard]] Bits bits(std::uint64_t h) const noexcept {
    const std::uint64_t mixed = sketch_mix(std::rotl(h, 32) ^ 0xD6E8FEB86659FD93ULL);
    return {mixed & mask_, (mixed >> 32) & mask_};
  }
  [[nodiscard]] bool test(std::uint64_t i) const noexcept {
    return ((words_[i >> 6] >> (i & 63)) & 1) != 0;
  }

  std::vector<std::uint64_t, CountingAllocator<std::uint64_t>> words_;  // power-of-two length
  std::uint64_t mask_;  // bits - 1
};

}  // namespace purecache::detail
