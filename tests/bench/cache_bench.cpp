// What a request costs on each path an application can take to a policy: the bare core, the
// IBackend Task (virtual call, AsyncMutex) and the Cache facade over make_backend (plus counters).
// Names are <path>/<policy>/<workload>, so `compare.py filters` can set the paths side by side:
// the cache row minus the core row is what the facade adds per request. u64 keys, u32 values,
// capacity 100,000, one thread. Every workload runs the same loop, get and set on a miss; the
// async paths await it in one coroutine. The core loop reads the steady clock for expiring
// policies, as the backend does.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/core/hash.hpp"

namespace {

using purecache::BackendKind;
using purecache::Cache;
using purecache::CoreConfig;
using purecache::IBackend;
using purecache::Task;
using purecache::Timestamp;

using Key = std::uint64_t;
using Value = std::uint32_t;

constexpr std::size_t kCapacity = 100'000;
constexpr std::size_t kZipfKeys = 1'000'000;
constexpr std::size_t kZipfRequests = 10'000'000;
constexpr double kZipfAlpha = 0.99;

// A bijection, so distinct indices give distinct keys scattered over the key space.
Key key_of(std::uint64_t index) noexcept { return purecache::detail::mix64(index + 1); }

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Zipf ranks 1..n with P(k) ~ k^-alpha by rejection-inversion (Hormann and Derflinger, 1996).
class ZipfSampler {
 public:
  ZipfSampler(double n, double alpha)
      : n_(n),
        alpha_(alpha),
        h_x1_(h_integral(1.5) - 1.0),
        h_n_(h_integral(n + 0.5)),
        s_(2.0 - h_integral_inverse(h_integral(2.5) - h(2.0))) {}

  std::uint64_t operator()(std::uint64_t& rng) const {
    for (;;) {
      const double uniform = static_cast<double>(splitmix64(rng) >> 11) * 0x1.0p-53;
      const double u = h_n_ + uniform * (h_x1_ - h_n_);
      const double x = h_integral_inverse(u);
      const double k = std::clamp(std::floor(x + 0.5), 1.0, n_);
      if (k - x <= s_ || u >= h_integral(k + 0.5) - h(k)) return static_cast<std::uint64_t>(k);
    }
  }

 private:
  static double expm1_over(double x) { return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x / 2; }
  static double log1p_over(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x / 2; }
  [[nodiscard]] double h(double x) const { return std::exp(-alpha_ * std::log(x)); }
  [[nodiscard]] double h_integral(double x) const {
    const double log_x = std::log(x);
    return expm1_over((1.0 - alpha_) * log_x) * log_x;
  }
  [[nodiscard]] double h_integral_inverse(double x) const {
    const double t = std::max(x * (1.0 - alpha_), -1.0);
    return std::exp(log1p_over(t) * x);
  }

