#pragma once
/// --repeat: one replay run K times, folded into one result for the report.

#include <vector>

#include "purecache/sim/replay.hpp"

namespace purecache::sim {

/// K complete runs of the same replay as one: their counts, and the medians of their speed and
/// lock-hold figures.
struct RepeatedRuns {
  ReplayResult result;                // counts of every run; wall time and lock holds: medians
  std::vector<double> wall_seconds;  // each run's, in run order
};

/// Folds `runs` (at least one) into one. With an even number of runs a median is the mean of the
/// two middle values. Throws std::logic_error when two runs counted differently: the replay is
/// deterministic, so that is a bug, not noise.
[[nodiscard]] RepeatedRuns fold_repeated_runs(std::vector<ReplayResult> runs);

}  // namespace purecache::sim
