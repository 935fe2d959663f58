#include "purecache/sim/trace/next_access.hpp"

#include <cstddef>

namespace purecache::sim {

std::vector<std::uint64_t> next_access_positions(std::span<const Request> requests,
                                                 std::uint64_t distinct_keys) {
  std::vector<std::uint64_t> next(requests.size());
  // Walking backwards, seen[key] is the position of the key's nearest later request.
  std::vector<std::uint64_t> seen(static_cast<std::size_t>(distinct_keys), kNoNextAccess);
  for (std::size_t i = requests.size(); i-- > 0;) {
    const KeyId key = requests[i].key;
    if (key >= seen.size()) [[unlikely]] seen.resize(std::size_t{key} + 1, kNoNextAccess);
    next[i] = seen[key];
    seen[key] = i;
  }
  return next;
}

}  // namespace purecache::sim
