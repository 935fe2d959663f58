#include "purecache/sim/metrics/latency_histogram.hpp"

#include <cmath>
#include <cstddef>

namespace purecache::sim {

// The layout promised in the header: exact below 2048, then 1024 sub-buckets per power of two.
static_assert(LatencyHistogram::highest_equivalent_value(2047) == 2047);
static_assert(LatencyHistogram::lowest_equivalent_value(2049) == 2048);
static_assert(LatencyHistogram::highest_equivalent_value(2048) == 2049);
static_assert(LatencyHistogram::highest_equivalent_value(std::uint64_t{1} << 41) ==
              (std::uint64_t{1} << 41) + (std::uint64_t{1} << 31) - 1);

LatencyHistogram::LatencyHistogram() : counts_(kBucketSlots, 0) {
  static_assert(index_of(kHighestTrackableValue) + 1 == kBucketSlots);
}

void LatencyHistogram::record_n(std::uint64_t value, std::uint64_t n) noexcept {
  if (n == 0) {
    return;  // otherwise min/max would move without a value being recorded
  }
  counts_[index_of(clamp(value))] += n;
  overflow_ += value > kHighestTrackableValue ? n : 0;
  total_ += n;
  sum_ += purecache::detail::Uint128{value} * n;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  if (other.total_ == 0) return;
  // Every histogram has the same compile-time layout, so buckets add index by index; only those
  // between other's smallest and largest value can hold counts.
  const std::size_t last = index_of(clamp(other.max_));
  for (std::size_t i = index_of(clamp(other.min_)); i <= last; ++i) {
    counts_[i] += other.counts_[i];
  }
  total_ += other.total_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() noexcept {
  if (total_ != 0) {  // only buckets between the smallest and largest value hold counts
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(index_of(clamp(min_))),
              counts_.begin() + static_cast<std::ptrdiff_t>(index_of(clamp(max_)) + 1), 0);
  }
  total_ = 0;
  overflow_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

double LatencyHistogram::mean() const noexcept {
  if (total_ == 0) {
    return 0.0;
  }
  return static_cast<double>(sum_) / static_cast<double>(total_);
}

std::uint64_t LatencyHistogram::value_at_percentile(double p) const noexcept {
  if (total_ == 0) {
    return 0;
  }
  if (!(p > 0.0)) {  // also catches NaN
    return min_;
  }
  p = std::min(p, 100.0);
  const double total = static_cast<double>(total_);
  const double exact_rank = p * total / 100.0;
  // Decimal percentages are inexact in binary (99.9 is stored a hair above 99.9), which could
  // push an exact integer rank up by one; forgive a relative overshoot far below one rank.
  const double rounded = std::ceil(exact_rank - exact_rank * 1e-12);
  std::uint64_t rank = total_;
  if (rounded < total) {
    rank = rounded < 1.0 ? 1 : static_cast<std::uint64_t>(rounded);
  }
  const std::size_t first = index_of(clamp(min_));
  const std::size_t last = index_of(clamp(max_));
  std::uint64_t seen = 0;
  for (std::size_t i = first; i <= last; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::min(highest_value_at(i), max_);
    }
  }
  return max_;  // unreachable while counts_ sums to total_
}

}  // namespace purecache::sim
