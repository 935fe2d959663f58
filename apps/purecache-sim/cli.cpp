#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <ostream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "option_limits.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/concurrency_config.hpp"
#include "purecache/sim/output/output_error.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/version.hpp"

namespace purecache::sim {

namespace {

constexpr const char* kFooter = R"(Examples:
  purecache-sim --policy lfu --trace traces/zipf.txt
  purecache-sim --policy lru --capacity 5% --trace traces/cloudPhysicsIO.oracleGeneral.bin.zst
  purecache-sim --policy lru --trace traces/cloudPhysicsIO.csv.zst --csv-columns key=lbn,timestamp=time,size=size
  purecache-sim --policy lru-ttl --capacity 10000 --ttl 60 --trace cluster52.twitter.zst
  purecache-sim gen zipf --keys 10000 --requests 100000 --alpha 0.99 --seed 1 -o zipf.txt
  purecache-sim mrc --trace traces/zipf.txt --capacities 1%,10%,1000
  purecache-sim mrc --trace traces/cloudPhysicsIO.oracleGeneral.bin.zst --capacity-bytes 64MiB,1%,10%
  purecache-sim sweep --trace traces/zipf.txt --policies lru,lfu --capacities 1%,5%,10% --shard 1/2 -o a.jsonl
  purecache-sim merge a.jsonl b.jsonl -o sweep.jsonl
  purecache-sim plan --trace traces/zipf.txt --target-hit-ratio 0.8 --value-bytes 100
  purecache-sim contention --trace traces/zipf.txt --capacity 1000 --threads 1,2 --shards 1,16 -o c.jsonl
  purecache-sim --policy lru --trace traces/zipf.txt --repeat 5 -o new.json
  purecache-sim compare baseline.json new.json --max-throughput-drop 10% --format markdown

Exit codes:
  0    success
  1    internal error, or out of a resource (cannot write the output, out of memory)
  2    bad usage, configuration or trace; the message names the file and line
  compare: 0 within thresholds, 1 a regression, 2 runs that do not match up or inputs
       that are not purecache-sim reports (docs/compare.md)
  130  stopped by SIGINT, 143 by SIGTERM: the report so far has "complete": false
       (gen, mrc and plan write nothing; sweep and contention write the runs they finished))";

std::string joined_formats() {
  std::string names;
  for (const auto name : kTraceFormatNames) {
    if (!names.empty()) names += "|";
    names += name;
  }
  return names;
}

std::string policy_help() {
  std::string help = "Eviction policy:";
  for (const auto& row : kBackendKinds) {
    help.append("\n  ").append(row.name).append(": ").append(row.summary);
  }
  return help;
}

std::string ttl_help() {
  std::string policies;
  for (const auto& row : kBackendKinds) {
    if (!row.expiring) continue;
    if (!policies.empty()) policies += ", ";
    policies += row.name;
  }
  return "Default TTL in seconds, 0.000000001 to " + std::to_string(kMaxWholeSeconds) +
         ", for requests without their own (" + policies + ")";
}

// CLI11 reads integers with strtoull: "-1" wraps to 2^64-1 and "010" is octal. This checks the
// text as typed (decimal digits, in range) and hands CLI11 the canonical decimal to convert.
template <class T>
CLI::Validator whole_number(std::string name, T min) {
  return CLI::Validator(
      [name = std::move(name), min](std::string& text) -> std::string {
        const auto reject = [&](const std::string& requirement) {
          purecache::detail::throw_config_error(name, purecache::detail::quoted(text), requirement);
        };
        const bool negative = !text.empty() && text[0] == '-';
        const std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
        T value{};
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        const bool all_digits = ptr == digits.data() + digits.size() && !digits.empty() &&
                                digits.find_first_not_of("0123456789") == std::string_view::npos;
        if (!all_digits) reject("must be a whole number");
        if (negative && (ec != std::errc{} || value != 0)) {
          reject("must be >= " + std::to_string(min));
        }
        if (ec != std::errc{}) {
          reject("must be at most " + std::to_string(std::numeric_limits<T>::max()));
        }
        if (value < min) reject("must be >= " + std::to_string(min));
        text = std::to_string(value);
        return {};
      },
      "", name);
}

/// What a trace is and how to replay it: options of the single replay, sweep and curve commands.
void add_trace_options(CLI::App& app, SimConfig& config) {
  app.add_option("--trace,-t", config.trace, "Trace to replay (optionally .zst); - reads stdin")
      ->type_name("PATH");
  app.add_option("--format,-f", config.format, "Trace format: " + joined_formats())
      ->capture_default_str();
  app.add_option("--csv-columns", config.csv_columns,
                 "Map csv columns: field=column,... fields: key,timestamp,size,op,ttl");
  app.add_option("--on-error", config.on_error, "On a malformed record: fail, or skip and count it")
      ->capture_default_str();
  app.add_option("--warmup", config.warmup, "Leading requests replayed but not counted")
      ->transform(whole_number<std::uint64_t>("warmup", 0))
      ->capture_default_str();
}

void add_replay_semantics_options(CLI::App& app, SimConfig& config) {
  app.add_option("--ttl", config.ttl_seconds, ttl_help())->type_name("SECONDS");
  app.add_flag("--no-fill", config.no_fill, "Do not insert a key after a get misses");
  app.add_option("--rate", config.rate,
                 "Requests per second of synthetic time for traces without timestamps (1/" +
                     std::to_string(kMaxWholeSeconds) + " to " + std::to_string(kMaxRate) + ")")
      ->capture_default_str();
  app.add_flag("--no-progress", config.no_progress,
               "No progress bar (shown only when stderr is a terminal)");
  app.add_option("--policy-params", config.policy_params,
                 "A policy's knobs, as POLICY:name=value,... (docs/policies.md); repeatable")
      ->type_name("POLICY:K=V,...");
}

/// Replay and sweep: speed figures worth comparing need several runs (docs/compare.md).
void add_repeat_option(CLI::App& app, SimConfig& config) {
  app.add_option("--repeat", config.repeat,
                 "Run each replay K times: counts must agree, and throughput and lock-hold "
                 "figures are the medians (docs/compare.md)")
      ->transform(whole_number<std::uint32_t>("repeat", 1))
      ->type_name("K")
      ->capture_default_str();
}

void add_replay_options(CLI::App& app, SimConfig& config) {
  app.add_option("--policy,-p", config.policy, policy_help())->capture_default_str();
  add_trace_options(app, config);
  app.add_option("--engine,-e", config.engine,
                 "library: through the public Cache, as an application (lock and memory figures); "
                 "fast: the bare core, counts only")
      ->capture_default_str();
  app.add_option("--key-type", config.key_type,
                 "Library engine's key type: u64, string, or auto (u64 if the keys are numbers)")
      ->capture_default_str();
  CLI::Option* entries =
      app.add_option("--capacity,-c", config.capacity,
                     "Cache size in entries (N) or as a share of the trace's distinct keys (P%)")
          ->type_name("N|P%")
          ->capture_default_str();
  app.add_option("--capacity-bytes", config.capacity_bytes,
                 "Bound the cache by the sum of object sizes instead: bytes (units K, M, G, KiB, "
                 "MiB, GiB) or a share of the distinct objects' bytes (P%)")
      ->type_name("N|P%")
      ->excludes(entries);
  add_replay_semantics_options(app, config);
  add_repeat_option(app, config);
  app.add_option("--output,-o", config.output, "Write the report to FILE instead of stdout")
      ->type_name("FILE");
  app.add_flag("--jsonl", config.jsonl, "Report on one line; with --output, append to FILE");
  app.add_option("--lock-sample", config.lock_sample,
                 "Time one lock hold in N (1 = every hold; default: by trace size, 1 to 64)")
      ->transform(whole_number<std::uint32_t>("lock-sample", 1))
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--timeline-window", config.timeline_window,
                 "Add per-window rows to the report: windows of N requests, or of S seconds of "
                 "request time (Ss, like 0.5s)")
      ->type_name("N|Ss");
  app.add_option("--threads", config.threads,
                 "Library engine: replay on a pool of T threads (0: on the calling thread, "
                 "streamed; at most " + std::to_string(kMaxReplayThreads) + ")")
      ->transform(whole_number<std::uint32_t>("threads", 0))
      ->type_name("T")
      ->capture_default_str();
  app.add_option("--clients", config.clients,
                 "Closed-loop client coroutines sharing the cache (more than 1 needs --threads)")
      ->transform(whole_number<std::uint32_t>("clients", 1))
      ->type_name("C")
      ->capture_default_str();
  app.add_option("--partition", config.partition,
                 "Which client issues each request: round_robin (in trace order) or key (each "
                 "key to one client, keeping its order)")
      ->capture_default_str();
  app.add_option("--shards", config.shards,
                 "Split the cache into N backends, a lock each, capacity/N entries each")
      ->transform(whole_number<std::uint64_t>("shards", 1))
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--hand-off", config.hand_off,
                 "Where the backend's mutex runs the next waiter: inline (on the releasing "
                 "thread) or scheduled (back on its own thread)")
      ->capture_default_str();
}

