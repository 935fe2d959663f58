#pragma once
/// Exact LRU stack distances (Mattson et al., 1970) over interned key ids, with deletes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// The LRU stack of every cache size at once: a key's stack distance at an access is its depth in
/// the stack (0 = most recent), and an LRU cache of C entries with demand fill hits exactly when
/// the distance is below C. A delete leaves a hole where the key was: the holes count in the
/// depth of the keys below them, and the next access that moves a key up from below a hole (or
/// brings in a new key) fills the topmost one, so that every LRU cache size holds exactly the
/// keys the stack's top C slots hold (docs/mrc.md#semantics).
///
/// Slots are access times: each live key, and each hole, marks the time of its key's latest
/// access in a bitset, with a Fenwick tree of the words' popcounts over it (the newest 64 to 192
/// times left out and scanned instead), so a distance is the count of marks after a time:
/// O(log W) per access for a window of W times (W / 64 tree nodes: 2 * 10^6 times take 128 KiB).
/// When the window is used up, the marks are renumbered 0..M-1 in order and the window rebuilt
/// with at least max(M, ids seen, min_window) free times, so renumbering costs O(1) amortised per
/// access. Memory: 4 bytes per key id seen, plus 1.5 bits per window time. Not thread-safe.
class StackDistanceProfiler {
 public:
  /// The distance of an access to a key that is not in the stack (first access, or after a delete).
  static constexpr std::uint64_t kCold = UINT64_MAX;
  /// Free times after a renumbering at the least; tests pass a tiny one to renumber often.
  static constexpr std::size_t kDefaultMinWindow = std::size_t{1} << 16;

  /// Throws ConfigError unless min_window >= 1.
  explicit StackDistanceProfiler(std::size_t min_window = kDefaultMinWindow);

  /// A get or a set of `key`: returns its stack distance (kCold if absent) and makes it the most
  /// recent. O(log W) amortised.
  std::uint64_t access(KeyId key) {
    if (key >= last_.size()) [[unlikely]]
      grow(key);
    if (next_ == window_) [[unlikely]]
      renumber();
    const std::uint32_t t = last_[key];
    std::uint64_t distance = kCold;
    if (t == kAbsent) {
      if (!holes_.empty()) [[unlikely]]
        fill_top_hole();
    } else {
      distance = marks_after(t);
      if (!holes_.empty() && holes_.front() > t) [[unlikely]] {
        fill_top_hole();  // the key's old slot becomes the hole
        holes_.push_back(t);
        std::push_heap(holes_.begin(), holes_.end());
      } else {
        unmark(t);
      }
    }
    mark(next_);
    last_[key] = next_++;
    if ((next_ >> 6) - tail_ > kTailWords) [[unlikely]]
      flush_tail();
    return distance;
  }

  /// A hint for callers that know their next keys: start loading `key`'s latest access time.
  /// Changes nothing; issue it about 16 accesses ahead.
  void prefetch(KeyId key) const noexcept {
    if (key < last_.size()) __builtin_prefetch(&last_[key]);
  }

  /// A delete of `key`: it leaves the stack, its slot becomes a hole. No-op if absent.
  void erase(KeyId key);

  /// Live keys plus holes: the depth of the stack.
  [[nodiscard]] std::size_t depth() const noexcept { return marked_; }
  /// Holes left by deletes and not yet filled.
  [[nodiscard]] std::size_t holes() const noexcept { return holes_.size(); }
  /// Times the window has been renumbered.
  [[nodiscard]] std::uint64_t renumberings() const noexcept { return renumberings_; }
  /// Bytes held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  // Words of the newest times that the tree leaves out, at most: each access marks the newest
  // time, and outside the tree that costs no tree walk; a recent time is counted by scanning.
  static constexpr std::uint32_t kTailWords = 2;

  // Marks after time t: all marks minus those at or before t, or in the tail, a scan.
  [[nodiscard]] std::uint64_t marks_after(std::uint32_t t) const noexcept {
    const std::uint32_t word = t >> 6;
    if (word >= tail_) {
      std::uint32_t after = bit_count(bits_[word] & ~(~std::uint64_t{0} >> (63 - (t & 63))));
      for (std::uint32_t w = word + 1; w <= (next_ >> 6); ++w)
        after += bit_count(bits_[w]);
      return after;
    }
    std::uint32_t before = 0;  // marks in words [0, word), all in the tree
    for (std::uint32_t i = word; i > 0; i &= i - 1)
      before += tree_[i];
    const std::uint64_t upto = bits_[word] & (~std::uint64_t{0} >> (63 - (t & 63)));
    return marked_ - before - bit_count(upto);
  }
  // std::popcount is a library call where the target lacks a popcount instruction (x86-64
  // baseline): this is the same count in a dozen inline instructions.
  static std::uint32_t bit_count(std::uint64_t x) noexcept {
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<std::uint32_t>((x * 0x0101010101010101ULL) >> 56);
  }
  // Marks the newest time, which is in the tail.
  void mark(std::uint32_t t) noexcept {
    bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
    ++marked_;
  }
  void unmark(std::uint32_t t) noexcept {
    bits_[t >> 6] &= ~(std::uint64_t{1} << (t & 63));
    if ((t >> 6) < tail_) add(t >> 6, UINT32_MAX);  // -1, wrapping
    --marked_;
  }
  // Moves the tail's full words into the tree: a few tree walks per 64 * kTailWords accesses.
  void flush_tail() noexcept {
    for (; tail_ < (next_ >> 6); ++tail_)
      add(tail_, bit_count(bits_[tail_]));
  }
  // Fenwick update of word w (tree_ is 1-based: node i covers words (i - lowbit(i), i]).
  void add(std::uint32_t word, std::uint32_t delta) noexcept {
    const auto n = static_cast<std::uint32_t>(tree_.size());
    for (std::uint32_t i = word + 1; i < n; i += i & (0u - i))
      tree_[i] += delta;
  }
  void fill_top_hole() noexcept {
    std::pop_heap(holes_.begin(), holes_.end());
    unmark(holes_.back());
    holes_.pop_back();
  }
  void grow(KeyId key);
  void renumber();
  void rebuild(std::uint64_t window);

  std::vector<std::uint32_t> last_;  // per key id: time of its latest access; kAbsent: not in stack
  std::vector<std::uint64_t> bits_;  // bit t set: t is a live key's latest access, or a hole
  std::vector<std::uint32_t> tree_;  // Fenwick tree of popcount(bits_[w]); size words + 1
  std::vector<std::uint32_t> holes_;  // times of holes, a max-heap: the topmost hole first
  std::size_t min_window_;            // >= 1
  std::uint32_t window_ = 0;          // times available: bits_.size() * 64, < kAbsent
  std::uint32_t next_ = 0;            // the next access's time; every mark is below it
  std::uint32_t marked_ = 0;          // bits set in bits_
  std::uint32_t tail_ = 0;  // words >= tail_ are not in tree_; tail_ <= next_ / 64 <= tail_ + 2
  std::uint64_t renumberings_ = 0;
};

}  // namespace purecache::sim
