// purecache-sim sweep: every policy x capacity of one trace, on worker threads.

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "output_writer.hpp"
#include "progress_bar.hpp"
#include "repeated_runs.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/report/json_report.hpp"
#include "purecache/sim/sweep/sweep.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "lock_sampling.hpp"
#include "command_checks.hpp"
#include "replay_options.hpp"
#include "trace_options.hpp"
#include "trace_scan.hpp"
#include "sweep_plan.hpp"

namespace purecache::sim {

namespace {

/// "I/N" with 1 <= I <= N.
SweepShard parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  SweepShard shard;
  const auto number = [&](std::string_view digits, std::uint64_t& value) {
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} && ptr == digits.data() + digits.size() && !digits.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
      !number(text.substr(slash + 1), shard.count) || shard.count == 0 || shard.index == 0 ||
      shard.index > shard.count) {
    bad_value("shard", text, "must be I/N with 1 <= I <= N, like 2/3");
  }
  return shard;
}

/// Reads the trace into memory within `limit` bytes, or to its end without keeping it.
struct TraceInput {
  std::optional<LoadedTrace> loaded;  // empty: the trace streams once per pass instead
  TraceFacts facts;                   // hash empty when streaming (the pass computes it)
};

TraceInput read_trace(const TraceSource& source, const TraceOptions& options,
                      std::uint64_t limit, const CliStreams& streams) {
  TraceReader reader(source, options);
  TraceInput input;
  input.loaded = LoadedTrace::load(reader, static_cast<std::size_t>(limit), streams.stop_signal);
  if (input.loaded) {
    input.facts = input.loaded->facts();
    return input;
  }
  // Too large: count the rest (the distinct keys size percentages) and let the pass re-read it.
  std::vector<Request> batch(4096);
  while (reader.read(batch) != 0) {
    if (stop_requested(streams)) break;
  }
  input.facts = TraceFacts::of(reader);
  return input;
}

void print_summary(std::ostream& err, const SweepPlan& plan, const std::vector<SweepRunOutcome>& done,
                   const SweepInfo& info) {
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %12s %12s %10s %14s %12s\n", "policy", "capacity",
                plan.sample_rate ? "simulated" : "", "hit ratio", "misses", "evictions");
  err << line;
  for (const SweepRunOutcome& outcome : done) {
    const SweepRunSpec& run = plan.runs[outcome.run];
    const ReplayResult& r = outcome.result;
    const double hit_ratio =
        r.gets == 0 ? 0.0 : static_cast<double>(r.hits) / static_cast<double>(r.gets);
    std::snprintf(line, sizeof line, "%-10s %12llu %12s %10.4f %14llu %12llu\n",
                  std::string(to_string(run.policy)).c_str(),
                  static_cast<unsigned long long>(run.capacity),
                  plan.sample_rate ? std::to_string(run.simulated_capacity).c_str() : "",
                  hit_ratio, static_cast<unsigned long long>(r.misses),
                  static_cast<unsigned long long>(r.evictions.capacity + r.evictions.expired));
    err << line;
  }
  std::snprintf(line, sizeof line, "%zu of %zu runs (shard %llu/%llu), trace %s, %u jobs, %.2f s\n",
                done.size(), plan.runs.size(), static_cast<unsigned long long>(plan.shard.index),
                static_cast<unsigned long long>(plan.shard.count),
                plan.engine == ReplayEngine::library ? "read by each run (library engine)"
                : info.in_memory                     ? "in memory"
                                                     : "streamed",
                info.jobs, info.seconds);
  err << line;
}

}  // namespace

