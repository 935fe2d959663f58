#pragma once
/// Time as the cores see it: plain nanosecond counts passed in by the caller.

#include <chrono>

namespace purecache {

/// A span of time. Cores and backends take TTLs in this unit.
using Duration = std::chrono::nanoseconds;

/// A point in time, as an offset from the epoch of whichever clock produced it.
/// Cores never read a clock: the shell passes `now` in, so replays can use trace time.
using Timestamp = std::chrono::nanoseconds;

/// Passed as the per-entry TTL to mean "use the core's configured default".
inline constexpr Duration kDefaultTTL{0};

/// now + ttl for ttl > 0, saturating at Timestamp::max() (an entry that outlives the clock
/// never expires) instead of overflowing into the past.
[[nodiscard]] constexpr Timestamp expiry_time(Timestamp now, Duration ttl) noexcept {
  return now > Timestamp::zero() && ttl > Timestamp::max() - now ? Timestamp::max() : now + ttl;
}

}  // namespace purecache
