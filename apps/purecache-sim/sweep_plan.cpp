#include "sweep_plan.hpp"

#include <algorithm>
#include <cmath>

#include "purecache/backend/parameters_in_effect.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/trace/trace_hash.hpp"
#include "trace_scan.hpp"

namespace purecache::sim {

namespace {

// FNV-1a, 64 bits: enough to tell sweeps apart; not a defence against forgery.
std::string hex_hash(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  }
  return hex_digits(h);
}

nlohmann::ordered_json policy_names(const std::vector<BackendKind>& policies) {
  auto names = nlohmann::ordered_json::array();
  for (const BackendKind kind : policies) names.push_back(std::string(to_string(kind)));
  return names;
}

}  // namespace

void SweepPlan::resolve(std::uint64_t distinct_keys, std::uint64_t distinct_bytes) {
  runs.clear();
  for (const BackendKind policy : policies) {
    for (std::size_t c = 0; c < capacities.size(); ++c) {
      const std::uint64_t capacity =
          capacities[c].resolve(shape.by_bytes ? distinct_bytes : distinct_keys);
      const std::uint64_t simulated =
          sample_rate ? std::max<std::uint64_t>(
                            1, static_cast<std::uint64_t>(
                                   std::llround(static_cast<double>(capacity) * *sample_rate)))
                      : capacity;
      runs.push_back({policy, capacity_specs[c], capacity, simulated});
    }
  }
}

std::vector<std::size_t> SweepPlan::shard_runs() const {
  std::vector<std::size_t> mine;
  for (std::size_t run = shard.index - 1; run < runs.size(); run += shard.count) {
    mine.push_back(run);
  }
  return mine;
}

ReplayConfig replay_config_for(const ReplayConfig& base, const RunShape& shape,
                               BackendKind policy, std::uint64_t capacity) {
  ReplayConfig config = base;
  config.policy = policy;
  if (shape.by_bytes) {
    config.core.max_weight = capacity;
  } else {
    config.core.capacity = static_cast<std::size_t>(capacity);
  }
  if (!info(policy).expiring) config.core.ttl = {};
  const auto knobs = shape.parameters.find(policy);
  if (knobs != shape.parameters.end()) config.core.parameters = knobs->second;
  return config;
}

RunShape run_shape(bool by_bytes, const std::vector<std::string>& policy_params,
                   const std::vector<BackendKind>& policies) {
  RunShape shape{.by_bytes = by_bytes, .parameters = {}};
  for (const BackendKind policy : policies) {
    std::string knobs = parameters_for(policy, policy_params, policies);
    // Refused now, not after reading the trace.
    (void)parameters_in_effect(policy, CoreConfig{.ttl = Duration{1}, .parameters = knobs});
    if (!knobs.empty()) shape.parameters[policy] = std::move(knobs);
  }
  return shape;
}

ReplayConfig SweepPlan::config_of(std::size_t run) const {
  return replay_config_for(base, shape, runs[run].policy, runs[run].simulated_capacity);
}

std::string SweepPlan::id(const std::string& trace_hash) const {
  nlohmann::ordered_json parameters = {
      {"trace_hash", trace_hash},
      {"engine", std::string(to_string(engine))},
      {"policies", policy_names(policies)},
      {"capacities", capacity_specs},
      {"sample_rate", sample_rate ? nlohmann::ordered_json(*sample_rate) : nullptr},
      {"ttl_seconds", ttl_seconds ? nlohmann::ordered_json(*ttl_seconds) : nullptr},
      {"demand_fill", base.demand_fill},
      {"warmup", base.warmup},
      {"rate", rate},
  };
  // Added only when set, so that the ids of entry-count sweeps without knobs stay as they were.
  if (shape.by_bytes) parameters["capacity_unit"] = "bytes";
  for (const auto& [policy, knobs] : shape.parameters) {
    parameters["parameters"][std::string(to_string(policy))] = knobs;
  }
  return hex_hash(parameters.dump());
}

nlohmann::ordered_json sweep_report(const SweepPlan& plan, const TraceFacts& facts,
                                    const SweepInfo& info, const SweepRunOutcome& outcome) {
  const SweepRunSpec& run = plan.runs[outcome.run];
  ReportContext context =
      trace_report_context(facts, run.capacity, plan.shape.by_bytes, plan.rate);
  context.policy = run.policy;
  context.capacity_spec = run.capacity_spec;
  context.policy_parameters = outcome.result.policy_parameters;
  context.ttl_seconds = purecache::info(run.policy).expiring ? plan.ttl_seconds : std::nullopt;
  context.demand_fill = plan.base.demand_fill;
  context.warmup = plan.base.warmup;
  context.peak_rss_bytes = peak_rss_bytes();
  context.run_wall_seconds = outcome.run_wall_seconds;
  nlohmann::ordered_json report = make_report(context, outcome.result);
  report["sweep"] = {
      {"id", plan.id(facts.hash)},
      {"index", outcome.run},
      {"runs", plan.runs.size()},
      {"shard", {{"index", plan.shard.index}, {"count", plan.shard.count}}},
      {"policies", policy_names(plan.policies)},
      {"capacities", plan.capacity_specs},
      {"sample_rate", plan.sample_rate ? nlohmann::ordered_json(*plan.sample_rate) : nullptr},
      {"simulated_capacity", run.simulated_capacity},
  };
  if (plan.sample_rate) {
    // The sample's gets are R x the trace's only on average: a hot key kept or missed moves
    // them far (zipf). As SHARDS adjusts its curve, the estimate counts the sample's misses
    // against the gets it should have had; the extra (or missing) gets are taken as hits.
    const double expected = *plan.sample_rate * static_cast<double>(plan.counted_gets);
    const double estimate =
        expected > 0 ? std::clamp(static_cast<double>(outcome.result.misses) / expected, 0.0, 1.0)
                     : 0.0;
    report["sweep"]["expected_sampled_gets"] = expected;
    report["sweep"]["estimated_miss_ratio"] = estimate;
    report["sweep"]["estimated_hit_ratio"] = 1.0 - estimate;
  } else {
    report["sweep"]["expected_sampled_gets"] = nullptr;
    report["sweep"]["estimated_miss_ratio"] = nullptr;
    report["sweep"]["estimated_hit_ratio"] = nullptr;
  }
  // How the run was executed changes its speed, never its counts: beside the speed.
  report["throughput"]["jobs"] = info.jobs;
  report["throughput"]["trace_in_memory"] = info.in_memory;
  return report;
}

}  // namespace purecache::sim
