#pragma once
/// The backward pass that finds each request's next access, over whichever form the trace is
/// held in: a LoadedTrace's Requests or an OfflineTrace's key column.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "purecache/sim/trace/request.hpp"

namespace purecache::sim::detail {

/// For i in [0, count): next[i] = the position of the next request to key_at(i), or `never`.
/// Walking backwards, seen[key] is the position of the key's nearest later request; `Position`
/// must hold every position. Its reads are the pass's cache misses, one per request at random:
/// the keys are known ahead, so each is requested early enough to overlap the others.
/// `distinct_keys` sizes the scratch table (keys above it still work).
template <class Position, class KeyAt, class Out>
void backward_pass(std::size_t count, std::uint64_t distinct_keys, KeyAt key_at, Out* next,
                   Out never) {
  constexpr Position kUnseen = std::numeric_limits<Position>::max();
  constexpr std::size_t kAhead = 16;
  std::vector<Position> seen(static_cast<std::size_t>(distinct_keys), kUnseen);
  for (std::size_t i = count; i-- > 0;) {
    if (i >= kAhead) {
      const KeyId ahead = key_at(i - kAhead);
      if (ahead < seen.size()) __builtin_prefetch(seen.data() + ahead);
    }
    const KeyId key = key_at(i);
    if (key >= seen.size()) [[unlikely]] seen.resize(std::size_t{key} + 1, kUnseen);
    const Position later = seen[key];
    next[i] = later == kUnseen ? never : static_cast<Out>(later);
    seen[key] = static_cast<Position>(i);
  }
}

}  // namespace purecache::sim::detail
