#include "repeated_runs.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>

namespace purecache::sim {

namespace {

/// Everything a run counts, memory included: equal from run to run of one replay.
auto counted(const ReplayResult& r) {
  return std::make_tuple(r.requests, r.warmup_requests, r.gets, r.hits, r.misses, r.sets, r.erases,
                         r.fills, r.get_bytes, r.hit_bytes, r.evictions.capacity,
                         r.evictions.expired, r.final_size, r.memory.current_bytes,
                         r.memory.peak_bytes, r.memory.index_bytes, r.complete);
}

template <class Field>
double median(const std::vector<ReplayResult>& runs, Field field) {
  std::vector<double> values;
  for (const ReplayResult& run : runs) values.push_back(static_cast<double>(field(run)));
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

template <class Field>
std::uint64_t median_ns(const std::vector<ReplayResult>& runs, Field field) {
  return static_cast<std::uint64_t>(
      median(runs, [&](const ReplayResult& r) { return field(*r.lock_hold); }) +
      0.5);
}

}  // namespace

RepeatedRuns fold_repeated_runs(std::vector<ReplayResult> runs) {
  assert(!runs.empty());
  RepeatedRuns folded;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    folded.wall_seconds.push_back(runs[i].wall_seconds);
    if (counted(runs[i]) != counted(runs.front())) {
      throw std::logic_error("--repeat: run " + std::to_string(i + 1) +
                             " counted differently from run 1 of the same replay (" +
                             std::to_string(runs[i].misses) + " misses, not " +
                             std::to_string(runs.front().misses) +
                             "); the replay should be deterministic");
    }
  }
  ReplayResult result = runs.front();
  result.wall_seconds = median(runs, [](const ReplayResult& r) { return r.wall_seconds; });
  if (result.lock_hold) {
    LatencySummary& hold = *result.lock_hold;  // runs.front()'s copy: the medians read runs
    hold.count = median_ns(runs, [](const LatencySummary& s) { return s.count; });
    hold.mean_ns = median(runs, [](const ReplayResult& r) { return r.lock_hold->mean_ns; });
    hold.p50_ns = median_ns(runs, [](const LatencySummary& s) { return s.p50_ns; });
    hold.p90_ns = median_ns(runs, [](const LatencySummary& s) { return s.p90_ns; });
    hold.p99_ns = median_ns(runs, [](const LatencySummary& s) { return s.p99_ns; });
    hold.p999_ns = median_ns(runs, [](const LatencySummary& s) { return s.p999_ns; });
    hold.max_ns = median_ns(runs, [](const LatencySummary& s) { return s.max_ns; });
  }
  folded.result = std::move(result);
  return folded;
}

}  // namespace purecache::sim
