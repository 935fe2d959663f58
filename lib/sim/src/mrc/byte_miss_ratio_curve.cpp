#include "purecache/sim/mrc/byte_miss_ratio_curve.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "purecache/error.hpp"
#include "purecache/sim/mrc/byte_stack_distance_profiler.hpp"
#include "purecache/sim/trace/trace_hash.hpp"

namespace purecache::sim {

namespace {

constexpr std::size_t kBatch = 4096;           // requests read per TraceReader::read
constexpr std::size_t kPrefetchDistance = 16;  // as the entry curve's pass

bool stop_requested(const MrcConfig& config) noexcept {
  return config.stop_signal != nullptr && config.stop_signal->load(std::memory_order_relaxed) != 0;
}

}  // namespace

ByteMrcProfile profile_byte_mrc(TraceReader& reader, const MrcConfig& config,
                                std::span<const std::uint64_t> capacities) {
  if (!config.demand_fill) {
    throw ConfigError(
        "a miss-ratio curve needs demand fill: without it a get moves its key only in the cache "
        "sizes where it hits");
  }
  if (config.sample_rate) {
    throw ConfigError("a byte miss-ratio curve is exact: it takes no sample rate");
  }
  const auto start = std::chrono::steady_clock::now();
  ByteMrcProfile profile;
  profile.capacities.assign(capacities.begin(), capacities.end());
  std::sort(profile.capacities.begin(), profile.capacities.end());
  profile.capacities.erase(std::unique(profile.capacities.begin(), profile.capacities.end()),
                           profile.capacities.end());
  if (!profile.capacities.empty() && profile.capacities.front() == 0) {
    throw ConfigError("capacity-bytes must be >= 1, got '0'");
  }
  profile.buckets.assign(profile.capacities.size() + 1, 0);
  const std::vector<std::uint64_t>& caps = profile.capacities;

  std::array<Request, kBatch + kPrefetchDistance> batch{};
  ByteStackDistanceProfiler stack(config.min_window);
  TraceHash hash;
  std::uint64_t index = 0;
  std::uint32_t largest = 0;
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
      if (request.op == Op::get) [[likely]] {
        largest = std::max(largest, request.size);
        const std::uint64_t distance = stack.access(request.key, request.size);
        if (!counted) continue;
        ++profile.gets;
        // A get of distance d hits at every capacity >= d: the first such one's bucket.
        const std::size_t at =
            distance == ByteStackDistanceProfiler::kCold
                ? caps.size()
                : static_cast<std::size_t>(std::lower_bound(caps.begin(), caps.end(), distance) -
                                           caps.begin());
        ++profile.buckets[at];
      } else if (request.op == Op::set) {
        largest = std::max(largest, request.size);
        (void)stack.access(request.key, request.size);
      } else {
        ++profile.deletes;
        stack.erase(request.key);
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  profile.requests = index;
  profile.warmup_requests = std::min(index, config.warmup);
  profile.largest_size = largest;
  profile.size_changes = stack.size_changes();
  profile.trace_hash = hash.hex();
  profile.profiler_bytes = stack.memory_bytes();
  profile.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return profile;
}

std::vector<MrcPoint> byte_mrc_points(const ByteMrcProfile& profile,
                                      const std::function<MrcPoint(std::uint64_t)>& replay) {
  std::vector<MrcPoint> points;
  points.reserve(profile.capacities.size());
  const double gets = static_cast<double>(profile.gets);
  std::uint64_t hits = 0;  // gets of distance <= the capacity
  for (std::size_t i = 0; i < profile.capacities.size(); ++i) {
    hits += profile.buckets[i];
    const std::uint64_t capacity = profile.capacities[i];
    if (!profile.one_pass_exact(capacity)) {
      MrcPoint point = replay(capacity);
      point.capacity = capacity;
      point.replayed = true;
      points.push_back(point);
      continue;
    }
    MrcPoint point{.capacity = capacity, .hits = hits, .misses = profile.gets - hits};
    if (profile.gets != 0) {
      point.miss_ratio = static_cast<double>(point.misses) / gets;
      point.hit_ratio = static_cast<double>(point.hits) / gets;
    }
    points.push_back(point);
  }
  return points;
}

std::vector<std::uint64_t> log_spaced_between(std::size_t count, std::uint64_t low,
                                              std::uint64_t high) {
  if (count == 0) throw ConfigError("points must be >= 1, got '0'");
  low = std::max<std::uint64_t>(1, low);
  high = std::max(low, high);
  std::vector<std::uint64_t> capacities;
  capacities.reserve(count);
  const double log_low = std::log(static_cast<double>(low));
  const double log_span = std::log(static_cast<double>(high)) - log_low;
  for (std::size_t i = 0; i < count; ++i) {
    const double share = count == 1 ? 1.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    auto capacity = static_cast<std::uint64_t>(std::llround(std::exp(log_low + log_span * share)));
    capacity = std::clamp(capacity, low, high);
    if (i == 0 && count > 1) capacity = low;
    if (i + 1 == count) capacity = high;
    if (capacities.empty() || capacity > capacities.back()) capacities.push_back(capacity);
  }
  return capacities;
}

}  // namespace purecache::sim
