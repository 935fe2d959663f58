#include "purecache/sim/mrc/miss_ratio_curve.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>

#include "purecache/detail/uint128.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/trace/spatial_sampler.hpp"
#include "purecache/sim/trace/trace_hash.hpp"

namespace purecache::sim {

namespace {

constexpr std::size_t kBatch = 4096;  // requests read per TraceReader::read
// Requests ahead whose key's latest access time is prefetched: the per-key table outgrows the
// caches with ~10^5 keys, and each request's lookups do not depend on the ones before.
constexpr std::size_t kPrefetchDistance = 16;

bool stop_requested(const MrcConfig& config) noexcept {
  return config.stop_signal != nullptr && config.stop_signal->load(std::memory_order_relaxed) != 0;
}

// One loop per mode, so the exact profile tests no sampler per request.
template <bool kSampled>
void profile_requests(TraceReader& reader, const MrcConfig& config, const SpatialSampler* sampler,
                      MrcProfile& profile) {
  // kPrefetchDistance spare requests past the batch, so the hint needs no bounds check: what it
  // reads there is a key of an earlier batch (or 0), harmless to prefetch.
  std::array<Request, kBatch + kPrefetchDistance> batch{};
  StackDistanceProfiler stack(config.min_window);
  TraceHash hash;
  std::uint64_t index = 0;
  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      profile.complete = false;
      break;
    }
    const std::size_t n = reader.read(std::span(batch).first(kBatch));
    if (n == 0) break;
    hash.update(std::span(batch).first(n));
    for (std::size_t i = 0; i < n; ++i) {
      const Request& request = batch[i];
      stack.prefetch(batch[i + kPrefetchDistance].key);
      const bool counted = ++index > config.warmup;
      if constexpr (kSampled) {
        if (request.op == Op::get && counted) ++profile.gets;
        if (!sampler->keeps(request.key)) continue;
      }
      if (request.op == Op::get) [[likely]] {
        const std::uint64_t distance = stack.access(request.key);
        if (counted) profile.histogram.add(distance);
      } else if (request.op == Op::set) {
        (void)stack.access(request.key);
      } else {
        stack.erase(request.key);
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  profile.requests = index;
  profile.warmup_requests = std::min(index, config.warmup);
  profile.sampled_gets = profile.histogram.total();
  if constexpr (!kSampled) profile.gets = profile.sampled_gets;
  profile.trace_hash = hash.hex();
  profile.profiler_bytes = stack.memory_bytes();
}

// Sampled distances below ceil(C * T / 2^24) stand for distances below C: d / R < C with
// R = T / 2^24, in integers. Saturates for capacities past any distance.
std::uint64_t sampled_bound(std::uint64_t capacity, std::uint64_t threshold) {
  const purecache::detail::Uint128 product = purecache::detail::Uint128{capacity} * threshold;
  const purecache::detail::Uint128 bound =
      (product + SpatialSampler::kModulus - 1) / SpatialSampler::kModulus;
  return bound > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(bound);
}

}  // namespace

std::optional<double> MrcProfile::sample_rate() const noexcept {
  if (!sample_threshold) return std::nullopt;
  return static_cast<double>(*sample_threshold) / static_cast<double>(SpatialSampler::kModulus);
}

MrcProfile profile_mrc(TraceReader& reader, const MrcConfig& config) {
  if (!config.demand_fill) {
    throw ConfigError(
        "a miss-ratio curve needs demand fill: without it a get moves its key only in the cache "
        "sizes where it hits");
  }
  const auto start = std::chrono::steady_clock::now();
  MrcProfile profile;
  if (config.sample_rate) {
    const SpatialSampler sampler(*config.sample_rate);
    profile.sample_threshold =
        static_cast<std::uint64_t>(sampler.rate() * static_cast<double>(SpatialSampler::kModulus));
    profile_requests<true>(reader, config, &sampler, profile);
  } else {
    profile_requests<false>(reader, config, nullptr, profile);
  }
  profile.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return profile;
}

std::vector<MrcPoint> mrc_points(const MrcProfile& profile,
                                 std::span<const std::uint64_t> capacities) {
  std::vector<std::uint64_t> bounds(capacities.size());
  for (std::size_t i = 0; i < capacities.size(); ++i) {
    if (capacities[i] == 0) throw ConfigError("capacity must be >= 1, got '0'");
    bounds[i] = profile.sample_threshold ? sampled_bound(capacities[i], *profile.sample_threshold)
                                         : capacities[i];
  }
  std::vector<std::size_t> order(capacities.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return bounds[a] < bounds[b]; });

  const std::span<const std::uint64_t> counts = profile.histogram.counts();
  const double gets = static_cast<double>(profile.gets);
  // SHARDS_adj: the sample's gets differ from the expected R * gets; the difference is credited
  // to the first distance bucket (hits at every capacity), so the miss ratio is the sampled
  // misses over the expected sampled gets (docs/mrc.md#shards).
  const double expected =
      profile.sample_threshold ? gets * *profile.sample_rate() : static_cast<double>(profile.gets);
  std::vector<MrcPoint> points(capacities.size());
  std::uint64_t below = 0;  // profiled gets of distance < bounds[order[k]]
  std::size_t d = 0;
  for (const std::size_t i : order) {
    for (; d < counts.size() && d < bounds[i]; ++d)
      below += counts[d];
    MrcPoint& point = points[i];
    point.capacity = capacities[i];
    if (profile.gets == 0) {
      point.misses = point.hits = 0;
      continue;
    }
    const std::uint64_t sampled_misses = profile.sampled_gets - below;
    if (!profile.sample_threshold) {
      point.hits = below;
      point.misses = sampled_misses;
      point.miss_ratio = static_cast<double>(sampled_misses) / gets;
      point.hit_ratio = static_cast<double>(below) / gets;
    } else {
      point.miss_ratio = std::min(1.0, static_cast<double>(sampled_misses) / expected);
      point.misses = static_cast<std::uint64_t>(std::llround(point.miss_ratio * gets));
      point.hits = profile.gets - point.misses;
      point.hit_ratio = 1.0 - point.miss_ratio;
    }
  }
  return points;
}

std::vector<std::uint64_t> log_spaced_capacities(std::size_t count, std::uint64_t keys) {
  if (count == 0) throw ConfigError("points must be >= 1, got '0'");
  const std::uint64_t top = std::max<std::uint64_t>(1, keys);
  std::vector<std::uint64_t> capacities;
  capacities.reserve(count);
  const double log_top = std::log(static_cast<double>(top));
  for (std::size_t i = 0; i < count; ++i) {
    const double share = count == 1 ? 1.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    auto capacity = static_cast<std::uint64_t>(std::llround(std::exp(log_top * share)));
    capacity = std::clamp<std::uint64_t>(capacity, 1, top);
    if (i + 1 == count) capacity = top;
    if (capacities.empty() || capacity > capacities.back()) capacities.push_back(capacity);
  }
  return capacities;
}

}  // namespace purecache::sim
