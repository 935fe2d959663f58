#include "replay/replay_backend.hpp"

#include <string>

#include "purecache/async/async_mutex.hpp"
#include "purecache/backend/backend_config.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/backend/wait_timer.hpp"

namespace purecache::sim::detail {

namespace {

/// `Wait`: SampledWaitTimer, or NoWaitTimer for the lock of an application's default backend.
template <HandOff Mode, class Wait>
struct LibraryReplayBackendPolicy {
  using Clock = VirtualClock;
  using Mutex = BasicAsyncMutex<purecache::detail::AtomicLockState, Mode>;
  using HoldTimer = SampledHoldTimer;
  using WaitTimer = Wait;
};

template <class K, HandOff Mode, class Wait>
std::unique_ptr<IBackend<K, ReplayValue>> make_with(const ReplayConfig& config,
                                                    const VirtualClock& clock,
                                                    const SampledHoldTimer& hold_timer,
                                                    const Wait& wait_timer) {
  BackendConfig<K, ReplayValue> backend_config{.core = config.core,
                                               .shards = config.concurrency.shards};
  // Bytes: each entry weighs its value, the request's size, as an application's weigher would.
  if (config.core.max_weight != 0) {
    backend_config.weigher = [](const K&, ReplayValue size) -> std::uint64_t { return size; };
  }
  return make_backend<K, ReplayValue, LibraryReplayBackendPolicy<Mode, Wait>>(
      config.policy, backend_config, clock, hold_timer, wait_timer);
}

}  // namespace

template <class K>
std::unique_ptr<IBackend<K, ReplayValue>> make_replay_backend(const ReplayConfig& config,
                                                              const VirtualClock& clock,
                                                              const SampledHoldTimer& hold_timer,
                                                              const SampledWaitTimer& wait_timer) {
  if (config.concurrency.hand_off == HandOff::scheduled) {
    return make_with<K, HandOff::scheduled>(config, clock, hold_timer, wait_timer);
  }
  return make_with<K, HandOff::inline_resume>(config, clock, hold_timer, wait_timer);
}

template <class K>
std::unique_ptr<IBackend<K, ReplayValue>> make_replay_backend(const ReplayConfig& config,
                                                              const VirtualClock& clock,
                                                              const SampledHoldTimer& hold_timer) {
  // Uncontended, both hand-offs run the same lock code. The scheduled one keeps the backend type
  // the threaded replay builds (with a wait timer that counts nothing) rather than instantiate
  // every policy once more for a configuration whose hand-off never acts.
  if (config.concurrency.hand_off == HandOff::scheduled) {
    return make_with<K, HandOff::scheduled>(config, clock, hold_timer, SampledWaitTimer());
  }
  return make_with<K, HandOff::inline_resume>(config, clock, hold_timer, NoWaitTimer{});
}

template std::unique_ptr<IBackend<std::uint64_t, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&, const SampledWaitTimer&);
template std::unique_ptr<IBackend<std::string, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&, const SampledWaitTimer&);
template std::unique_ptr<IBackend<std::uint64_t, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&);
template std::unique_ptr<IBackend<std::string, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&);

}  // namespace purecache::sim::detail
