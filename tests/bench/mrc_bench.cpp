// What an exact miss-ratio curve costs per request: the stack distance profiler's work for one
// get as profile_mrc does it (prefetch 16 requests ahead, access, count the distance), without
// the trace reader. Zipf keys (alpha 0.99), 4M requests cycled; the profiler lives across
// iterations, so the figure includes its amortised renumbering.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/sim/mrc/distance_histogram.hpp"
#include "purecache/sim/mrc/stack_distance_profiler.hpp"
#include "purecache/sim/trace/trace_generator.hpp"

namespace {

using purecache::sim::KeyId;

constexpr std::size_t kRequests = std::size_t{1} << 22;  // a power of two: positions wrap by mask
constexpr std::size_t kPrefetchDistance = 16;            // as the profilers' callers use

std::vector<KeyId> zipf_ids(std::uint64_t keys) {
  purecache::sim::TraceGenerator generator({.kind = purecache::sim::GeneratorKind::zipf,
                                            .keys = keys,
                                            .requests = kRequests,
                                            .seed = 1});
  std::vector<KeyId> ids(kRequests);
  for (KeyId& id : ids)
    id = static_cast<KeyId>(generator.next_key());
  return ids;
}

void bm_stack_distance(benchmark::State& state) {
  const std::vector<KeyId> ids = zipf_ids(static_cast<std::uint64_t>(state.range(0)));
  purecache::sim::StackDistanceProfiler stack;
  purecache::sim::DistanceHistogram histogram;
  std::size_t i = 0;
  for ([[maybe_unused]] auto _ : state) {
    stack.prefetch(ids[(i + kPrefetchDistance) & (kRequests - 1)]);
    histogram.add(stack.access(ids[i]));
    i = (i + 1) & (kRequests - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["profiler_MB"] = static_cast<double>(stack.memory_bytes()) / 1e6;
}

}  // namespace

BENCHMARK(bm_stack_distance)
    ->Name("mrc/stack_distance")
    ->ArgName("keys")
    ->Arg(100'000)
    ->Arg(1'000'000);