  double n_;
  double alpha_;
  double h_x1_;
  double h_n_;
  double s_;
};

// 10M requests over 1M keys, built once per process.
const std::vector<Key>& zipf_keys() {
  static const std::vector<Key> keys = [] {
    const ZipfSampler sampler(static_cast<double>(kZipfKeys), kZipfAlpha);
    std::uint64_t rng = 1;
    std::vector<Key> out(kZipfRequests);
    for (Key& key : out)
      key = key_of(sampler(rng) - 1);
    return out;
  }();
  return keys;
}

// 1M uniform draws among the first `count` of the kCapacity keys every workload but zipf starts
// with.
std::vector<Key> resident_keys(std::uint64_t count) {
  std::uint64_t rng = 2;
  std::vector<Key> out(std::size_t{1} << 20);
  for (Key& key : out)
    key = key_of(splitmix64(rng) % count);
  return out;
}

// get_hit reads all the resident keys, so most reads miss the CPU caches (as in a large cache);
// get_hit_hot reads 1,000 of them, which stay in L1/L2: what is left is the software's own cost.
enum class Workload { get_hit, get_hit_hot, get_miss_set, zipf };

const std::vector<Key>& keys_of(Workload workload) {
  static const std::vector<Key> all = resident_keys(kCapacity);
  static const std::vector<Key> hot = resident_keys(1'000);
  return workload == Workload::get_hit ? all : hot;
}

// The keys a workload requests, in order. Misses use keys never seen before; an unbounded core
// cycles over the resident keys instead, which have expired (1 us TTL) when their turn comes.
class KeyStream {
 public:
  KeyStream(Workload workload, bool bounded)
      : keys_(workload == Workload::zipf           ? &zipf_keys()
              : workload == Workload::get_miss_set ? nullptr
                                                   : &keys_of(workload)),
        fresh_(workload == Workload::get_miss_set && bounded) {}

  Key next() noexcept {
    if (keys_ != nullptr) {
      const Key key = (*keys_)[position_];
      if (++position_ == keys_->size()) position_ = 0;
      return key;
    }
    const std::uint64_t index = fresh_ ? kCapacity + position_ : position_ % kCapacity;
    ++position_;
    return key_of(index);
  }

 private:
  const std::vector<Key>* keys_;  // null: computed keys
  bool fresh_;                    // computed keys never repeat
  std::uint64_t position_ = 0;
};

CoreConfig config_for(Workload workload) {
  using namespace std::chrono_literals;
  return {.capacity = kCapacity, .ttl = workload == Workload::get_miss_set ? 1us : 1h};
}

void report(benchmark::State& state, std::uint64_t hits) {
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_ratio"] =
      benchmark::Counter(static_cast<double>(hits) /
                         static_cast<double>(std::max<std::int64_t>(state.iterations(), 1)));
}

template <class Core>
Timestamp core_now() {
  if constexpr (Core::kUsesTime) {
    return purecache::SteadyClock{}.now();  // as LockedBackend does, once per call
  } else {
    return Timestamp{};
  }
}

template <class Core>
void bm_core(benchmark::State& state, Workload workload, bool bounded) {
  Core core(config_for(workload));
  if (workload != Workload::zipf) {
    for (std::uint64_t i = 0; i < kCapacity; ++i)
      core.set(key_of(i), static_cast<Value>(i), core_now<Core>());
  }
  KeyStream keys(workload, bounded);
  std::uint64_t hits = 0;
  for ([[maybe_unused]] auto _ : state) {
    const Key key = keys.next();
    const Value* value = core.get(key, core_now<Core>());
    benchmark::DoNotOptimize(value);
    if (value != nullptr) {
      ++hits;
    } else {
      core.set(key, static_cast<Value>(key), core_now<Core>());
    }
  }
  report(state, hits);
}

template <class Target>
Task<> prefill(Target& target) {
  for (std::uint64_t i = 0; i < kCapacity; ++i)
    (void)co_await target.set(key_of(i), static_cast<Value>(i));
}

template <class Target>
Task<std::uint64_t> get_set_loop(benchmark::State& state, Target& target, KeyStream keys) {
  std::uint64_t hits = 0;
  for ([[maybe_unused]] auto _ : state) {
    const Key key = keys.next();
    const std::optional<Value> value = co_await target.get(key);
    benchmark::DoNotOptimize(value);
    if (value) {
      ++hits;
    } else {
      (void)co_await target.set(key, static_cast<Value>(key));
    }
  }
  co_return hits;
}

template <class Target>
void run_async(benchmark::State& state, Target& target, Workload workload, bool bounded) {
  if (workload != Workload::zipf) purecache::sync_wait(prefill(target));
  report(state, purecache::sync_wait(get_set_loop(state, target, KeyStream(workload, bounded))));
}

void bm_ibackend(benchmark::State& state, BackendKind kind, Workload workload, bool bounded) {
  const std::unique_ptr<IBackend<Key, Value>> backend =
      purecache::make_backend<Key, Value>(kind, config_for(workload));
  run_async(state, *backend, workload, bounded);
}

void bm_cache(benchmark::State& state, BackendKind kind, Workload workload, bool bounded) {
  Cache<Key, Value> cache(purecache::make_backend<Key, Value>(kind, config_for(workload)));
  run_async(state, cache, workload, bounded);
}

const char* name_of(Workload workload) {
  switch (workload) {
    case Workload::get_hit:
      return "get_hit";
    case Workload::get_hit_hot:
      return "get_hit_hot";
    case Workload::get_miss_set:
      return "get_miss_set";
    case Workload::zipf:
      return "zipf";
  }
  return "?";
}

// One group per online policy and workload: core, ibackend, cache side by side. The zipf
// workload replays its 10M requests once per repetition, from an empty cache. Offline kinds
// (Belady) are skipped: they need each request's next access, so no application can build them
// and make_backend refuses them; the fast engine's replay benchmark covers their core.
[[maybe_unused]] const bool kRegistered = [] {
  for (const auto& row : purecache::kBackendKinds) {
    if (row.offline) continue;
    for (const Workload workload :
         {Workload::get_hit, Workload::get_hit_hot, Workload::get_miss_set, Workload::zipf}) {
      const std::string suffix = "/" + std::string(row.name) + "/" + name_of(workload);
      const auto shape = [workload](benchmark::internal::Benchmark* bench) {
        if (workload == Workload::zipf) bench->Iterations(kZipfRequests);
      };
      purecache::with_core_type<Key, Value>(row.kind, [&]<class Core>(std::type_identity<Core>) {
        if constexpr (!purecache::OfflineCore<Core>) {  // not instantiated for Belady
          shape(benchmark::RegisterBenchmark(("core" + suffix).c_str(), bm_core<Core>, workload,
                                             row.bounded));
        }
      });
      shape(benchmark::RegisterBenchmark(("ibackend" + suffix).c_str(), bm_ibackend, row.kind,
                                         workload, row.bounded));
      shape(benchmark::RegisterBenchmark(("cache" + suffix).c_str(), bm_cache, row.kind, workload,
                                         row.bounded));
    }
  }
  return true;
}();

}  // namespace
