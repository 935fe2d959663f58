// Bytes per cached entry of each core, measured by its counting allocator: the README's table.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/ttl_core.hpp"

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
BENCHMARK(BM_Memory<purecache::LRUCore<Key, Key>>)
    ->Name("Memory/LRU")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Memory<purecache::LFUCore<Key, Key>>)
    ->Name("Memory/LFU")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Memory<purecache::LRUTTLCore<Key, Key>>)
    ->Name("Memory/LRUTTL")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Memory<purecache::TTLCore<Key, Key>>)
    ->Name("Memory/TTL")
    ->Unit(benchmark::kMillisecond);

}  // namespace
