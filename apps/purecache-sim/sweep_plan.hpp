#pragma once
/// A sweep's run list (policy x capacity), its shard, and the report line of each run.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "replay_options.hpp"

namespace purecache::sim {

/// The I-th (from 1) of N slices of the run list: runs k with k mod N == I - 1.
struct SweepShard {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
};

/// One run of the full list.
struct SweepRunSpec {
  BackendKind policy = BackendKind::lru;
  std::string capacity_spec;               // as given: "1000", "1%" or "64MiB"
  std::uint64_t capacity = 0;              // entries (or bytes) the run stands for
  std::uint64_t simulated_capacity = 0;    // entries (or bytes) simulated: x sample rate, >= 1
};

/// What every run of a sweep or plan shares besides the replay: the bound's unit and the knobs
/// --policy-params gave each policy.
struct RunShape {
  bool by_bytes = false;                          // capacities are bytes (--capacity-bytes)
  std::map<BackendKind, std::string> parameters;  // "name=value,..." per policy; absent: none
};

/// A finished run: its index in the full list and what it counted.
struct SweepRunOutcome {
  std::size_t run = 0;
  ReplayResult result;
  std::vector<double> run_wall_seconds{};  // --repeat K: each run's; empty: one run
};

/// How the sweep ran: the same runs give the same counts either way.
struct SweepInfo {
  bool in_memory = true;  // the trace was loaded once; else streamed once for all runs
  unsigned jobs = 1;
  double seconds = 0;  // whole command: reading, runs
};

struct SweepPlan {
  ReplayEngine engine = ReplayEngine::fast;
  std::vector<BackendKind> policies;
  std::vector<std::string> capacity_specs;  // as given
  std::vector<CapacitySpec> capacities;
  RunShape shape;
  SweepShard shard;
  std::optional<double> sample_rate;  // the rate of a miniature simulation
  std::uint64_t counted_gets = 0;     // miniature: the whole trace's gets past the warm-up
  std::optional<double> ttl_seconds;
  double rate = 0;  // --rate
  ReplayConfig base;
  std::vector<SweepRunSpec> runs;  // filled by resolve(): policies outer, capacities inner

  /// Fills `runs` for a trace of `distinct_keys` holding `distinct_bytes` (byte capacities).
  void resolve(std::uint64_t distinct_keys, std::uint64_t distinct_bytes);
  /// The indices of this shard's runs, ascending.
  [[nodiscard]] std::vector<std::size_t> shard_runs() const;
  /// The replay of run `run`.
  [[nodiscard]] ReplayConfig config_of(std::size_t run) const;
  /// 16 hex digits naming the trace and every parameter that changes a count; not the shard,
  /// the jobs or whether the trace was held in memory.
  [[nodiscard]] std::string id(const std::string& trace_hash) const;
};

/// `base` for one policy at one capacity (entries, or bytes when shape.by_bytes) with its knobs:
/// the TTL kept only where the policy expires entries.
[[nodiscard]] ReplayConfig replay_config_for(const ReplayConfig& base, const RunShape& shape,
                                             BackendKind policy, std::uint64_t capacity);
/// --policy-params for `policies`, checked: each policy's knobs parse and are known.
[[nodiscard]] RunShape run_shape(bool by_bytes, const std::vector<std::string>& policy_params,
                                 const std::vector<BackendKind>& policies);

/// The report of one run: a single replay's report with trace.hash and the "sweep" object.
[[nodiscard]] nlohmann::ordered_json sweep_report(const SweepPlan& plan, const TraceFacts& facts,
                                                  const SweepInfo& info,
                                                  const SweepRunOutcome& outcome);

}  // namespace purecache::sim
