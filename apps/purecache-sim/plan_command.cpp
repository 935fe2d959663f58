// purecache-sim plan: for each policy, the smallest cache that reaches a target hit ratio, and
// what it would take in memory.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend_footprint.hpp"
#include "commands.hpp"
#include "output_writer.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/mrc/miss_ratio_curve.hpp"
#include "purecache/sim/sweep/sweep.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/version.hpp"
#include "command_checks.hpp"
#include "replay_options.hpp"
#include "sweep_plan.hpp"
#include "trace_options.hpp"

namespace purecache::sim {

namespace {

/// One policy's answer.
struct PolicyPlan {
  BackendKind policy = BackendKind::lru;
  std::string method;  // "exact" (LRU stack distances) or "search" (replays)
  std::uint64_t capacity = 0;
  ReplayResult at_capacity;     // the replay at that capacity
  double max_hit_ratio = 0;     // every key cached
  std::uint64_t replays = 0;    // replays the search ran
  /// The library backend's memory at that capacity; none for an offline policy (Belady), which
  /// no application can run.
  std::optional<BackendFootprint> footprint;
};

double hit_ratio(const ReplayResult& r) {
  return r.gets == 0 ? 0.0 : static_cast<double>(r.hits) / static_cast<double>(r.gets);
}

bool reaches(const ReplayResult& r, double target) {
  // hits / gets >= target, without the division's rounding deciding the boundary.
  return static_cast<double>(r.hits) >= target * static_cast<double>(r.gets) - 1e-9;
}

/// Replays `capacities` of one policy on the worker threads.
class Prober {
 public:
  Prober(const LoadedTrace& trace, const ReplayConfig& base, const RunShape& shape, unsigned jobs)
      : trace_(trace), base_(base), shape_(shape), jobs_(jobs) {}

  std::vector<ReplayResult> run(BackendKind policy, const std::vector<std::uint64_t>& capacities) {
    std::vector<ReplayConfig> configs;
    for (const std::uint64_t capacity : capacities) {
      configs.push_back(replay_config_for(base_, shape_, policy, capacity));
    }
    // An offline policy's next accesses are the same in every round: one pass for the plan.
    if (info(policy).offline && next_access_.empty()) {
      next_access_ = next_access_positions(trace_.requests(), trace_.facts().distinct_keys);
    }
    std::vector<ReplayResult> results(configs.size());
    sweep_loaded(
        trace_, configs, jobs_,
        [&](std::size_t run, ReplayResult&& result) { results[run] = std::move(result); },
        info(policy).offline ? std::span<const std::uint64_t>(next_access_)
                             : std::span<const std::uint64_t>());
    replays_ += configs.size();
    return results;
  }
  [[nodiscard]] std::uint64_t replays() const noexcept { return replays_; }
  [[nodiscard]] unsigned jobs() const noexcept { return jobs_; }

