#include "replay/replay_backend.hpp"

#include <string>

#include "purecache/async/async_mutex.hpp"
#include "purecache/backend/backend_config.hpp"
#include "purecache/backend/make_backend.hpp"

namespace purecache::sim::detail {

namespace {

template <HandOff Mode>
struct LibraryReplayBackendPolicy {
  using Clock = VirtualClock;
  using Mutex = BasicAsyncMutex<purecache::detail::AtomicLockState, Mode>;
  using HoldTimer = SampledHoldTimer;
  using WaitTimer = SampledWaitTimer;
};

}  // namespace

template <class K>
std::unique_ptr<IBackend<K, ReplayValue>> make_replay_backend(const ReplayConfig& config,
                                                              const VirtualClock& clock,
                                                              const SampledHoldTimer& hold_timer,
                                                              const SampledWaitTimer& wait_timer) {
  BackendConfig<K, ReplayValue> backend_config{.core = config.core,
                                               .shards = config.concurrency.shards};
  // Bytes: each entry weighs its value, the request's size, as an application's weigher would.
  if (config.core.max_weight != 0) {
    backend_config.weigher = [](const K&, ReplayValue size) -> std::uint64_t { return size; };
  }
  if (config.concurrency.hand_off == HandOff::scheduled) {
    return make_backend<K, ReplayValue, LibraryReplayBackendPolicy<HandOff::scheduled>>(
        config.policy, backend_config, clock, hold_timer, wait_timer);
  }
  return make_backend<K, ReplayValue, LibraryReplayBackendPolicy<HandOff::inline_resume>>(
      config.policy, backend_config, clock, hold_timer, wait_timer);
}

template std::unique_ptr<IBackend<std::uint64_t, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&, const SampledWaitTimer&);
template std::unique_ptr<IBackend<std::string, ReplayValue>> make_replay_backend(
    const ReplayConfig&, const VirtualClock&, const SampledHoldTimer&, const SampledWaitTimer&);

}  // namespace purecache::sim::detail
