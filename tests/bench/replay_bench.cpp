// Whole replays of a generated zipf trace with each engine: requests per second per policy. The
// library engine's figure includes the reader, the Cache path and lock timing; the fast
// engine's the reader and the bare core. The 10M-request figures in docs/performance.md come
// from scripts/bench-sim.sh; this is the quick, in-process version.

#include <unistd.h>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace {

const std::string& zipf_trace() {
  // Per process, and removed at exit: two benchmark runs on one machine must not share it.
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("purecache-replay-bench-" + std::to_string(::getpid()) + ".oracleGeneral.bin");
  static const struct Cleanup {
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
  } cleanup;
  static const std::string path = [] {
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

void BM_Replay(benchmark::State& state, purecache::BackendKind policy,
               purecache::sim::ReplayEngine engine) {
  const std::string& path = zipf_trace();
  std::uint64_t requests = 0;
  for (auto _ : state) {
    purecache::sim::TraceReader reader(path);
    const auto result = purecache::sim::replay(
        reader, {.policy = policy,
                 .engine = engine,
                 .core = {.capacity = 10'000, .ttl = std::chrono::hours(1)}});
    requests += result.requests;
    benchmark::DoNotOptimize(result.misses);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}

// One benchmark per engine and registered policy: BM_Replay/library/lru, BM_Replay/fast/lru, ...
[[maybe_unused]] const bool kRegistered = [] {
  for (const auto engine : {purecache::sim::ReplayEngine::library, purecache::sim::ReplayEngine::fast}) {
    for (const auto& row : purecache::kBackendKinds) {
      // An offline kind (Belady) needs the whole trace's next accesses: the fast engine only.
      if (row.offline && engine == purecache::sim::ReplayEngine::library) continue;
      const std::string name = "BM_Replay/" + std::string(purecache::sim::to_string(engine)) + "/" +
                               std::string(row.name);
      benchmark::RegisterBenchmark(name.c_str(), BM_Replay, row.kind, engine)
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
