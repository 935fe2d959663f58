#pragma once
/// The ranges of purecache-sim's time options, in the units the user types
/// (docs/replay-semantics.md).

#include <cstdint>

namespace purecache::sim {

/// Most whole seconds the replay's clock (signed 64-bit nanoseconds) holds: floor((2^63-1) / 1e9).
/// The largest --ttl, and the largest synthetic step (the smallest --rate is its inverse).
inline constexpr std::int64_t kMaxWholeSeconds = 9'223'372'036;
/// Smallest --ttl: one nanosecond, the clock's resolution.
inline constexpr double kMinTTLSeconds = 1e-9;
/// Largest --rate: one request per nanosecond, so that no two requests share a time.
inline constexpr std::int64_t kMaxRate = 1'000'000'000;

}  // namespace purecache::sim
