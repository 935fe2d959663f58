// Costs behind docs/timing.md: clock reads, histogram recording, synthetic trace generation.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "purecache/sim/trace/trace_generator.hpp"

namespace {

using purecache::sim::TickClock;

#if defined(__x86_64__)
void BM_rdtsc(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(__rdtsc());
  }
}
BENCHMARK(BM_rdtsc);

void BM_rdtscp(benchmark::State& state) {
  unsigned aux = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(__rdtscp(&aux));
  }
}
BENCHMARK(BM_rdtscp);

void BM_lfence_rdtsc(benchmark::State& state) {
  for (auto _ : state) {
    _mm_lfence();
    benchmark::DoNotOptimize(__rdtsc());
  }
}
BENCHMARK(BM_lfence_rdtsc);
#endif

void BM_steady_clock_now(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::chrono::steady_clock::now());
  }
}
BENCHMARK(BM_steady_clock_now);

void BM_clock_gettime_monotonic_raw(benchmark::State& state) {
  timespec ts{};
  for (auto _ : state) {
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    benchmark::DoNotOptimize(ts);
  }
}
BENCHMARK(BM_clock_gettime_monotonic_raw);

void BM_clock_gettime_monotonic_coarse(benchmark::State& state) {
  timespec ts{};
  for (auto _ : state) {
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    benchmark::DoNotOptimize(ts);
  }
}
BENCHMARK(BM_clock_gettime_monotonic_coarse);

void BM_TickClock_now_ticks(benchmark::State& state) {
  state.SetLabel(std::string(TickClock::source()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(TickClock::now_ticks());
  }
}
BENCHMARK(BM_TickClock_now_ticks);

// What timing one lock hold costs: two reads, a conversion and a histogram record.
void BM_TickClock_timed_section(benchmark::State& state) {
  purecache::sim::LatencyHistogram histogram;
  (void)TickClock::ticks_to_ns(1);  // calibrate outside the loop
  for (auto _ : state) {
    const std::uint64_t start = TickClock::now_ticks();
    const std::uint64_t end = TickClock::now_ticks();
    histogram.record(TickClock::ticks_to_ns(end - start));
  }
  state.counters["p50_ns"] = static_cast<double>(histogram.value_at_percentile(50.0));
}
BENCHMARK(BM_TickClock_timed_section);

void BM_steady_clock_timed_section(benchmark::State& state) {
  purecache::sim::LatencyHistogram histogram;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const auto end = std::chrono::steady_clock::now();
    histogram.record(static_cast<std::uint64_t>((end - start).count()));
  }
  state.counters["p50_ns"] = static_cast<double>(histogram.value_at_percentile(50.0));
}
BENCHMARK(BM_steady_clock_timed_section);

std::vector<std::uint64_t> spread_values() {
  std::vector<std::uint64_t> values(4096);
  std::uint64_t x = 88172645463325252ULL;
  for (auto& v : values) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = (x >> 24) >> (x % 32);
  }
  return values;
}

void BM_LatencyHistogram_record(benchmark::State& state) {
  const auto values = spread_values();
  purecache::sim::LatencyHistogram histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(histogram.count());
}
BENCHMARK(BM_LatencyHistogram_record);

void BM_LatencyHistogram_p99(benchmark::State& state) {
  purecache::sim::LatencyHistogram histogram;
  for (const auto v : spread_values()) {
    histogram.record(v);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(histogram.value_at_percentile(99.0));
  }
}
BENCHMARK(BM_LatencyHistogram_p99);

void BM_TraceGenerator_next_key(benchmark::State& state) {
  const auto kind = static_cast<purecache::sim::GeneratorKind>(state.range(0));
  purecache::sim::TraceGenerator generator(
      {.kind = kind, .keys = static_cast<std::uint64_t>(state.range(1)), .requests = 1, .seed = 1});
  state.SetLabel(std::string(purecache::sim::to_string(kind)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(generator.next_key());
  }
}
BENCHMARK(BM_TraceGenerator_next_key)
    ->Args({static_cast<int>(purecache::sim::GeneratorKind::zipf), 1'000'000})
    ->Args({static_cast<int>(purecache::sim::GeneratorKind::uniform), 1'000'000})
    ->Args({static_cast<int>(purecache::sim::GeneratorKind::mix), 1'000'000});

// End to end: 10M zipf requests over 1M keys.
void BM_generate_trace_10M_zipf(benchmark::State& state) {
  const auto output = static_cast<purecache::sim::GeneratorOutput>(state.range(0));
  state.SetLabel(std::string(purecache::sim::to_string(output)));
  for (auto _ : state) {
    std::ofstream out("/dev/null", std::ios::binary);  // formatting cost, not disk speed
    purecache::sim::generate_trace({.kind = purecache::sim::GeneratorKind::zipf,
                                    .keys = 1'000'000,
                                    .requests = 10'000'000,
                                    .seed = 1},
                                   output, out);
    benchmark::DoNotOptimize(out.tellp());
  }
}
BENCHMARK(BM_generate_trace_10M_zipf)
    ->Arg(static_cast<int>(purecache::sim::GeneratorOutput::text))
    ->Arg(static_cast<int>(purecache::sim::GeneratorOutput::csv))
    ->Arg(static_cast<int>(purecache::sim::GeneratorOutput::oracle_general))
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