CLI::App* add_sweep_command(CLI::App& app, SweepConfig& config) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Replay every policy x capacity (fast engine by default); one JSON report per line");
  add_trace_options(*sweep, config.replay);
  config.replay.engine = "fast";
  sweep->add_option("--engine,-e", config.replay.engine,
                    "fast: counts only, trace held once; library: every run through the public "
                    "Cache, reading the trace itself (lock and memory figures)")
      ->capture_default_str();
  sweep->add_option("--policies", config.policies, "Bounded policies, comma-separated")
      ->capture_default_str();
  CLI::Option* entries =
      sweep->add_option("--capacities", config.capacities,
                        "Capacities, comma-separated: entries (N) or shares of the distinct keys (P%)")
          ->capture_default_str();
  sweep->add_option("--capacity-bytes", config.capacity_bytes,
                    "Byte capacities instead, comma-separated: bytes (units K..GiB) or shares of "
                    "the distinct objects' bytes (P%)")
      ->type_name("LIST")
      ->excludes(entries);
  sweep->add_option("--jobs,-j", config.jobs, "Worker threads (default: every core)")
      ->transform(whole_number<unsigned>("jobs", 1));
  sweep->add_option("--shard", config.shard,
                    "Run only the I-th of N slices of the run list (merge joins them)")
      ->type_name("I/N");
  sweep->add_option("--memory-limit", config.memory_limit,
                    "Hold the trace in memory up to this size, else stream it (default: half of "
                    "RAM)")
      ->type_name("BYTES");
  sweep->add_option("--sample-rate", config.sample_rate,
                    "Miniature simulation: keep this share of the keys and scale capacities by it")
      ->type_name("R");
  add_replay_semantics_options(*sweep, config.replay);
  add_repeat_option(*sweep, config.replay);
  sweep->add_option("--output,-o", config.replay.output, "Write the runs to FILE instead of stdout")
      ->type_name("FILE");
  return sweep;
}

