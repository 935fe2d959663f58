#pragma once
/// The backend both library-engine replays build: make_backend's, with timers and trace time.

#include <cstdint>
#include <memory>

#include "purecache/backend/clock.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/sim/replay.hpp"
#include "replay/sampled_hold_timer.hpp"
#include "replay/sampled_wait_timer.hpp"

namespace purecache::sim::detail {

using ReplayValue = std::uint32_t;  // the object size: all a simulated cache needs to hold

/// The backend an application gets from make_backend (index, core, virtual dispatch, and the
/// AsyncMutex or ScheduledAsyncMutex of config.concurrency.hand_off), but on trace time and with
/// its lock holds and waits timed. Sharded by config.concurrency.shards; bounded by
/// config.core, by weight (each entry weighs its value, the request's size) when max_weight is
/// set. Defined in one file for u64 and string keys, so both engines share its instantiations.
/// Throws ConfigError as make_backend.
template <class K>
[[nodiscard]] std::unique_ptr<IBackend<K, ReplayValue>> make_replay_backend(
    const ReplayConfig& config, const VirtualClock& clock, const SampledHoldTimer& hold_timer,
    const SampledWaitTimer& wait_timer);

/// As above, but for the single-threaded replay, whose one coroutine never waits for the lock:
/// with the inline hand-off (the default) the lock is taken as in an application's default
/// backend (NoWaitTimer: a try, then a queued lock, nothing timed or counted); a scheduled one
/// keeps the threaded replay's backend type with a wait timer that counts nothing.
template <class K>
[[nodiscard]] std::unique_ptr<IBackend<K, ReplayValue>> make_replay_backend(
    const ReplayConfig& config, const VirtualClock& clock, const SampledHoldTimer& hold_timer);

}  // namespace purecache::sim::detail
