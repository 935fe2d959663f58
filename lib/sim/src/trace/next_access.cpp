#include "purecache/sim/trace/next_access.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "trace/backward_pass.hpp"

namespace purecache::sim {

std::vector<std::uint64_t> next_access_positions(std::span<const Request> requests,
                                                 std::uint64_t distinct_keys) {
  std::vector<std::uint64_t> next(requests.size());
  // 32-bit positions when they fit: half the scratch table, whose reads are the pass's cache
  // misses (one per request, at random).
  const auto key_at = [requests](std::size_t i) { return requests[i].key; };
  if (requests.size() < std::numeric_limits<std::uint32_t>::max()) {
    detail::backward_pass<std::uint32_t>(requests.size(), distinct_keys, key_at, next.data(),
                                         kNoNextAccess);
  } else {
    detail::backward_pass<std::uint64_t>(requests.size(), distinct_keys, key_at, next.data(),
                                         kNoNextAccess);
  }
  return next;
}

}  // namespace purecache::sim