void add_contention_command(CLI::App& app, ContentionConfig& config) {
  CLI::App* contention = app.add_subcommand(
      "contention",
      "Replay through the library on every hand-off x clients x shards x threads; one JSON "
      "report per line (docs/concurrency.md)");
  SimConfig& replay = config.replay;
  contention->add_option("--policy,-p", replay.policy, "Bounded, online eviction policy")
      ->capture_default_str();
  add_trace_options(*contention, replay);
  CLI::Option* entries =
      contention
          ->add_option("--capacity,-c", replay.capacity,
                       "Cache size in entries (N) or as a share of the trace's distinct keys (P%), "
                       "split over the shards")
          ->type_name("N|P%")
          ->capture_default_str();
  contention
      ->add_option(
          "--capacity-bytes", replay.capacity_bytes,
          "Bound the cache by the sum of object sizes instead: bytes (units K, M, G, KiB, "
          "MiB, GiB) or a share of the distinct objects' bytes (P%), split over the shards")
      ->type_name("N|P%")
      ->excludes(entries);
  contention->add_option("--key-type", replay.key_type,
                         "Key type: u64, string, or auto (u64 if the keys are numbers)")
      ->capture_default_str();
  contention->add_option("--threads", config.threads, "Thread counts, comma-separated")
      ->type_name("T,...")
      ->capture_default_str();
  contention->add_option("--clients", config.clients, "Client counts, comma-separated")
      ->type_name("C,...")
      ->capture_default_str();
  contention->add_option("--shards", config.shards, "Shard counts, comma-separated")
      ->type_name("N,...")
      ->capture_default_str();
  contention->add_option("--hand-off", config.hand_offs,
                         "Hand-off modes, comma-separated: inline, scheduled")
      ->type_name("MODE,...")
      ->capture_default_str();
  contention->add_option("--partition", replay.partition,
                         "Which client issues each request: round_robin or key")
      ->capture_default_str();
  contention->add_option("--lock-sample", replay.lock_sample,
                         "Time one lock hold and wait in N (default: by trace size, 1 to 64)")
      ->transform(whole_number<std::uint32_t>("lock-sample", 1))
      ->type_name("N");
  add_replay_semantics_options(*contention, replay);
  add_repeat_option(*contention, replay);
  contention->add_option("--output,-o", replay.output, "Write the cells to FILE instead of stdout")
      ->type_name("FILE");
}

