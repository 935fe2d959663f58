#pragma once
/// How a backend measures how long an operation waits for its lock.

#include <type_traits>

namespace purecache {

/// Measures nothing and costs nothing: the default. A wait timer supplies
/// `Mark start() noexcept`, called before the lock is requested, and
/// `void stop(Mark, bool queued) noexcept`, called once it is acquired, with queued true when the
/// lock was held and the operation waited in its queue. Unlike a hold timer it runs outside the
/// lock, on whichever threads request and acquire it (stop may run on another thread than
/// start: the one that handed the lock over), so it must be safe to call from any number of
/// threads at once; it is copied into each operation that awaits the lock.
struct NoWaitTimer {
  struct Mark {};
  [[nodiscard]] Mark start() const noexcept { return {}; }
  void stop(Mark /*unused*/, bool /*queued*/) const noexcept {}
};

namespace detail {
template <class Policy>
struct PolicyWaitTimer {
  using type = NoWaitTimer;
};
template <class Policy>
  requires requires { typename Policy::WaitTimer; }
struct PolicyWaitTimer<Policy> {
  using type = typename Policy::WaitTimer;
};
}  // namespace detail

/// A backend policy's WaitTimer, or NoWaitTimer when it names none (policies written before the
/// hook existed keep compiling, and time no wait).
template <class Policy>
using policy_wait_timer_t = typename detail::PolicyWaitTimer<Policy>::type;

/// True when `Timer` measures something: backends compile the timing out for NoWaitTimer.
template <class Timer>
inline constexpr bool kTimesWait = !std::is_same_v<Timer, NoWaitTimer>;

}  // namespace purecache
