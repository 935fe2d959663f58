#include "purecache/sim/metrics/tick_clock.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <thread>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace purecache::sim {

namespace {

constexpr std::uint64_t kOneNsPerTick = std::uint64_t{1} << 32;
constexpr std::chrono::milliseconds kCalibrationSpan{20};

std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

#if defined(__x86_64__)
// Bracketing the steady_clock read between two TSC reads and taking the midpoint halves the
// pairing error; keeping the narrowest of a few brackets matters more: the first reads after
// waking from the calibration sleep can take microseconds, which skewed a 20 ms
// calibration by ~100 ppm.
TickClock::Mark read_pair() noexcept {
  TickClock::Mark best{0, 0};
  std::uint64_t best_width = UINT64_MAX;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::uint64_t before = __rdtsc();
    const std::uint64_t ns = steady_ns();
    const std::uint64_t after = __rdtsc();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, ns};
    }
  }
  return best;
}
#endif

}  // namespace

namespace detail {

bool detect_tsc_source() noexcept {
  // Lets the fallback be exercised (and benchmarked) on a machine that has a usable TSC.
  if (const char* forced = std::getenv("PURECACHE_TICK_SOURCE")) {
    if (std::string_view(forced) == "steady_clock") {
      return false;
    }
  }
#if defined(__x86_64__)
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid(0x80000000U, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007U) {
    return false;
  }
  __get_cpuid(0x80000007U, &eax, &ebx, &ecx, &edx);
  // Invariant TSC: constant rate across P-/C-states and synchronised across cores, so ticks
  // from different threads are comparable and the rate is calibrated once.
  return (edx & (1U << 8)) != 0;
#else
  return false;
#endif
}

std::uint64_t first_calibration() noexcept {
  static const bool calibrated = (TickClock::calibrate(), true);
  (void)calibrated;
  return tick_ns_multiplier.load(std::memory_order_relaxed);
}

}  // namespace detail

TickClock::Mark TickClock::mark() noexcept {
#if defined(__x86_64__)
  if (detail::tsc_in_use()) {
    return read_pair();
  }
#endif
  const std::uint64_t ns = steady_ns();
  return {ns, ns};
}

void TickClock::calibrate() noexcept { calibrate_since(mark()); }

void TickClock::calibrate_since(const Mark& since) noexcept {
  std::uint64_t multiplier = kOneNsPerTick;  // steady_clock ticks are nanoseconds
#if defined(__x86_64__)
  if (detail::tsc_in_use()) {
    const auto span = std::chrono::nanoseconds(steady_ns() - since.ns);
    if (span < kCalibrationSpan) {
      // Too short to measure well: keep an earlier rate if there is one, else wait it out.
      if (detail::tick_ns_multiplier.load(std::memory_order_relaxed) != 0) return;
      std::this_thread::sleep_for(kCalibrationSpan - span);
    }
    const Mark end = read_pair();
    // The span is millions of units; max() only keeps a broken clock from dividing by zero.
    const std::uint64_t ticks = std::max<std::uint64_t>(end.ticks - since.ticks, 1);
    const std::uint64_t ns = end.ns - since.ns;
    multiplier = std::max<std::uint64_t>(
        static_cast<std::uint64_t>((purecache::detail::Uint128{ns} << 32) / ticks), 1);
  }
#endif
  detail::tick_ns_multiplier.store(multiplier, std::memory_order_relaxed);
}

double TickClock::ticks_per_second() noexcept {
  std::uint64_t multiplier = detail::tick_ns_multiplier.load(std::memory_order_relaxed);
  if (multiplier == 0) {
    multiplier = detail::first_calibration();
  }
  return 1e9 * static_cast<double>(kOneNsPerTick) / static_cast<double>(multiplier);
}

}  // namespace purecache::sim
