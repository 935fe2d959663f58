#pragma once
/// Log-linear histogram of nanosecond latencies with 3 significant decimal digits.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/detail/uint128.hpp"

namespace purecache::sim {

/// HdrHistogram-style histogram. Values below 2048 are stored exactly; above, each power of two
/// [2^k, 2^(k+1)) is split into 1024 equal sub-buckets, so a bucket's width is below 1/1024 of
/// any value in it (relative error < 0.098%). Values above kHighestTrackableValue (~73 minutes)
/// are counted in the top bucket and in overflow_count(). Memory is fixed at construction
/// (memory_bytes(), ~264 KiB); record() never allocates. Not thread-safe: keep one per thread
/// and merge(). See docs/timing.md for the percentile convention.
class LatencyHistogram {
 public:
  /// Values below this are exact (HdrHistogram's sub-bucket count for 3 significant digits).
  static constexpr std::uint64_t kSubBucketCount = 2048;
  /// Largest value kept at full resolution: 2^42 - 1 ns, about 73.3 minutes.
  static constexpr std::uint64_t kHighestTrackableValue = (std::uint64_t{1} << 42) - 1;

  /// Allocates the fixed bucket array (the only allocation this object ever makes).
  LatencyHistogram();

  /// Counts one value. O(1): one count-leading-zeros, two shifts, no branch, no allocation.
  void record(std::uint64_t value) noexcept {
    counts_[index_of(clamp(value))] += 1;
    overflow_ += value > kHighestTrackableValue ? 1 : 0;
    total_ += 1;
    sum_ += value;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }

  /// Counts `n` copies of `value` (n == 0 records nothing). O(1).
  void record_n(std::uint64_t value, std::uint64_t n) noexcept;

  /// Adds every value recorded in `other`, as if each had been recorded here. O(buckets between
  /// other's min() and max()).
  void merge(const LatencyHistogram& other) noexcept;

  /// Forgets every value; keeps the bucket array. O(buckets between min() and max()).
  void reset() noexcept;

  /// Number of values recorded.
  [[nodiscard]] std::uint64_t count() const noexcept { return total_; }
  /// Number of recorded values above kHighestTrackableValue (clamped into the top bucket).
  [[nodiscard]] std::uint64_t overflow_count() const noexcept { return overflow_; }
  /// Smallest value recorded, exact (not clamped); 0 when empty.
  [[nodiscard]] std::uint64_t min() const noexcept { return total_ == 0 ? 0 : min_; }
  /// Largest value recorded, exact (not clamped); 0 when empty.
  [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
  /// Exact arithmetic mean of the values recorded (not clamped); 0 when empty.
  [[nodiscard]] double mean() const noexcept;

  /// The value at percentile `p` (clamped into [0, 100]); 0 when empty. p == 0 gives min().
  /// Otherwise let rank = ceil(p/100 * count()) (at least 1): the result is the highest value
  /// equivalent to the rank-th smallest recorded value, capped at max(). So it is never below
  /// the exact percentile and at most 1/1024 above it, and p == 100 gives max() exactly
  /// (percentiles that land on overflowed values give kHighestTrackableValue).
  /// O(buckets between min and max).
  [[nodiscard]] std::uint64_t value_at_percentile(double p) const noexcept;

  /// Number of recorded values that share `value`'s bucket.
  [[nodiscard]] std::uint64_t count_at(std::uint64_t value) const noexcept {
    return counts_[index_of(clamp(value))];
  }

  /// Bytes held by this histogram, bucket array included.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return sizeof(*this) + counts_.capacity() * sizeof(std::uint64_t);
  }

  /// Smallest value that shares `value`'s bucket.
  [[nodiscard]] static constexpr std::uint64_t lowest_equivalent_value(
      std::uint64_t value) noexcept {
    const unsigned bucket = bucket_of(clamp(value));
    return (clamp(value) >> bucket) << bucket;
  }
  /// Largest value that shares `value`'s bucket; what percentiles report.
  [[nodiscard]] static constexpr std::uint64_t highest_equivalent_value(
      std::uint64_t value) noexcept {
    const unsigned bucket = bucket_of(clamp(value));
    return lowest_equivalent_value(value) + ((std::uint64_t{1} << bucket) - 1);
  }

  /// Same recorded values, compared bucket by bucket along with count, sum, min and max.
  friend bool operator==(const LatencyHistogram&, const LatencyHistogram&) = default;

 private:
  static constexpr unsigned kSubBucketBits = 11;  // log2(kSubBucketCount)
  static constexpr std::uint64_t kSubBucketMask = kSubBucketCount - 1;
  static constexpr std::uint64_t kHalfCount = kSubBucketCount / 2;

  [[nodiscard]] static constexpr std::uint64_t clamp(std::uint64_t value) noexcept {
    return std::min(value, kHighestTrackableValue);
  }
  // Power-of-two bucket: 0 for values < 2048, then k for [2^(k+10), 2^(k+11)). OR-ing the mask
  // keeps the exact range in bucket 0 without a branch.
  [[nodiscard]] static constexpr unsigned bucket_of(std::uint64_t value) noexcept {
    return 63U - static_cast<unsigned>(std::countl_zero(value | kSubBucketMask)) -
           (kSubBucketBits - 1);
  }
  // Bucket k's sub-indices are [1024, 2048) (bucket 0 also uses [0, 1024)), so k * 1024 + sub
  // lays all buckets out contiguously: bucket 0 at [0, 2048), bucket k at [(k+1)*1024, (k+2)*1024).
  [[nodiscard]] static constexpr std::size_t index_of(std::uint64_t value) noexcept {
    const unsigned bucket = bucket_of(value);
    return static_cast<std::size_t>((std::uint64_t{bucket} << (kSubBucketBits - 1)) +
                                    (value >> bucket));
  }
  // Inverse of index_of: the highest value whose index is `index`.
  [[nodiscard]] static constexpr std::uint64_t highest_value_at(std::size_t index) noexcept {
    const std::uint64_t i = index;
    const unsigned bucket =
        i < kSubBucketCount ? 0U : static_cast<unsigned>((i >> (kSubBucketBits - 1)) - 1);
    const std::uint64_t sub = i - (std::uint64_t{bucket} << (kSubBucketBits - 1));
    return (sub << bucket) + ((std::uint64_t{1} << bucket) - 1);
  }

  // Buckets 0..31 (top one holds kHighestTrackableValue), 1024 slots each plus bucket 0's extra.
  static constexpr unsigned kTopBucket =
      63U - static_cast<unsigned>(std::countl_zero(kHighestTrackableValue)) - (kSubBucketBits - 1);
  static constexpr std::size_t kBucketSlots = std::size_t{kTopBucket + 2} << (kSubBucketBits - 1);

  std::vector<std::uint64_t> counts_;   // kBucketSlots entries, sized once; sum == total_
  std::uint64_t total_ = 0;             // values recorded
  std::uint64_t overflow_ = 0;          // values above kHighestTrackableValue
  purecache::detail::Uint128 sum_ = 0;  // exact: 2^64 ns (584 years) is reachable summed over holds
  std::uint64_t min_ = UINT64_MAX;      // UINT64_MAX while empty
  std::uint64_t max_ = 0;               // 0 while empty
};

}  // namespace purecache::sim