CLI::App* add_plan_command(CLI::App& app, PlanConfig& config) {
  CLI::App* plan = app.add_subcommand(
      "plan", "The smallest cache per policy reaching a target hit ratio, and its memory");
  add_trace_options(*plan, config.replay);
  plan->add_option("--target-hit-ratio,-H", config.target_hit_ratio, "Hit ratio to reach, in (0, 1]")
      ->type_name("H");
  plan->add_option("--policies", config.policies, "Bounded policies, comma-separated")
      ->capture_default_str();
  plan->add_flag("--bytes", config.bytes,
                 "Find the smallest byte capacity (the sum of object sizes, as --capacity-bytes) "
                 "instead of entries");
  plan->add_option("--value-bytes", config.value_bytes,
                   "Bytes of each cached value, added to the memory of each plan")
      ->transform(whole_number<std::uint64_t>("value-bytes", 0))
      ->capture_default_str();
  plan->add_option("--key-type", config.key_type,
                   "Keys the memory is measured with: u64, string, or auto (u64 if numbers)")
      ->capture_default_str();
  plan->add_option("--jobs,-j", config.jobs, "Worker threads (default: every core)")
      ->transform(whole_number<unsigned>("jobs", 1));
  plan->add_option("--memory-limit", config.memory_limit,
                   "Most memory the trace may take (default: half of RAM)")
      ->type_name("BYTES");
  add_replay_semantics_options(*plan, config.replay);
  plan->add_option("--output,-o", config.replay.output, "Write the plan to FILE instead of stdout")
      ->type_name("FILE");
  return plan;
}

CLI::App* add_merge_command(CLI::App& app, MergeConfig& config) {
  CLI::App* merge =
      app.add_subcommand("merge", "Join the shards of one sweep into one JSONL, checked whole");
  merge->add_option("inputs", config.inputs, "Shard files (JSONL from sweep --shard)")
      ->required();
  merge->add_option("--output,-o", config.output, "Write to FILE instead of stdout")
      ->type_name("FILE");
  return merge;
}

void add_compare_command(CLI::App& app, CompareConfig& config) {
  CLI::App* compare = app.add_subcommand(
      "compare",
      "Compare two sets of reports run by run; exit 1 on a regression beyond a threshold, 2 when "
      "the runs do not match up (docs/compare.md)");
  compare->add_option("base", config.base, "BASE: a report, a JSONL of reports, or a directory")
      ->required();
  compare->add_option("new", config.next, "NEW: the same, matched to BASE run by run")->required();
  compare->add_option("--max-hit-ratio-drop", config.max_hit_ratio_drop,
                      "Fail when hit_ratio drops by more than this, in ratio units (0 = any "
                      "drop), or off")
      ->type_name("R|off")
      ->capture_default_str();
  compare->add_option("--max-bytes-per-entry-increase", config.max_bytes_per_entry_increase,
                      "Fail when memory.bytes_per_entry grows by more than P% or N bytes, or off")
      ->type_name("P%|N|off")
      ->capture_default_str();
  compare->add_option("--max-throughput-drop", config.max_throughput_drop,
                      "Fail when requests per second drop by more than P% or N; noisy without "
                      "--repeat")
      ->type_name("P%|N|off")
      ->capture_default_str();
  compare->add_option("--max-p99-lock-hold-increase", config.max_p99_lock_hold_increase,
                      "Fail when the p99 lock hold grows by more than P% or N ns (library "
                      "engine); noisy without --repeat")
      ->type_name("P%|N|off")
      ->capture_default_str();
  compare->add_flag("--exact", config.exact,
                    "Fail on any change, better or worse, in hits, misses, evictions, bytes "
                    "missed or backend memory (deterministic: for a tool's own baselines)");
  compare->add_option("--match", config.match,
                      "Pair runs on these identity fields only, e.g. trace,engine to judge a "
                      "changed configuration by its results (default: all; docs/compare.md)")
      ->type_name("FIELD,...");
  compare->add_option("--format", config.format,
                      "table: on stderr only; json or markdown: also to stdout (or --output) for "
                      "a CI job")
      ->capture_default_str();
  compare->add_option("--output,-o", config.output,
                      "Write the --format output to FILE instead of stdout")
      ->type_name("FILE");
  compare->footer(
      "Exit codes: 0 within every threshold; 1 a regression; 2 runs missing on one side, inputs "
      "that are not complete purecache-sim reports, or bad usage.");
}

