#pragma once
/// Event counters spread over cache lines by thread, so that threads on different cores counting
/// into one object do not pass a single line back and forth on every event.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace purecache::detail {

/// Where the next thread to count starts counting.
inline std::atomic<std::size_t> next_thread_stripe{0};

/// The calling thread's stripe number, assigned in turn on its first count and the same for every
/// StripedCounters: threads that count at once mostly land on different lines.
[[nodiscard]] inline std::size_t thread_stripe() noexcept {
  static constinit thread_local std::size_t stripe = std::numeric_limits<std::size_t>::max();
  if (stripe == std::numeric_limits<std::size_t>::max()) [[unlikely]]
    stripe = next_thread_stripe.fetch_add(1, std::memory_order_relaxed);
  return stripe;
}

/// `Fields` counters, each kept as partial counts on separate cache lines, summed by sum()
/// (relaxed: a count in progress on another thread may or may not be in it).
/// - The first `Stripes` threads of the process to count (thread_stripe() below `Stripes`) each
///   own a line, which no other thread writes, and add with a plain load and store. An atomic
///   read-modify-write would wait for the core's earlier stores to drain first, which after a
///   cache miss costs tens of nanoseconds: 7-10% of a library-engine replay (docs/performance.md).
/// - Later threads add with relaxed atomic increments to `Stripes` shared lines, spread as
///   before, which stays correct, only slower.
template <std::size_t Fields, std::size_t Stripes = 8>
class StripedCounters {
 public:
  void add(std::size_t field) noexcept {
    const std::size_t stripe = thread_stripe();
    if (stripe < Stripes) [[likely]] {
      std::atomic<std::uint64_t>& count = owned_[stripe].counts[field];
      count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      return;
    }
    shared_[stripe % Stripes].counts[field].fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t sum(std::size_t field) const noexcept {
    std::uint64_t total = 0;
    for (const Stripe& stripe : owned_) total += stripe.counts[field].load(std::memory_order_relaxed);
    for (const Stripe& stripe : shared_) total += stripe.counts[field].load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(64) Stripe {
    std::array<std::atomic<std::uint64_t>, Fields> counts{};
  };
  std::array<Stripe, Stripes> owned_{};   // line s: written by the thread of stripe s only
  std::array<Stripe, Stripes> shared_{};  // later threads, by atomic increments
};

}  // namespace purecache::detail
