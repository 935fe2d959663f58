#pragma once
/// Byte-weighted LRU stack distances over interned key ids: the stack of StackDistanceProfiler
/// with each key weighing its size.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// A key's byte stack distance at an access is its own weight plus the weights of the distinct
/// keys accessed since its previous access. When no key's size ever changes and every object
/// fits in C bytes, a byte-bounded LRU cache of C bytes with demand fill hits exactly when the
/// distance is at most C (docs/mrc.md#bytes). A delete takes the key out of the stack (no holes:
/// a curve with deletes is replayed instead).
///
/// Each key's latest access marks its time in a bitset, and a Fenwick tree over times sums the
/// marked keys' weights, so a distance is one prefix sum: O(log W) per access for a window of W
/// times. A used-up window is renumbered as StackDistanceProfiler's is, O(1) amortised.
/// Memory: 8 bytes per key id seen, plus 8.125 bytes per window time. Not thread-safe.
class ByteStackDistanceProfiler {
 public:
  /// The distance of an access to a key that is not in the stack.
  static constexpr std::uint64_t kCold = UINT64_MAX;

  /// Throws ConfigError unless min_window >= 1.
  explicit ByteStackDistanceProfiler(std::size_t min_window = std::size_t{1} << 16);

  /// A get or a set of `key` weighing `size`: returns its byte distance, with the weight it had
  /// in the stack (kCold if absent), and makes it the most recent, weighing `size`. O(log W).
  std::uint64_t access(KeyId key, std::uint32_t size) {
    if (key >= last_.size()) [[unlikely]]
      grow(key);
    if (next_ == window_) [[unlikely]]
      renumber();
    const std::uint32_t t = last_[key];
    std::uint64_t distance = kCold;
    if (t != kAbsent) {
      distance = weight_[key] + (total_ - prefix(t));
      if (weight_[key] != size) ++size_changes_;
      unmark(t, weight_[key]);
    }
    mark(next_, size);
    weight_[key] = size;
    last_[key] = next_++;
    return distance;
  }

  /// A hint for callers that know their next keys: start loading `key`'s latest access time.
  void prefetch(KeyId key) const noexcept {
    if (key < last_.size()) __builtin_prefetch(&last_[key]);
  }

  /// A delete of `key`: it leaves the stack. No-op if absent.
  void erase(KeyId key) noexcept;

  /// Keys in the stack.
  [[nodiscard]] std::size_t depth() const noexcept { return marked_; }
  /// The stack's total weight.
  [[nodiscard]] std::uint64_t weight() const noexcept { return total_; }
  /// Accesses to a key in the stack with a size other than its weight there.
  [[nodiscard]] std::uint64_t size_changes() const noexcept { return size_changes_; }
  /// Times the window has been renumbered.
  [[nodiscard]] std::uint64_t renumberings() const noexcept { return renumberings_; }
  /// Bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  // Weights of the marks at times <= t (tree_ is 1-based: node i covers times (i - lowbit, i]).
  [[nodiscard]] std::uint64_t prefix(std::uint32_t t) const noexcept {
    std::uint64_t sum = 0;
    for (std::uint32_t i = t + 1; i > 0; i &= i - 1)
      sum += tree_[i];
    return sum;
  }
  void add(std::uint32_t t, std::uint64_t delta) noexcept {  // delta may wrap (a subtraction)
    const auto n = static_cast<std::uint32_t>(tree_.size());
    for (std::uint32_t i = t + 1; i < n; i += i & (0u - i))
      tree_[i] += delta;
  }
  void mark(std::uint32_t t, std::uint32_t w) noexcept {
    bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
    add(t, w);
    total_ += w;
    ++marked_;
  }
  void unmark(std::uint32_t t, std::uint32_t w) noexcept {
    bits_[t >> 6] &= ~(std::uint64_t{1} << (t & 63));
    add(t, std::uint64_t{0} - w);
    total_ -= w;
    --marked_;
  }
  void grow(KeyId key);
  void renumber();

  std::vector<std::uint32_t> last_;    // per key id: time of its latest access; kAbsent: not in stack
  std::vector<std::uint32_t> weight_;  // per key id: its weight in the stack (its latest size)
  std::vector<std::uint64_t> bits_;    // bit t set: t is a key's latest access
  std::vector<std::uint64_t> tree_;    // Fenwick tree of the weights by time; size window + 1
  std::size_t min_window_;             // >= 1
  std::uint32_t window_ = 0;           // times available: bits_.size() * 64, < kAbsent
  std::uint32_t next_ = 0;             // the next access's time; every mark is below it
  std::uint32_t marked_ = 0;           // keys in the stack: bits set in bits_
  std::uint64_t total_ = 0;            // the weights of every mark
  std::uint64_t size_changes_ = 0;
  std::uint64_t renumberings_ = 0;
};

}  // namespace purecache::sim
