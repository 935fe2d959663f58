#include "purecache/sim/mrc/byte_miss_ratio_curve.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

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
  const std::vector<std::uint64_t>& caps = profile.capacities;
  const std::size_t m = caps.size();

  // One stack per class of capacities that no object size seen so far falls between: capacities
  // [lo, hi) whose filter "objects of size <= C" has held the same objects. A request of size s
  // splits the class that has capacities on both sides of s; the part below s starts as a copy of
  // the stack (the same so far) and from then on never sees objects of size s.
  struct Class {
    std::size_t lo;  // capacities [lo, hi), hi > lo
    std::size_t hi;
    ByteStackDistanceProfiler stack;
  };
  std::vector<Class> classes;  // ascending, covering [0, m)
  if (m != 0) classes.push_back({0, m, ByteStackDistanceProfiler(config.min_window)});
  std::vector<bool> starts(m + 1, false);  // starts[j]: a class starts at capacity j (or j == m)
  if (m != 0) starts[0] = true;
  starts[m] = true;
  std::vector<std::int64_t> diff(m + 1, 0);  // hits at capacity i: diff[0] + ... + diff[i]
  // Per key id: its last size. Ids come in order of first request, so id == size() is new.
  std::vector<std::uint32_t> sizes;

  std::array<Request, kBatch + kPrefetchDistance> batch{};
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
      const KeyId ahead = batch[i + kPrefetchDistance].key;
      if (!classes.empty()) classes.back().stack.prefetch(ahead);
      if (ahead < sizes.size()) __builtin_prefetch(&sizes[ahead]);
      const bool counted = ++index > config.warmup;
      const bool get = request.op == Op::get;
      if (get && counted) ++profile.gets;
      if (request.op == Op::erase) [[unlikely]] {
        ++profile.deletes;
        for (Class& c : classes)
          c.stack.erase(request.key);
        continue;
      }
      const std::uint32_t size = request.size;
      largest = std::max(largest, size);
      if (request.key >= sizes.size()) [[unlikely]] {
        sizes.resize(request.key + 1, size);  // a sparse id (not from a TraceReader): first seen
      } else if (sizes[request.key] != size) {
        ++profile.size_changes;
        sizes[request.key] = size;
      }
      const std::size_t j = static_cast<std::size_t>(
          std::lower_bound(caps.begin(), caps.end(), std::uint64_t{size}) - caps.begin());
      if (!starts[j]) [[unlikely]] {
        // Capacities below j stop seeing objects of this size: their class splits off at j.
        auto at = std::find_if(classes.begin(), classes.end(),
                               [&](const Class& c) { return c.lo < j && j < c.hi; });
        Class upper{j, at->hi, at->stack};
        at->hi = j;
        classes.insert(at + 1, std::move(upper));
        starts[j] = true;
      }
      // The classes whose capacities all hold the object, from the largest down.
      for (auto c = classes.rbegin(); c != classes.rend() && c->lo >= j; ++c) {
        const std::uint64_t distance = c->stack.access(request.key, size);
        if (!get || !counted || distance == ByteStackDistanceProfiler::kCold) continue;
        const auto first = static_cast<std::size_t>(
            std::lower_bound(caps.begin() + static_cast<std::ptrdiff_t>(c->lo),
                             caps.begin() + static_cast<std::ptrdiff_t>(c->hi), distance) -
            caps.begin());
        ++diff[first];
        --diff[c->hi];
      }
    }
    if (config.on_batch) config.on_batch(reader);
  }
  profile.hits.assign(m, 0);
  std::int64_t run = 0;
  for (std::size_t i = 0; i < m; ++i)
    profile.hits[i] = static_cast<std::uint64_t>(run += diff[i]);
  profile.stacks = classes.size();
  for (const Class& c : classes)
    profile.profiler_bytes += c.stack.memory_bytes();
  profile.profiler_bytes += sizes.capacity() * sizeof(std::uint32_t);
  profile.requests = index;
  profile.warmup_requests = std::min(index, config.warmup);
  profile.largest_size = largest;
  profile.trace_hash = hash.hex();
  profile.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return profile;
}

std::vector<MrcPoint> byte_mrc_points(const ByteMrcProfile& profile,
                                      const std::function<MrcPoint(std::uint64_t)>& replay) {
  std::vector<MrcPoint> points;
  points.reserve(profile.capacities.size());
  const double gets = static_cast<double>(profile.gets);
  for (std::size_t i = 0; i < profile.capacities.size(); ++i) {
    const std::uint64_t capacity = profile.capacities[i];
    const std::uint64_t hits = profile.hits[i];
    if (!profile.one_pass_exact()) {
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
