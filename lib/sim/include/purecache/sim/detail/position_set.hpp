#pragma once
/// A set of request positions with a fast largest member: a bit per position under summaries.

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace purecache::sim::detail {

/// The positions in [0, limit): a bit per position (level 0), and above it levels of one bit per
/// 64-bit word of the level below, set while that word is not zero, up to a level of one word.
/// insert, erase and max() each touch one word per level: 4 levels below 2^24 positions, 1 bit
/// per position plus under 2% for the summaries.
class PositionSet {
 public:
  explicit PositionSet(std::uint64_t limit = 0) : limit_(limit) {
    std::size_t total = 0;
    for (std::uint64_t words = words_for(limit);; words = words_for(words)) {
      starts_.push_back(total);
      total += static_cast<std::size_t>(words);
      if (words == 1) break;
    }
    words_.assign(total, 0);
  }

  [[nodiscard]] bool empty() const noexcept { return words_.back() == 0; }

  [[nodiscard]] bool contains(std::uint64_t position) const noexcept {
    assert(position < limit_);
    return ((words_[position >> 6] >> (position & 63)) & 1U) != 0;
  }

  /// Adds `position` (< limit).
  void insert(std::uint64_t position) noexcept {
    assert(position < limit_);
    for (const std::uint64_t start : starts_) {
      std::uint64_t& word = words_[start + (position >> 6)];
      const std::uint64_t before = word;
      word = before | (std::uint64_t{1} << (position & 63));
      if (before != 0) return;  // the levels above already say this word is not empty
      position >>= 6;
    }
  }

  /// Removes `position` (< limit); false if it was not in the set.
  bool erase(std::uint64_t position) noexcept {
    assert(position < limit_);
    for (std::size_t level = 0; level < starts_.size(); ++level) {
      std::uint64_t& word = words_[starts_[level] + (position >> 6)];
      const std::uint64_t bit = std::uint64_t{1} << (position & 63);
      if (level == 0 && (word & bit) == 0) return false;
      word &= ~bit;
      if (word != 0) break;  // the levels above still see a member here
      position >>= 6;
    }
    return true;
  }

  /// The largest position in the set, which must not be empty.
  [[nodiscard]] std::uint64_t max() const noexcept {
    assert(!empty());
    std::uint64_t position = 0;
    for (std::size_t level = starts_.size(); level-- > 0;) {
      const std::uint64_t word = words_[starts_[level] + position];
      position = (position << 6) | static_cast<std::uint64_t>(63 - std::countl_zero(word));
    }
    return position;
  }

  /// Positions it can hold: [0, limit()).
  [[nodiscard]] std::uint64_t limit() const noexcept { return limit_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return words_.capacity() * sizeof(std::uint64_t) + starts_.capacity() * sizeof(std::size_t);
  }

 private:
  static std::uint64_t words_for(std::uint64_t bits) noexcept {
    return bits <= 64 ? 1 : (bits + 63) / 64;
  }

  std::vector<std::uint64_t> words_;  // the levels one after another, level 0 first
  std::vector<std::size_t> starts_;   // where each level begins in words_; the last has 1 word
  std::uint64_t limit_ = 0;           // positions are below it
};

}  // namespace purecache::sim::detail
