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
  const std::uint64_t window = std::min<std::uint64_t>(min_window, kMaxWindow);
  bits_.assign(static_cast<std::size_t>((window + 63) / 64), 0);
  window_ = static_cast<std::uint32_t>(bits_.size() * 64);
  tree_.assign(std::size_t{window_} + 1, 0);
}

void ByteStackDistanceProfiler::erase(KeyId key) noexcept {
  if (key >= last_.size() || last_[key] == kAbsent) return;
  unmark(last_[key], weight_[key]);
  last_[key] = kAbsent;
}

std::size_t ByteStackDistanceProfiler::memory_bytes() const noexcept {
  return (last_.capacity() + weight_.capacity()) * sizeof(std::uint32_t) +
         (bits_.capacity() + tree_.capacity()) * sizeof(std::uint64_t);
}

void ByteStackDistanceProfiler::grow(KeyId key) {
  const std::size_t size = std::max(std::size_t{key} + 1, last_.size() * 2);
  last_.resize(size, kAbsent);
  weight_.resize(size, 0);
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
  const std::uint64_t free = std::max<std::uint64_t>({marked_, last_.size(), min_window_});
  if (marked_ >= kMaxWindow) {
    throw ConfigError("LRU stack deeper than " + std::to_string(kMaxWindow - 1) + " keys");
  }
  const std::uint64_t window = std::min(std::uint64_t{marked_} + free, kMaxWindow);
  const std::size_t words = static_cast<std::size_t>((window + 63) / 64);
  std::vector<std::uint64_t> tree(words * 64 + 1, 0);
  for (std::size_t key = 0; key < last_.size(); ++key) {
    const std::uint32_t t = last_[key];
    if (t == kAbsent) continue;
    const std::uint64_t below = bits_[t >> 6] & ((std::uint64_t{1} << (t & 63)) - 1);
    const std::uint32_t rank = base[t >> 6] + static_cast<std::uint32_t>(std::popcount(below));
    last_[key] = rank;
    tree[std::size_t{rank} + 1] = weight_[key];
  }
  // Linear Fenwick construction: each node adds itself into its parent.
  for (std::size_t i = 1; i < tree.size(); ++i) {
    const std::size_t parent = i + (i & (0 - i));
    if (parent < tree.size()) tree[parent] += tree[i];
  }
  tree_ = std::move(tree);
  bits_.assign(words, 0);
  for (std::uint32_t w = 0; w < marked_ / 64; ++w)
    bits_[w] = ~std::uint64_t{0};
  if (marked_ % 64 != 0) bits_[marked_ / 64] = (std::uint64_t{1} << (marked_ % 64)) - 1;
  window_ = static_cast<std::uint32_t>(words * 64);
  next_ = marked_;
  ++renumberings_;
}

}  // namespace purecache::sim
