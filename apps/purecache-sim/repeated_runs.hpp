#pragma once
/// --repeat: one replay run K times, folded into one result for the report.

#include <vector>

#include "purecache/sim/replay.hpp"

namespace purecache::sim {

/// K complete runs of the same replay as one: their counts, and the medians of their speed and
/// lock figures.
struct RepeatedRuns {
  ReplayResult result;                // counts of every run; wall time and lock figures: medians
  std::vector<double> wall_seconds;  // each run's, in run order
};

/// Folds `runs` (at least one) into one. With an even number of runs a median is the mean of the
/// two middle values. Throws std::logic_error when two runs counted differently: a replay in trace
/// order is deterministic, so that is a bug, not noise. Interleaved runs (several clients) race
/// for the cache: only what they issue must agree, and their hits are the first run's.
[[nodiscard]] RepeatedRuns fold_repeated_runs(std::vector<ReplayResult> runs);

}  // namespace purecache::sim
