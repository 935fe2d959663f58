#pragma once
/// A content hash of a trace as the simulator sees it, to tell whether two runs replayed the same
/// requests (sweep shards, merges, comparisons).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "purecache/detail/uint128.hpp"
#include "purecache/sim/detail/splitmix64.hpp"
#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// `value` as 16 lowercase hex digits, zero-padded: how purecache writes its hashes.
[[nodiscard]] inline std::string hex_digits(std::uint64_t value) {
  std::string text(16, '0');
  for (std::size_t i = 16; i-- > 0; value >>= 4) text[i] = "0123456789abcdef"[value & 15];
  return text;
}

/// Hashes the decoded request sequence: each request's key id, size, time, TTL and op, and its
/// position, so the order counts. Two files that decode to the same sequence (trace.txt and
/// trace.txt.zst) hash alike; any difference in a counted field, the order or the length changes
/// the hash except with probability about 2^-64. Ids are interned in order of first appearance, so
/// the hash captures the key sequence, not the key spellings. The formula, which a test checks, is
/// in docs/report-schema.md#the-trace-hash.
class TraceHash {
 public:
  /// Adds `requests` to the hash. Two multiplies per request and no chain from one request to the
  /// next but an add, so requests overlap in the pipeline: well under 1 ns per request.
  void update(std::span<const Request> requests) noexcept {
    std::uint64_t sum = sum_;
    std::uint64_t position = count_;
    for (const Request& r : requests) {
      const std::uint64_t key_size = std::uint64_t{r.size} << 32 | r.key;
      const std::uint64_t fields = fold_multiply(
          key_size ^ kKeySizeSalt, static_cast<std::uint64_t>(r.time.count()) ^ kTimeSalt);
      sum += fold_multiply(fields ^ static_cast<std::uint64_t>(r.ttl.count()),
                           (position << 2 | static_cast<std::uint64_t>(r.op)) ^ kPositionSalt);
      ++position;
    }
    sum_ = sum;
    count_ = position;
  }

  /// Requests hashed so far.
  [[nodiscard]] std::uint64_t requests() const noexcept { return count_; }

  /// The hash as 16 lowercase hex digits, folded with the request count.
  [[nodiscard]] std::string hex() const {
    return hex_digits(detail::splitmix64_mix(
        sum_ ^ detail::splitmix64_mix(count_ + detail::kSplitMix64Increment)));
  }

 private:
  // The 128-bit product's halves xored: every input bit reaches the result, in one multiply.
  [[nodiscard]] static std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
    const auto product = static_cast<purecache::detail::Uint128>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  }

  // Odd constants with the top bit set, so that no plausible field value zeroes a factor (a zero
  // factor would hide the other one).
  static constexpr std::uint64_t kKeySizeSalt = 0x9E3779B97F4A7C15ULL;
  static constexpr std::uint64_t kTimeSalt = 0xBF58476D1CE4E5B9ULL;
  static constexpr std::uint64_t kPositionSalt = 0x94D049BB133111EBULL;

  std::uint64_t sum_ = 0;    // of every request's mix with its position
  std::uint64_t count_ = 0;  // requests hashed: the next request's position
};

}  // namespace purecache::sim
