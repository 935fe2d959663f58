#include "purecache/sim/mrc/byte_stack_distance_profiler.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

namespace {

// The most times a window holds: a multiple of 64 below the kAbsent marker.
constexpr std::uint64_t kMaxWindow = (std::uint64_t{UINT32_MAX} / 64) * 64;

}  // namespace

ByteStackDistanceProfiler::ByteStackDistanceProfiler(std::size_t min_window)
    : min_window_(min_window) {
  if (min_window == 0) throw ConfigError("stack distance window must be >= 1, got 0");
  rebuild({}, std::min<std::uint64_t>(min_window, kMaxWindow));
}

void ByteStackDistanceProfiler::erase(KeyId key) noexcept {
  if (key >= keys_.size() || keys_[key].last == kAbsent) return;
  unmark(keys_[key].last);
  keys_[key].last = kAbsent;
}

std::size_t ByteStackDistanceProfiler::memory_bytes() const noexcept {
  return keys_.capacity() * sizeof(KeySlot) + at_.capacity() * sizeof(std::uint32_t) +
         (bits_.capacity() + word_sums_.capacity() + tree_.capacity()) * sizeof(std::uint64_t);
}

void ByteStackDistanceProfiler::grow(KeyId key) {
  keys_.resize(std::max(std::size_t{key} + 1, keys_.size() * 2));
}

// Marks keep their order and become 0..M-1, so every distance is preserved; the window then has
// at least max(M, ids seen, min_window) free times, which makes renumbering O(1) amortised.
void ByteStackDistanceProfiler::renumber() {
  std::vector<std::uint32_t> base(bits_.size());  // marks in the words before each word
  std::uint32_t run = 0;
  for (std::size_t w = 0; w < bits_.size(); ++w) {
    base[w] = run;
    run += static_cast<std::uint32_t>(std::popcount(bits_[w]));
  }
  if (marked_ >= kMaxWindow) {
    throw ConfigError("LRU stack deeper than " + std::to_string(kMaxWindow - 1) + " keys");
  }
  std::vector<std::uint32_t> ordered(marked_);  // the marks' weights, oldest first
  for (KeySlot& slot : keys_) {
    const std::uint32_t t = slot.last;
    if (t == kAbsent) continue;
    const std::uint64_t below = bits_[t >> 6] & ((std::uint64_t{1} << (t & 63)) - 1);
    const std::uint32_t rank = base[t >> 6] + static_cast<std::uint32_t>(std::popcount(below));
    slot.last = rank;
    ordered[rank] = at_[t];
  }
  const std::uint64_t free = std::max<std::uint64_t>({marked_, keys_.size(), min_window_});
  rebuild(ordered, std::min(std::uint64_t{marked_} + free, kMaxWindow));
  ++renumberings_;
}

// A window of `window` times whose first ordered.size() (== marked_) hold these weights.
void ByteStackDistanceProfiler::rebuild(const std::vector<std::uint32_t>& ordered,
                                        std::uint64_t window) {
  const std::size_t words = static_cast<std::size_t>((window + 63) / 64);
  bits_.assign(words, 0);
  for (std::uint32_t w = 0; w < marked_ / 64; ++w)
    bits_[w] = ~std::uint64_t{0};
  if (marked_ % 64 != 0) bits_[marked_ / 64] = (std::uint64_t{1} << (marked_ % 64)) - 1;
  at_.assign(words * 64, 0);
  std::copy(ordered.begin(), ordered.end(), at_.begin());
  word_sums_.assign(words, 0);
  for (std::size_t t = 0; t < ordered.size(); ++t)
    word_sums_[t / 64] += ordered[t];
  // Linear Fenwick construction over the full words; the partial one starts the tail.
  tail_ = marked_ / 64;
  tree_.assign(words + 1, 0);
  for (std::size_t i = 1; i <= words; ++i) {
    if (i - 1 < tail_) tree_[i] += word_sums_[i - 1];
    const std::size_t parent = i + (i & (0 - i));
    if (parent <= words) tree_[parent] += tree_[i];
  }
  window_ = static_cast<std::uint32_t>(words * 64);
  next_ = marked_;
}

}  // namespace purecache::sim