 private:
  const LoadedTrace& trace_;
  const ReplayConfig& base_;
  const RunShape& shape_;
  unsigned jobs_;
  std::uint64_t replays_ = 0;
  std::vector<std::uint64_t> next_access_;  // for offline policies, once one is probed
};

/// The smallest capacity in (0, distinct] whose replay reaches `target`, by a (jobs + 1)-ary
/// search: each round replays `jobs` capacities spread over the open interval at once. Exact
/// when the hit ratio never falls as the capacity grows (true of LRU; the report says "search"
/// for the others, whose boundary is the one the search found and verified).
PolicyPlan search(Prober& prober, BackendKind policy, std::uint64_t distinct,
                  const ReplayResult& full, double target) {
  PolicyPlan plan;
  plan.policy = policy;
  plan.method = "search";
  std::uint64_t below = 0;       // a capacity that does not reach it (0: none cached)
  std::uint64_t at = distinct;   // one that does
  ReplayResult at_result = full;
  while (at - below > 1) {
    const std::uint64_t gap = at - below;
    const std::uint64_t points = std::min<std::uint64_t>(prober.jobs(), gap - 1);
    std::vector<std::uint64_t> capacities;
    for (std::uint64_t i = 1; i <= points; ++i) capacities.push_back(below + gap * i / (points + 1));
    capacities.erase(std::unique(capacities.begin(), capacities.end()), capacities.end());
    const std::vector<ReplayResult> results = prober.run(policy, capacities);
    std::uint64_t new_below = below;
    for (std::size_t i = 0; i < capacities.size(); ++i) {
      if (reaches(results[i], target)) {
        at = capacities[i];
        at_result = results[i];
        break;
      }
      new_below = capacities[i];
    }
    below = new_below;
  }
  plan.capacity = at;
  plan.at_capacity = at_result;
  return plan;
}

/// LRU's smallest capacity reaching `target`, read off its exact miss-ratio curve (one pass of
/// stack distances), then replayed once for the report. Exact whatever the curve's shape.
PolicyPlan exact_lru(Prober& prober, const TraceSource& source, const TraceOptions& options,
                     const ReplayConfig& base, const ReplayResult& full, double target) {
  TraceReader reader(source, options);
  const MrcProfile profile =
      profile_mrc(reader, MrcConfig{.warmup = base.warmup, .stop_signal = base.stop_signal});
  PolicyPlan plan;
  plan.policy = BackendKind::lru;
  plan.method = "exact";
  plan.at_capacity = full;
  plan.capacity = reader.distinct_keys();
  if (!profile.complete) {
    plan.at_capacity.complete = false;
    return plan;
  }
  // A get at stack distance d hits in every cache of more than d entries.
  const auto counts = profile.histogram.counts();
  std::uint64_t hits = 0;
  for (std::size_t distance = 0; distance < counts.size(); ++distance) {
    hits += counts[distance];
    if (static_cast<double>(hits) >= target * static_cast<double>(profile.gets) - 1e-9) {
      plan.capacity = distance + 1;
      break;
    }
  }
  plan.at_capacity = prober.run(BackendKind::lru, {plan.capacity}).front();
  return plan;
}

nlohmann::ordered_json plan_json(const PolicyPlan& plan, const TraceFacts& facts,
                                 const RunShape& shape, std::uint64_t value_bytes) {
  const ReplayResult& r = plan.at_capacity;
  const BackendFootprint f = plan.footprint.value_or(BackendFootprint{});
  const std::uint64_t values = value_bytes * f.entries;
  nlohmann::ordered_json memory = nullptr;
  if (plan.footprint) {
    memory = {{"entries", f.entries},
              {"backend_bytes", f.backend_bytes},
              {"backend_bytes_peak", f.backend_peak_bytes},
              {"bytes_per_entry", f.entries == 0 ? 0.0 : static_cast<double>(f.backend_bytes) /
                                                             static_cast<double>(f.entries)},
              {"key_heap_bytes", f.key_heap_bytes},
              {"value_bytes", values},
              {"total_bytes", f.backend_bytes + f.key_heap_bytes + values}};
  }
  const auto capacity = [&](bool bytes) {
    return bytes == shape.by_bytes ? nlohmann::ordered_json(plan.capacity)
                                   : nlohmann::ordered_json(nullptr);
  };
  return {
      {"policy", std::string(to_string(plan.policy))},
      {"method", plan.method},
      {"parameters", r.policy_parameters},
      {"capacity", capacity(false)},
      {"capacity_bytes", capacity(true)},
      {"capacity_share",
       static_cast<double>(plan.capacity) /
           static_cast<double>(shape.by_bytes ? facts.distinct_bytes : facts.distinct_keys)},
      {"hit_ratio", hit_ratio(r)},
      {"hits", r.hits},
      {"gets", r.gets},
      {"max_hit_ratio", plan.max_hit_ratio},
      {"replays", plan.replays},
      {"memory", memory},
  };
}

}  // namespace

void run_plan(const PlanConfig& config, const CliStreams& streams) {
  const SimConfig& replay = config.replay;
  if (replay.trace.empty()) throw ConfigError("--trace is required (see --help)");
  if (!config.target_hit_ratio) throw ConfigError("--target-hit-ratio is required (see --help)");
  const double target = *config.target_hit_ratio;
  if (!(target > 0) || !(target <= 1)) {
    bad_value("target-hit-ratio", shortest(target), "must be in (0, 1]");
  }
  const std::vector<BackendKind> policies = parse_bounded_policies(
      config.policies, replay.ttl_seconds.has_value(), "a plan sizes a bounded cache");
  if (config.key_type != "auto" && config.key_type != "u64" && config.key_type != "string") {
    bad_value("key-type", config.key_type, "must be auto, u64 or string");
  }
  const RunShape shape = run_shape(config.bytes, replay.policy_params, policies);
  const unsigned jobs = jobs_or_every_core(config.jobs);
  const std::uint64_t memory_limit = config.memory_limit.empty()
                                         ? half_of_ram()
                                         : parse_bytes("memory-limit", config.memory_limit);
  // Computed apart: a throwing initializer inside the aggregate trips GCC 12's
  // -Wmaybe-uninitialized at -O3 on the config's strings.
  const Duration step = synthetic_step(replay.rate);
  ReplayConfig base{.engine = ReplayEngine::fast,
                    .demand_fill = !replay.no_fill,
                    .warmup = replay.warmup,
                    .synthetic_step = step,
                    .stop_signal = streams.stop_signal};
  if (replay.ttl_seconds) base.core.ttl = ttl_duration(*replay.ttl_seconds);
  const TraceOptions options = make_trace_options(replay.format, replay.csv_columns, replay.on_error);
  if (!replay.output.empty()) {
    check_output_is_not_trace(replay.output, replay.trace);
    check_writable(replay.output, "the plan", false);
  }

  const TraceSource source(replay.trace);
  TraceReader reader(source, options);
  std::optional<LoadedTrace> trace =
      LoadedTrace::load(reader, static_cast<std::size_t>(memory_limit), streams.stop_signal);
  if (!trace) {
    throw ConfigError(purecache::detail::escaped(replay.trace) +
                      ": the trace needs more memory than --memory-limit " +
                      std::to_string(memory_limit) + " bytes (32 bytes per request); raise it");
  }
  if (!trace->complete()) return;  // stopped by a signal: nothing to plan
  const TraceFacts& facts = trace->facts();
  if (facts.requests == 0) throw TraceError(replay.trace, "trace has no requests");
  check_warmup(replay.warmup, facts.requests);
  const bool string_keys =
      config.key_type == "string" || (config.key_type == "auto" && !every_key_is_a_number(reader));
  if (config.key_type == "u64" && !every_key_is_a_number(reader)) {
    throw ConfigError(purecache::detail::escaped(replay.trace) +
                      ": not every key is a number below 10^19; use --key-type string");
  }

  if (shape.by_bytes) check_sizes_for_bytes(facts.has_sizes, replay.trace, facts.format);
  Prober prober(*trace, base, shape, jobs);
  std::vector<PolicyPlan> plans;
  for (const BackendKind policy : policies) {
    // Every key cached: the distinct keys, or their first sizes; a trace whose sets grow objects
    // may need more bytes, so the byte bound doubles until nothing is evicted for room.
    std::uint64_t every_key = shape.by_bytes ? std::max<std::uint64_t>(1, facts.distinct_bytes)
                                             : facts.distinct_keys;
    ReplayResult full = prober.run(policy, {every_key}).front();
    for (int doubling = 0; shape.by_bytes && full.complete && full.evictions.capacity > 0 &&
                           doubling < 16;
         ++doubling) {
      every_key *= 2;
      full = prober.run(policy, {every_key}).front();
    }
    if (!full.complete) return;
    if (!reaches(full, target)) {
      throw ConfigError("target hit ratio " + shortest(target) + " is not reachable by " +
                        std::string(to_string(policy)) + " even with every key cached (" +
                        std::to_string(every_key) + (shape.by_bytes ? " bytes" : " entries") +
                        "): it reaches " +
                        shortest(std::floor(hit_ratio(full) * 1e6) / 1e6) +
                        (base.demand_fill ? std::string(", the rest are first requests") +
                                                (info(policy).expiring ? " and expiries" : "")
                                          : std::string(": without demand fill only the trace's "
                                                        "sets fill the cache")) +
                        "; lower the target");
    }
    const std::uint64_t before = prober.replays();
    PolicyPlan plan = policy == BackendKind::lru && base.demand_fill && !shape.by_bytes
                          ? exact_lru(prober, source, options, base, full, target)
                          : search(prober, policy, every_key, full, target);
    if (!plan.at_capacity.complete) return;
    plan.max_hit_ratio = hit_ratio(full);
    plan.replays = prober.replays() - before + 1;
    ReplayConfig library = replay_config_for(base, shape, policy, plan.capacity);
    library.key_type = string_keys ? ReplayKeyType::string : ReplayKeyType::u64;
    if (!info(policy).offline) plan.footprint = library_footprint(source, options, library);
    if (stop_requested(streams)) return;
    plans.push_back(std::move(plan));
  }

  nlohmann::ordered_json report = {
      {"schema_version", 2},
      {"tool", {{"name", "purecache-sim"}, {"version", std::string(version())}}},
      {"kind", "plan"},
      {"trace",
       {{"path", facts.path},
        {"format", std::string(to_string(facts.format))},
        {"compressed", facts.compressed},
        {"requests", facts.requests},
        {"distinct_keys", facts.distinct_keys},
        {"bytes", facts.bytes},
        {"hash", facts.hash}}},
      {"target_hit_ratio", target},
      {"key_type", string_keys ? "string" : "u64"},
      {"value_bytes", config.value_bytes},
      {"replay", {{"demand_fill", base.demand_fill}, {"warmup_requests", base.warmup}}},
      {"capacity_unit", shape.by_bytes ? "bytes" : "entries"},
      {"plans", nlohmann::ordered_json::array()},
  };
  for (const PolicyPlan& plan : plans) {
    report["plans"].push_back(plan_json(plan, facts, shape, config.value_bytes));
  }
  write_output(replay.output, (streams.out_is_terminal ? report.dump(2) : report.dump()) + "\n",
               streams, "the plan");
}

}  // namespace purecache::sim
