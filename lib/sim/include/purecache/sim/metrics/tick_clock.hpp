#pragma once
/// The cheapest monotonic clock available, for timing short sections such as lock holds.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "purecache/detail/uint128.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace purecache::sim {

namespace detail {

/// True when ticks come from the TSC: x86-64 with an invariant TSC (CPUID 0x80000007 EDX bit 8)
/// and PURECACHE_TICK_SOURCE not set to "steady_clock". Runs CPUID once; cold.
[[nodiscard]] bool detect_tsc_source() noexcept;

/// The source decision, made on first use and fixed for the life of the process.
[[nodiscard]] inline bool tsc_in_use() noexcept {
  static const bool use_tsc = detect_tsc_source();
  return use_tsc;
}

/// Nanoseconds per tick as 32.32 fixed point; 0 until the first calibration.
inline std::atomic<std::uint64_t> tick_ns_multiplier{0};

/// Calibrates once (the first caller sleeps ~20 ms) and returns the multiplier; cold.
[[nodiscard]] std::uint64_t first_calibration() noexcept;
}  // namespace detail

/// Monotonic ticks: the TSC where it is invariant (rdtsc), else steady_clock
/// nanoseconds. Ticks are only meaningful as differences within one process; convert a
/// difference with ticks_to_ns(). See docs/timing.md for the measurements behind the choice.
class TickClock {
 public:
  /// Current tick count. Never blocks, never calibrates: one well-predicted branch plus rdtsc.
  /// rdtsc is not serializing, so a reading may drift a few cycles relative to nearby loads;
  /// fine for lock holds of tens of nanoseconds and up, not for cycle-exact microbenchmarks.
  [[nodiscard]] static std::uint64_t now_ticks() noexcept {
#if defined(__x86_64__)
    if (detail::tsc_in_use()) {
      return __rdtsc();
    }
#endif
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }

  /// Converts a tick count (usually a difference) to nanoseconds: one 64x64->128 multiply.
  /// The first call in a process calibrates (blocks ~20 ms) unless calibrate() ran already.
  [[nodiscard]] static std::uint64_t ticks_to_ns(std::uint64_t ticks) noexcept {
    std::uint64_t multiplier = detail::tick_ns_multiplier.load(std::memory_order_relaxed);
    if (multiplier == 0) [[unlikely]] {
      multiplier = detail::first_calibration();
    }
    return static_cast<std::uint64_t>((purecache::detail::Uint128{ticks} * multiplier) >> 32);
  }

  /// A tick and a steady_clock reading taken together, to calibrate over a span of work.
  struct Mark {
    std::uint64_t ticks;
    std::uint64_t ns;
  };
  /// Reads both clocks now; pass the result to calibrate_since() later.
  [[nodiscard]] static Mark mark() noexcept;

  /// Measures the tick rate against steady_clock over ~20 ms (sleeping) and installs it.
  /// Thread-safe; callers racing with ticks_to_ns() see the old or the new rate.
  static void calibrate() noexcept;
  /// Like calibrate(), over the time since `since` instead: a long run (a trace replay) calibrates
  /// on its own duration, more precisely and without the sleep. A span under ~20 ms keeps the
  /// current rate, or if there is none yet, sleeps for the rest of the 20 ms.
  static void calibrate_since(const Mark& since) noexcept;

  /// "tsc" or "steady_clock".
  [[nodiscard]] static std::string_view source() noexcept {
    return detail::tsc_in_use() ? "tsc" : "steady_clock";
  }

  /// Calibrated ticks per second (1e9 for steady_clock); calibrates first if needed.
  [[nodiscard]] static double ticks_per_second() noexcept;
};

}  // namespace purecache::sim
