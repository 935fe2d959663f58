#pragma once
/// Counts of accesses by LRU stack distance.

#include <cstdint>
#include <span>
#include <vector>

#include "purecache/sim/mrc/stack_distance_profiler.hpp"

namespace purecache::sim {

/// How many accesses had each stack distance, and how many were cold (not in the stack). An LRU
/// cache of C entries hits the accesses of distance below C. Memory: 8 bytes per distance up to
/// the largest seen.
class DistanceHistogram {
 public:
  /// Counts one access of `distance` (StackDistanceProfiler::kCold for a cold one). Amortised O(1).
  void add(std::uint64_t distance) {
    if (distance == StackDistanceProfiler::kCold) {
      ++cold_;
      return;
    }
    if (distance >= counts_.size()) [[unlikely]]
      grow(distance);
    ++counts_[distance];
  }

  /// counts()[d]: accesses of distance d; empty or ending at the largest distance seen, or beyond.
  [[nodiscard]] std::span<const std::uint64_t> counts() const noexcept { return counts_; }
  /// Accesses to keys not in the stack.
  [[nodiscard]] std::uint64_t cold() const noexcept { return cold_; }
  /// Every access counted, cold ones included.
  [[nodiscard]] std::uint64_t total() const noexcept {
    std::uint64_t sum = cold_;
    for (const std::uint64_t n : counts_)
      sum += n;
    return sum;
  }

 private:
  void grow(std::uint64_t distance) {
    counts_.resize(distance + 1 > 2 * counts_.size() ? distance + 1 : 2 * counts_.size(), 0);
  }

  std::vector<std::uint64_t> counts_;  // by distance; zeros past the largest seen
  std::uint64_t cold_ = 0;
};

}  // namespace purecache::sim
