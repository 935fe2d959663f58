#pragma once
/// A content hash of a trace as the simulator sees it, to tell whether two runs replayed the same
/// requests (sweep shards, merges, comparisons).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

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
    std::uint64_t h = finalize(state_ ^ finalize(count_ + kGolden));
    std::string text(16, '0');
    for (std::size_t i = 16; i-- > 0; h >>= 4) text[i] = "0123456789abcdef"[h & 15];
    return text;
  }

 private:
  static constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

  // SplitMix64's finalizer: a bijection that spreads every input bit over the output.
  static std::uint64_t finalize(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Order-dependent: a multiply-rotate chain, so swapping two requests changes the result.
  void mix(std::uint64_t word) noexcept {
    state_ = (state_ ^ finalize(word + kGolden)) * 0x100000001B3ULL;
    state_ = state_ << 23 | state_ >> 41;
  }

  std::uint64_t state_ = 0xCBF29CE484222325ULL;
  std::uint64_t count_ = 0;
};

}  // namespace purecache::sim