void run_sweep(const SweepConfig& config, const CliStreams& streams) {
  if (config.replay.trace.empty()) throw ConfigError("--trace is required (see --help)");
  SweepPlan plan;
  plan.policies = parse_bounded_policies(config.policies, config.replay.ttl_seconds.has_value(),
                                         "a sweep varies the capacity");
  const bool by_bytes = !config.capacity_bytes.empty();
  for (const std::string& spec : split_list(by_bytes ? config.capacity_bytes : config.capacities)) {
    plan.capacity_specs.push_back(spec);
    plan.capacities.push_back(by_bytes ? parse_capacity_bytes(spec) : parse_capacity(spec, "capacities"));
  }
  plan.shape = run_shape(by_bytes, config.replay.policy_params, plan.policies);
  if (config.jobs && *config.jobs == 0) bad_value("jobs", "0", "must be >= 1");
  const unsigned jobs = jobs_or_every_core(config.jobs);
  if (!config.shard.empty()) plan.shard = parse_shard(config.shard);
  const std::uint64_t memory_limit =
      config.memory_limit.empty() ? half_of_ram() : parse_bytes("memory-limit", config.memory_limit);
  const ReplayEngine engine = parse_replay_engine(config.replay.engine);
  plan.engine = engine;
  if (engine == ReplayEngine::library) {
    for (const BackendKind policy : plan.policies) require_online(policy);
  }
  std::optional<SpatialSampler> sampler;
  if (config.sample_rate && engine == ReplayEngine::library) {
    throw ConfigError(
        "--sample-rate needs --engine fast: a miniature replays the sampled trace from memory");
  }
  if (config.sample_rate) {
    sampler.emplace(*config.sample_rate);
    plan.sample_rate = *config.sample_rate;  // the share kept is within 2^-24 of it
  }
  // Computed apart: a throwing initializer inside the aggregate trips GCC 12's
  // -Wmaybe-uninitialized at -O3 on the config's strings.
  const Duration step = synthetic_step(config.replay.rate);
  plan.base = ReplayConfig{.engine = engine,
                           .demand_fill = !config.replay.no_fill,
                           .warmup = config.replay.warmup,
                           .synthetic_step = step,
                           .stop_signal = streams.stop_signal};
  if (config.replay.ttl_seconds) plan.base.core.ttl = ttl_duration(*config.replay.ttl_seconds);
  plan.ttl_seconds = config.replay.ttl_seconds;
  plan.rate = config.replay.rate;
  const TraceOptions options = make_trace_options(config.replay.format, config.replay.csv_columns, config.replay.on_error);
  if (!config.replay.output.empty()) {
    check_output_is_not_trace(config.replay.output, config.replay.trace);
    check_writable(config.replay.output, "the sweep", false);
  }

  const auto started = std::chrono::steady_clock::now();
  const TraceSource source(config.replay.trace);
  TraceInput input;
  bool numeric_keys = true;
  if (engine == ReplayEngine::library) {
    // Each run reads the trace itself (the library engine needs the keys' spellings): one pass
    // here learns the distinct keys, the hash and the key type.
    ScannedTrace scanned = scan_trace(source, options, streams);
    input.facts = std::move(scanned.facts);
    numeric_keys = scanned.numeric_keys;
  } else {
    input = read_trace(source, options, memory_limit, streams);
  }
  if (stop_requested(streams)) return;
  if (engine == ReplayEngine::fast && !input.loaded) {
    for (const BackendKind policy : plan.policies) {
      if (!info(policy).offline) continue;
      throw ConfigError(purecache::detail::escaped(config.replay.trace) + ": policy " +
                        purecache::detail::quoted(to_string(policy)) +
                        " needs the whole trace in memory to know each request's next access, "
                        "and it needs more than --memory-limit " + std::to_string(memory_limit) +
                        " bytes (32 bytes per request); raise it");
    }
  }
  if (input.facts.requests == 0) throw TraceError(config.replay.trace, "trace has no requests");
  check_warmup(config.replay.warmup, input.facts.requests);
  if (by_bytes) check_sizes_for_bytes(input.facts.has_sizes, config.replay.trace, input.facts.format);
  plan.resolve(input.facts.distinct_keys, input.facts.distinct_bytes);
  if (engine == ReplayEngine::library) {
    plan.base.key_type = numeric_keys ? ReplayKeyType::u64 : ReplayKeyType::string;
    plan.base.lock_sample_every = default_lock_sample(input.facts.bytes, input.facts.format);
  }

  // --repeat K: the shard's run list K times over; the runs of one replay are folded below.
  const std::vector<std::size_t> shard_runs = plan.shard_runs();
  std::vector<ReplayConfig> configs;
  for (std::uint32_t pass = 0; pass < config.replay.repeat; ++pass) {
    for (const std::size_t run : shard_runs) configs.push_back(plan.config_of(run));
  }
  std::optional<ProgressBar> progress;
  if (!config.replay.no_progress && streams.err_is_terminal) progress.emplace(streams.err);
  std::vector<SweepRunOutcome> done;
  std::map<std::size_t, std::vector<ReplayResult>> repeats;  // by run, while some are running
  std::size_t finished_slots = 0;
  std::uint64_t requests_done = 0;
  const auto on_done = [&](std::size_t slot, ReplayResult&& result) {
    requests_done += result.requests;
    ++finished_slots;
    const std::size_t run = shard_runs[slot % shard_runs.size()];
    std::vector<ReplayResult>& runs = repeats[run];
    runs.push_back(std::move(result));
    if (runs.size() == config.replay.repeat) {
      if (runs.size() == 1) {
        done.push_back({run, std::move(runs.front())});
      } else if (std::all_of(runs.begin(), runs.end(),
                             [](const ReplayResult& r) { return r.complete; })) {
        RepeatedRuns folded = fold_repeated_runs(std::move(runs));
        done.push_back({run, std::move(folded.result), std::move(folded.wall_seconds)});
      }
      repeats.erase(run);
    }
    if (progress) progress->update(finished_slots, configs.size(), requests_done);
  };
  SweepInfo info{.in_memory = input.loaded.has_value(), .jobs = jobs};
  if (engine == ReplayEngine::library) {
    sweep_library(source, options, configs, jobs, on_done);
  } else if (input.loaded) {
    std::optional<LoadedTrace> sample;
    if (sampler) {
      plan.counted_gets = counted_gets(input.loaded->requests(), plan.base.warmup);
      sample = input.loaded->sampled(*sampler);
      input.loaded.reset();  // the sample is all the runs need
    }
    sweep_loaded(sample ? *sample : *input.loaded, configs, jobs, on_done);
  } else {
    SweepPass pass =
        sweep_streaming(source, options, configs, jobs, sampler, streams.stop_signal, on_done);
    input.facts = std::move(pass.facts);
    plan.counted_gets = pass.counted_gets;
  }
  if (progress) progress->finish();
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Runs cut short by a signal are left out: a shard is whole runs or nothing (merge checks).
  std::erase_if(done, [](const SweepRunOutcome& o) { return !o.result.complete; });
  std::sort(done.begin(), done.end(),
            [](const SweepRunOutcome& a, const SweepRunOutcome& b) { return a.run < b.run; });
  std::string lines;
  for (const SweepRunOutcome& outcome : done) {
    lines += sweep_report(plan, input.facts, info, outcome).dump();
    lines += '\n';
  }
  if (!done.empty()) write_output(config.replay.output, lines, streams, "the sweep");
  print_summary(streams.err, plan, done, info);
}

}  // namespace purecache::sim
