// Whole replays (reader, interning, coroutine + lock path, lock timing) of a generated zipf
// trace: requests per second per policy. The 10M-request figure in the README comes from
// purecache-sim's own throughput report; this is the quick, repeatable version.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace {

const std::string& zipf_trace() {
  static const std::string path = [] {
    const auto file =
        std::filesystem::temp_directory_path() / "purecache_replay_bench.oracleGeneral.bin";
    purecache::sim::generate_trace({.kind = purecache::sim::GeneratorKind::zipf,
                                    .keys = 100'000,
                                    .requests = 1'000'000,
                                    .alpha = 0.99,
                                    .seed = 1},
                                   purecache::sim::GeneratorOutput::oracle_general, file);
    return file.string();
  }();
  return path;
}

void BM_Replay(benchmark::State& state, purecache::BackendKind policy) {
  const std::string& path = zipf_trace();
  std::uint64_t requests = 0;
  for (auto _ : state) {
    purecache::sim::TraceReader reader(path);
    const auto result = purecache::sim::replay(
        reader, {.policy = policy, .core = {.capacity = 10'000, .ttl = std::chrono::hours(1)}});
    requests += result.requests;
    benchmark::DoNotOptimize(result.misses);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}

BENCHMARK_CAPTURE(BM_Replay, lru, purecache::BackendKind::lru)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, lfu, purecache::BackendKind::lfu)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, lru_ttl, purecache::BackendKind::lru_ttl)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, ttl, purecache::BackendKind::ttl)->Unit(benchmark::kMillisecond);

}  // namespace
