#pragma once
/// A content hash of a trace as the simulator sees it, to tell whether two runs replayed the same
/// requests (sweep shards, merges, comparisons).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "purecache/sim/detail/splitmix64.hpp"
#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// `value` as 16 lowercase hex digits, zero-padded: how purecache writes its hashes.
[[nodiscard]] inline std::string hex_digits(std::uint64_t value) {
  std::string text(16, '0');
  for (std::size_t i = 16; i-- > 0; value >>= 4) text[i] = "0123456789abcdef"[value & 15];
  return text;
}

/// Hashes the decoded request sequence: each request's key id, size, time, TTL and op, in order.
/// Two files that decode to the same sequence (trace.txt and trace.txt.zst) hash alike; any
/// difference in a counted field changes the hash with probability 1 - 2^-64. Ids are interned in
/// order of first appearance, so the hash captures the key sequence, not the key spellings.
class TraceHash {
 public:
  /// Adds `requests` to the hash. About 1 ns per request.
  void update(std::span<const Request> requests) noexcept {
    for (const Request& r : requests) {
      mix(static_cast<std::uint64_t>(r.key) << 32 | r.size);
      mix(static_cast<std::uint64_t>(r.time.count()));
      mix(static_cast<std::uint64_t>(r.ttl.count()) << 2 | static_cast<std::uint64_t>(r.op));
    }
    count_ += requests.size();
  }

  /// Requests hashed so far.
  [[nodiscard]] std::uint64_t requests() const noexcept { return count_; }

  /// The hash as 16 lowercase hex digits, folded with the request count.
  [[nodiscard]] std::string hex() const {
    return hex_digits(detail::splitmix64_mix(
        state_ ^ detail::splitmix64_mix(count_ + detail::kSplitMix64Increment)));
  }

 private:
  // Order-dependent: a multiply-rotate chain, so swapping two requests changes the result.
  void mix(std::uint64_t word) noexcept {
    state_ = (state_ ^ detail::splitmix64_mix(word + detail::kSplitMix64Increment)) *
             0x100000001B3ULL;
    state_ = state_ << 23 | state_ >> 41;
  }

  std::uint64_t state_ = 0xCBF29CE484222325ULL;
  std::uint64_t count_ = 0;
};

}  // namespace purecache::sim
