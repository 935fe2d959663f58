#pragma once
/// When each request's key is requested again: what an offline policy (Belady) needs to know.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// The next access of a request whose key is never requested again (BeladyCore::kNever).
inline constexpr std::uint64_t kNoNextAccess = std::numeric_limits<std::uint64_t>::max();

/// For each request, the position in `requests` (from 0) of the next request to the same key,
/// whatever its operation, or kNoNextAccess: one backward pass, O(n) time, 8 bytes per request
/// and 4 per distinct key (8 past 2^32 - 1 requests). `distinct_keys` sizes the scratch table
/// (keys above it still work).
[[nodiscard]] std::vector<std::uint64_t> next_access_positions(std::span<const Request> requests,
                                                               std::uint64_t distinct_keys);

}  // namespace purecache::sim