void add_gen_command(CLI::App& app, GenConfig& config) {
  CLI::App* gen = app.add_subcommand("gen", "Write a deterministic synthetic trace");
  gen->add_option("kind", config.kind, "zipf|uniform|scan|loop|mix")->required();
  gen->add_option("--keys", config.keys, "Distinct keys")
      ->transform(whole_number<std::uint64_t>("keys", 1))
      ->required();
  gen->add_option("--requests", config.requests, "Requests")
      ->transform(whole_number<std::uint64_t>("requests", 1))
      ->required();
  gen->add_option("--alpha", config.alpha, "Zipf skew")->capture_default_str();
  gen->add_option("--seed", config.seed, "Random seed (same seed, same bytes)")
      ->transform(whole_number<std::uint64_t>("seed", 0))
      ->required();
  gen->add_option("--format", config.format, "text|csv|oracle-general")->capture_default_str();
  gen->add_option("--output,-o", config.output, "File to write")->required();
}

void add_mrc_command(CLI::App& app, MrcCommandConfig& config) {
  CLI::App* mrc =
      app.add_subcommand("mrc", "Write the LRU miss-ratio curve of a trace (docs/mrc.md)");
  mrc->add_option("--trace,-t", config.trace, "Trace (optionally .zst); - reads stdin")
      ->type_name("PATH")
      ->required();
  mrc->add_option("--policy,-p", config.policy, "Eviction policy: lru only")->capture_default_str();
  CLI::Option* capacities =
      mrc->add_option(
             "--capacities,-c", config.capacities,
             "Cache sizes, comma-separated: entries (N) or shares of the distinct keys (P%)")
          ->type_name("N|P%,...");
  CLI::Option* capacity_bytes =
      mrc->add_option("--capacity-bytes", config.capacity_bytes,
                      "A byte curve at these sizes, comma-separated: bytes (N, units K M G T "
                      "KiB MiB GiB TiB) or shares of the distinct objects' bytes (P%)")
          ->type_name("N|P%,...")
          ->excludes(capacities);
  mrc->add_flag("--bytes", config.bytes,
                "A byte curve at --points sizes, log-spaced from the largest object to the "
                "distinct objects' bytes")
      ->excludes(capacities)
      ->excludes(capacity_bytes);
  mrc->add_option("--points", config.points,
                  "Or this many sizes, log-spaced from 1 to the distinct keys (--bytes: from "
                  "the largest object to the distinct bytes)")
      ->transform(whole_number<std::uint32_t>("points", 1))
      ->capture_default_str()
      ->excludes(capacities)
      ->excludes(capacity_bytes);
  mrc->add_option("--sample-rate", config.sample_rate,
                  "Estimate from this share of the keys (SHARDS), in (0, 1]; entries only; "
                  "default: exact")
      ->type_name("R");
  mrc->add_option("--warmup", config.warmup, "Leading requests replayed but not counted")
      ->transform(whole_number<std::uint64_t>("warmup", 0))
      ->capture_default_str();
  mrc->add_option("--format,-f", config.format, "Trace format: " + joined_formats())
      ->capture_default_str();
  mrc->add_option("--csv-columns", config.csv_columns,
                  "Map csv columns: field=column,... fields: key,timestamp,size,op,ttl");
  mrc->add_option("--on-error", config.on_error,
                  "On a malformed record: fail, or skip and count it")
      ->capture_default_str();
  mrc->add_option("--output,-o", config.output, "Write the curve to FILE instead of stdout")
      ->type_name("FILE");
  mrc->add_flag("--no-fill", config.no_fill,
                "Refused: without demand fill there is no one-pass curve");
  mrc->add_flag("--no-progress", config.no_progress,
                "No progress bar (shown only when stderr is a terminal)");
}

