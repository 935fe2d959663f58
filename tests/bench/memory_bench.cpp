// Bytes per cached entry of each core, measured by its counting allocator (docs/performance.md).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>

#include "purecache/backend/backend_kind.hpp"

namespace {

constexpr std::size_t kEntries = 100'000;

template <class Core>
void BM_Memory(benchmark::State& state) {
  double bytes_per_entry = 0;
  for (auto _ : state) {
    Core core(purecache::CoreConfig{.capacity = kEntries, .ttl = std::chrono::hours(1)});
    // Bounded cores: twice the capacity in distinct keys, each read once, so the cache is full
    // and LFU spreads entries over two frequencies, as in a replay. Unbounded: kEntries keys.
    const std::uint64_t keys = core.capacity() == 0 ? kEntries : 2 * kEntries;
    for (std::uint64_t key = 0; key < keys; ++key) {
      core.set(key, key, purecache::Timestamp{});
      benchmark::DoNotOptimize(core.get(key, purecache::Timestamp{}));
    }
    bytes_per_entry =
        static_cast<double>(core.memory().current_bytes) / static_cast<double>(core.size());
  }
  state.counters["bytes_per_entry"] = bytes_per_entry;
}

using Key = std::uint64_t;

// One benchmark per registered policy, named by its CLI word.
[[maybe_unused]] const bool kRegistered = [] {
  for (const auto& row : purecache::kBackendKinds) {
    purecache::with_core_type<Key, Key>(row.kind, [&]<class Core>(std::type_identity<Core>) {
      benchmark::RegisterBenchmark(("Memory/" + std::string(row.name)).c_str(), BM_Memory<Core>)
          ->Unit(benchmark::kMillisecond);
    });
  }
  return true;
}();

}  // namespace
