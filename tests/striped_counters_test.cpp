#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "purecache/detail/striped_counters.hpp"

namespace {

using purecache::detail::StripedCounters;

constexpr std::uint64_t kAddsPerThread = 500'000;

}  // namespace

TEST_CASE("striped counters count every add of a single thread, field by field",
          "[cache][counters]") {
  StripedCounters<3> counters;
  for (int i = 0; i < 5; ++i) counters.add(0);
  counters.add(2);
  CHECK(counters.sum(0) == 5);
  CHECK(counters.sum(1) == 0);
  CHECK(counters.sum(2) == 1);
}

TEST_CASE("striped counters lose no add when more threads count at once than there are lines",
          "[cache][counters][concurrency]") {
  // Two lines for thirteen threads: most lines are shared by several threads at once.
  StripedCounters<2, 2> counters;
  constexpr std::size_t kThreads = 12;
  std::latch start(kThreads + 1);  // every thread counts at once, not one after another
  std::vector<std::thread> threads;
  for (std::size_t n = 0; n < kThreads; ++n) {
    threads.emplace_back([&counters, &start] {
      start.arrive_and_wait();
      for (std::uint64_t i = 0; i < kAddsPerThread; ++i) counters.add(0);
    });
  }
  start.arrive_and_wait();
  for (std::uint64_t i = 0; i < kAddsPerThread; ++i) counters.add(1);  // this thread too
  for (std::thread& thread : threads) thread.join();
  CHECK(counters.sum(0) == kThreads * kAddsPerThread);
  CHECK(counters.sum(1) == kAddsPerThread);
}

TEST_CASE("striped counters lose no add when every thread counting at once owns its line",
          "[cache][counters][concurrency]") {
  // Enough lines that every thread this process has started owns one: the owners add with a
  // plain load and store, correct only if no two threads ever write the same owned line.
  constexpr std::size_t kLines = 1 << 16;
  const auto counters = std::make_unique<StripedCounters<1, kLines>>();
  constexpr std::size_t kThreads = 12;
  std::latch start(kThreads);
  std::vector<std::size_t> stripes(kThreads);
  std::vector<std::thread> threads;
  for (std::size_t n = 0; n < kThreads; ++n) {
    threads.emplace_back([&counters, &start, &stripes, n] {
      stripes[n] = purecache::detail::thread_stripe();
      start.arrive_and_wait();
      for (std::uint64_t i = 0; i < kAddsPerThread; ++i) counters->add(0);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::size_t stripe : stripes) REQUIRE(stripe < kLines);
  CHECK(counters->sum(0) == kThreads * kAddsPerThread);
}
