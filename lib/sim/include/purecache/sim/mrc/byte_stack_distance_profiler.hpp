#pragma once
/// Byte-weighted LRU stack distances over interned key ids: the stack of StackDistanceProfiler
/// with each key weighing its size.

#include <bit>
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
/// Each key's latest access marks its time in a bitset, holding its weight in a per-time array;
/// a Fenwick tree over the bitset's 64-bit words sums their marks' weights (the newest 64 to 192
/// times left out, as in StackDistanceProfiler), so a distance is one prefix sum over words plus
/// the marks of one word: O(log(W / 64) + 64) per access for a window of W times. A used-up
/// window is renumbered as StackDistanceProfiler's is, O(1) amortised. Memory: 8 bytes per key
/// id seen, plus about 4.3 bytes per window time. Not thread-safe.
class ByteStackDistanceProfiler {
 public:
  /// The distance of an access to a key that is not in the stack.
  static constexpr std::uint64_t kCold = UINT64_MAX;

  /// Throws ConfigError unless min_window >= 1.
  explicit ByteStackDistanceProfiler(std::size_t min_window = std::size_t{1} << 16);

  /// A get or a set of `key` weighing `size`: returns its byte distance, with the weight it had
  /// in the stack (kCold if absent), and makes it the most recent, weighing `size`. O(log W).
  std::uint64_t access(KeyId key, std::uint32_t size) {
    if (key >= keys_.size()) [[unlikely]]
      grow(key);
    if (next_ == window_) [[unlikely]]
      renumber();
    KeySlot& slot = keys_[key];
    std::uint64_t distance = kCold;
    if (slot.last != kAbsent) {
      distance = slot.weight + weight_after(slot.last);
      if (slot.weight != size) ++size_changes_;
      unmark(slot.last);
    }
    mark(next_, size);
    slot.weight = size;
    slot.last = next_++;
    if ((next_ >> 6) - tail_ > kTailWords) [[unlikely]]
      flush_tail();
    return distance;
  }

  /// A hint for callers that know their next keys: start loading `key`'s latest access time.
  void prefetch(KeyId key) const noexcept {
    if (key < keys_.size()) __builtin_prefetch(&keys_[key]);
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
  static constexpr std::uint32_t kTailWords = 2;  // as StackDistanceProfiler's

  // The weights of the marks in word w selected by `mask`.
  [[nodiscard]] std::uint64_t word_weight(std::uint32_t w, std::uint64_t mask) const noexcept {
    std::uint64_t sum = 0;
    const std::uint32_t* at = &at_[std::size_t{w} * 64];
    for (std::uint64_t m = bits_[w] & mask; m != 0; m &= m - 1)
      sum += at[std::countr_zero(m)];
    return sum;
  }
  // The weights of the marks after time t: in the tail, its words; else all marks minus the
  // words before t's (the tree) and the marks of t's word up to t.
  [[nodiscard]] std::uint64_t weight_after(std::uint32_t t) const noexcept {
    const std::uint32_t word = t >> 6;
    const std::uint64_t upto = ~std::uint64_t{0} >> (63 - (t & 63));  // bits 0..t%64
    if (word >= tail_) {
      std::uint64_t after = word_weight(word, ~upto);
      for (std::uint32_t w = word + 1; w <= (next_ >> 6) && w < words(); ++w)
        after += word_sums_[w];
      return after;
    }
    std::uint64_t before = 0;  // words [0, word), all in the tree
    for (std::uint32_t i = word; i > 0; i &= i - 1)
      before += tree_[i];
    return total_ - before - word_weight(word, upto);
  }
  [[nodiscard]] std::uint32_t words() const noexcept {
    return static_cast<std::uint32_t>(bits_.size());
  }
  // Marks the newest time, which is in the tail.
  void mark(std::uint32_t t, std::uint32_t w) noexcept {
    bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
    at_[t] = w;
    word_sums_[t >> 6] += w;
    total_ += w;
    ++marked_;
  }
  void unmark(std::uint32_t t) noexcept {
    const std::uint32_t w = at_[t];
    bits_[t >> 6] &= ~(std::uint64_t{1} << (t & 63));
    word_sums_[t >> 6] -= w;
    if ((t >> 6) < tail_) add(t >> 6, std::uint64_t{0} - w);  // wraps: a subtraction
    total_ -= w;
    --marked_;
  }
  // Moves the tail's full words into the tree.
  void flush_tail() noexcept {
    for (; tail_ < (next_ >> 6); ++tail_)
      add(tail_, word_sums_[tail_]);
  }
  // Fenwick update of word w (tree_ is 1-based: node i covers words (i - lowbit(i), i]).
  void add(std::uint32_t word, std::uint64_t delta) noexcept {
    const auto n = static_cast<std::uint32_t>(tree_.size());
    for (std::uint32_t i = word + 1; i < n; i += i & (0u - i))
      tree_[i] += delta;
  }
  void grow(KeyId key);
  void renumber();
  void rebuild(const std::vector<std::uint32_t>& ordered, std::uint64_t window);

  struct KeySlot {
    std::uint32_t last = kAbsent;  // time of the key's latest access; kAbsent: not in the stack
    std::uint32_t weight = 0;      // its weight in the stack (its latest size)
  };
  std::vector<KeySlot> keys_;             // per key id, one cache line for both fields
  std::vector<std::uint64_t> bits_;       // bit t set: t is a key's latest access
  std::vector<std::uint32_t> at_;         // per time: the weight of its mark, if marked
  std::vector<std::uint64_t> word_sums_;  // per word: the weights of its marks
  std::vector<std::uint64_t>
      tree_;                  // Fenwick tree of word_sums_ over words < tail_; size words + 1
  std::size_t min_window_;    // >= 1
  std::uint32_t window_ = 0;  // times available: bits_.size() * 64, < kAbsent
  std::uint32_t next_ = 0;    // the next access's time; every mark is below it
  std::uint32_t marked_ = 0;  // keys in the stack: bits set in bits_
  std::uint32_t tail_ = 0;    // words >= tail_ are not in tree_; tail_ <= next_ / 64 <= tail_ + 2
  std::uint64_t total_ = 0;   // the weights of every mark
  std::uint64_t size_changes_ = 0;
  std::uint64_t renumberings_ = 0;
};

}  // namespace purecache::sim
