#include "purecache/sim/trace/next_access.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace purecache::sim {

namespace {

/// The backward pass with `Position` wide enough for every request position: walking backwards,
/// seen[key] is the position of the key's nearest later request, or kUnseen.
template <class Position>
void fill_next_access(std::span<const Request> requests, std::uint64_t distinct_keys,
                      std::vector<std::uint64_t>& next) {
  constexpr Position kUnseen = std::numeric_limits<Position>::max();
  std::vector<Position> seen(static_cast<std::size_t>(distinct_keys), kUnseen);
  for (std::size_t i = requests.size(); i-- > 0;) {
    const KeyId key = requests[i].key;
    if (key >= seen.size()) [[unlikely]] seen.resize(std::size_t{key} + 1, kUnseen);
    const Position later = seen[key];
    next[i] = later == kUnseen ? kNoNextAccess : later;
    seen[key] = static_cast<Position>(i);
  }
}

}  // namespace

std::vector<std::uint64_t> next_access_positions(std::span<const Request> requests,
                                                 std::uint64_t distinct_keys) {
  std::vector<std::uint64_t> next(requests.size());
  // 32-bit positions when they fit: half the scratch table, whose reads are the pass's cache
  // misses (one per request, at random).
  if (requests.size() < std::numeric_limits<std::uint32_t>::max()) {
    fill_next_access<std::uint32_t>(requests, distinct_keys, next);
  } else {
    fill_next_access<std::uint64_t>(requests, distinct_keys, next);
  }
  return next;
}

}  // namespace purecache::sim
