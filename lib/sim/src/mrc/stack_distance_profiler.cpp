#include "purecache/sim/mrc/stack_distance_profiler.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

namespace {

// The most times a window holds: a multiple of 64 below the kAbsent marker.
constexpr std::uint64_t kMaxWindow = (std::uint64_t{UINT32_MAX} / 64) * 64;

}  // namespace

StackDistanceProfiler::StackDistanceProfiler(std::size_t min_window) : min_window_(min_window) {
  if (min_window == 0) throw ConfigError("stack distance window must be >= 1, got 0");
  rebuild(std::min<std::uint64_t>(min_window, kMaxWindow));
}

void StackDistanceProfiler::erase(KeyId key) {
  if (key >= last_.size() || last_[key] == kAbsent) return;
  holes_.push_back(last_[key]);
  std::push_heap(holes_.begin(), holes_.end());
  last_[key] = kAbsent;
}

std::size_t StackDistanceProfiler::memory_bytes() const noexcept {
  return last_.capacity() * sizeof(std::uint32_t) + bits_.capacity() * sizeof(std::uint64_t) +
         tree_.capacity() * sizeof(std::uint32_t) + holes_.capacity() * sizeof(std::uint32_t);
}

void StackDistanceProfiler::grow(KeyId key) {
  const std::size_t size = std::max(std::size_t{key} + 1, last_.size() * 2);
  last_.resize(size, kAbsent);
}

// Marks keep their order and become 0..M-1: a live key's distance is the count of marks after
// its time, which renumbering preserves.
void StackDistanceProfiler::renumber() {
  std::vector<std::uint32_t> base(bits_.size());  // marks in the words before each word
  std::uint32_t run = 0;
  for (std::size_t w = 0; w < bits_.size(); ++w) {
    base[w] = run;
    run += static_cast<std::uint32_t>(std::popcount(bits_[w]));
  }
  const auto rank = [&](std::uint32_t t) {
    const std::uint64_t below = bits_[t >> 6] & ((std::uint64_t{1} << (t & 63)) - 1);
    return base[t >> 6] + static_cast<std::uint32_t>(std::popcount(below));
  };
  for (std::uint32_t& t : last_) {
    if (t != kAbsent) t = rank(t);
  }
  for (std::uint32_t& t : holes_)
    t = rank(t);  // an order-preserving map keeps the heap a heap
  // Free times at least the stack's depth and the ids seen: the next renumbering, which costs
  // O(window / 64 + ids + holes), comes after at least as many accesses.
  const std::uint64_t free = std::max<std::uint64_t>({marked_, last_.size(), min_window_});
  if (marked_ >= kMaxWindow) {
    throw ConfigError("LRU stack deeper than " + std::to_string(kMaxWindow - 1) +
                      " keys and holes");
  }
  rebuild(std::min(std::uint64_t{marked_} + free, kMaxWindow));
  ++renumberings_;
}

// A window of `window` times whose first marked_ are marked.
void StackDistanceProfiler::rebuild(std::uint64_t window) {
  const std::size_t words = static_cast<std::size_t>((window + 63) / 64);
  bits_.assign(words, 0);
  for (std::uint32_t w = 0; w < marked_ / 64; ++w)
    bits_[w] = ~std::uint64_t{0};
  if (marked_ % 64 != 0) bits_[marked_ / 64] = (std::uint64_t{1} << (marked_ % 64)) - 1;
  // Linear Fenwick construction over the full words; the partial one starts the tail.
  tail_ = marked_ / 64;
  tree_.assign(words + 1, 0);
  for (std::size_t i = 1; i <= words; ++i) {
    if (i - 1 < tail_) tree_[i] += static_cast<std::uint32_t>(std::popcount(bits_[i - 1]));
    const std::size_t parent = i + (i & (0 - i));
    if (parent <= words) tree_[parent] += tree_[i];
  }
  window_ = static_cast<std::uint32_t>(words * 64);
  next_ = marked_;
}

}  // namespace purecache::sim
