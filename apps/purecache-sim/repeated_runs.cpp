#include "repeated_runs.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>
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

/// What every run of one replay counts alike, interleaved or not: the trace's own requests.
auto issued(const ReplayResult& r) {
  return std::make_tuple(r.requests, r.warmup_requests, r.gets, r.sets, r.erases, r.get_bytes,
                         r.complete);
}

/// Each figure of a latency summary (`member` of every run) replaced by its median over runs.
void fold_latency(std::optional<LatencySummary>& summary, const std::vector<ReplayResult>& runs,
                  std::optional<LatencySummary> ReplayResult::*member) {
  if (!summary) return;
  const auto median_ns = [&](auto field) {
    return static_cast<std::uint64_t>(
        median(runs, [&](const ReplayResult& r) { return (*(r.*member)).*field; }) + 0.5);
  };
  summary->count = median_ns(&LatencySummary::count);
  summary->mean_ns = median(runs, [&](const ReplayResult& r) { return (r.*member)->mean_ns; });
  summary->p50_ns = median_ns(&LatencySummary::p50_ns);
  summary->p90_ns = median_ns(&LatencySummary::p90_ns);
  summary->p99_ns = median_ns(&LatencySummary::p99_ns);
  summary->p999_ns = median_ns(&LatencySummary::p999_ns);
  summary->max_ns = median_ns(&LatencySummary::max_ns);
}

}  // namespace

RepeatedRuns fold_repeated_runs(std::vector<ReplayResult> runs) {
  assert(!runs.empty());
  RepeatedRuns folded;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    folded.wall_seconds.push_back(runs[i].wall_seconds);
    // Interleaved clients race for the cache, so their hits differ from run to run; what they
    // issue does not.
    const bool deterministic = runs[i].order == ReplayOrder::trace;
    if (deterministic ? counted(runs[i]) != counted(runs.front())
                      : issued(runs[i]) != issued(runs.front())) {
      throw std::logic_error("--repeat: run " + std::to_string(i + 1) +
                             " counted differently from run 1 of the same replay (" +
                             std::to_string(runs[i].misses) + " misses, not " +
                             std::to_string(runs.front().misses) +
                             "); the replay should be deterministic");
    }
  }
  ReplayResult result = runs.front();
  result.wall_seconds = median(runs, [](const ReplayResult& r) { return r.wall_seconds; });
  // runs.front()'s copies: the medians read runs.
  fold_latency(result.lock_hold, runs, &ReplayResult::lock_hold);
  fold_latency(result.lock_wait, runs, &ReplayResult::lock_wait);
  result.contended_share =
      median(runs, [](const ReplayResult& r) { return r.contended_share; });
  folded.result = std::move(result);
  return folded;
}

}  // namespace purecache::sim