int report_error(const CliStreams& streams, const std::string& message, int code = kExitBadInput) {
  streams.err << "purecache-sim: error: " << message << '\n';
  streams.err.flush();
  return code;
}

// --help and --version print to stdout; a full disk there is a resource failure like any other.
int print_and_exit(const CLI::App& app, const CLI::Error& e, const CliStreams& streams) {
  errno = 0;  // a failing stream leaves the write(2) error here; other streams leave 0
  const int code = app.exit(e, streams.out, streams.err);
  streams.out.flush();
  if (streams.out) return code;
  const int error = errno;
  return report_error(streams,
                      std::string("cannot write to stdout") +
                          (error != 0 ? std::string(": ") + std::strerror(error) : ""),
                      kExitInternalError);
}

int finished(const CliStreams& streams) {
  const int signal_number =
      streams.stop_signal == nullptr ? 0 : streams.stop_signal->load(std::memory_order_relaxed);
  return signal_number == 0 ? kExitOk : kExitSignalBase + signal_number;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, const CliStreams& streams) {
  CLI::App app("Replays a cache access trace through an eviction policy and prints a JSON report.",
               "purecache-sim");
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("purecache-sim ") + std::string(version()));
  app.require_subcommand(0, 1);
  SimConfig sim_config;
  GenConfig gen_config;
  SweepConfig sweep_config;
  MergeConfig merge_config;
  PlanConfig plan_config;
  MrcCommandConfig mrc_config;
  CompareConfig compare_config;
  ContentionConfig contention_config;
  add_replay_options(app, sim_config);
  add_gen_command(app, gen_config);
  add_sweep_command(app, sweep_config);
  add_merge_command(app, merge_config);
  add_mrc_command(app, mrc_config);
  add_plan_command(app, plan_config);
  add_compare_command(app, compare_config);
  add_contention_command(app, contention_config);

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return print_and_exit(app, e, streams);
  } catch (const CLI::CallForVersion& e) {
    return print_and_exit(app, e, streams);
  } catch (const CLI::ParseError& e) {
    return report_error(streams, std::string(e.what()) + " (see --help)");
  } catch (const purecache::Error& e) {  // an option value, checked as typed (whole_number)
    return report_error(streams, e.what());
  }

  try {
    if (app.got_subcommand("gen")) {
      run_gen(gen_config, streams);
    } else if (app.got_subcommand("sweep")) {
      run_sweep(sweep_config, streams);
    } else if (app.got_subcommand("contention")) {
      run_contention(contention_config, streams);
    } else if (app.got_subcommand("plan")) {
      run_plan(plan_config, streams);
    } else if (app.got_subcommand("merge")) {
      run_merge(merge_config, streams);
    } else if (app.got_subcommand("mrc")) {
      run_mrc(mrc_config, streams);
    } else if (app.got_subcommand("compare")) {
      return run_compare(compare_config, streams);
    } else {
      if (sim_config.trace.empty())
        return report_error(streams, "--trace is required (see --help)");
      run_replay(sim_config, streams);
    }
    return finished(streams);
  } catch (const OutputError& e) {
    return report_error(streams, e.what(), kExitInternalError);
  } catch (const purecache::Error& e) {
    return report_error(streams, e.what());
  } catch (const std::bad_alloc&) {
    return report_error(streams, "out of memory", kExitInternalError);
  } catch (const std::exception& e) {
    streams.err << "purecache-sim: internal error: " << e.what() << '\n';
    return kExitInternalError;
  }
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run_cli(args, CliStreams{out, err});
}

}  // namespace purecache::sim
