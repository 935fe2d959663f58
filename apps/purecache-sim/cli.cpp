#include "cli.hpp"

#include <algorithm>
#include <exception>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
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

Exit codes:
  0  success
  1  internal error (a bug, or the machine ran out of a resource)
  2  bad usage, configuration or trace; the message names the file and line)";

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
  return "Default TTL in seconds for requests without their own (" + policies + ")";
}

void add_replay_options(CLI::App& app, SimConfig& config) {
  app.add_option("--policy,-p", config.policy, policy_help())->capture_default_str();
  app.add_option("--trace,-t", config.trace, "Trace file to replay (optionally .zst)")
      ->type_name("PATH");
  app.add_option("--capacity,-c", config.capacity,
                 "Cache size in entries (N) or as a share of the trace's distinct keys (P%)")
      ->type_name("N|P%")
      ->capture_default_str();
  app.add_option("--ttl", config.ttl_seconds, ttl_help())->type_name("SECONDS");
  app.add_option("--format,-f", config.format, "Trace format: " + joined_formats())
      ->capture_default_str();
  app.add_option("--csv-columns", config.csv_columns,
                 "Map csv columns: field=column,... fields: key,timestamp,size,op,ttl");
  app.add_option("--warmup", config.warmup, "Leading requests replayed but not counted")
      ->capture_default_str();
  app.add_option("--output,-o", config.output, "Write the report to FILE instead of stdout")
      ->type_name("FILE");
  app.add_flag("--jsonl", config.jsonl, "Report on one line; with --output, append to FILE");
  app.add_flag("--no-progress", config.no_progress,
               "No progress bar (shown only when stderr is a terminal)");
  app.add_flag("--no-fill", config.no_fill, "Do not insert a key after a get misses");
  app.add_option("--rate", config.rate,
                 "Requests per second of synthetic time for traces without timestamps")
      ->capture_default_str();
  app.add_option("--lock-sample", config.lock_sample,
                 "Time one lock hold in N (1 = every hold; default: by trace size, 1 to 64)")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--on-error", config.on_error, "On a malformed record: fail, or skip and count it")
      ->capture_default_str();
}

void add_gen_command(CLI::App& app, GenConfig& config) {
  CLI::App* gen = app.add_subcommand("gen", "Write a deterministic synthetic trace");
  gen->add_option("kind", config.kind, "zipf|uniform|scan|loop|mix")->required();
  gen->add_option("--keys", config.keys, "Distinct keys")->required();
  gen->add_option("--requests", config.requests, "Requests")->required();
  gen->add_option("--alpha", config.alpha, "Zipf skew")->capture_default_str();
  gen->add_option("--seed", config.seed, "Random seed (same seed, same bytes)")->required();
  gen->add_option("--format", config.format, "text|csv|oracle-general")->capture_default_str();
  gen->add_option("--output,-o", config.output, "File to write")->required();
}

int report_error(const CliStreams& streams, const std::string& message) {
  streams.err << "purecache-sim: error: " << message << '\n';
  streams.err.flush();
  return kExitBadInput;
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
  add_replay_options(app, sim_config);
  add_gen_command(app, gen_config);

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, streams.out, streams.err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, streams.out, streams.err);
  } catch (const CLI::ParseError& e) {
    return report_error(streams, std::string(e.what()) + " (see --help)");
  }

  try {
    if (app.got_subcommand("gen")) {
      run_gen(gen_config, streams);
    } else {
      if (sim_config.trace.empty())
        return report_error(streams, "--trace is required (see --help)");
      run_replay(sim_config, streams);
    }
    return kExitOk;
  } catch (const purecache::Error& e) {
    return report_error(streams, e.what());
  } catch (const std::exception& e) {
    streams.err << "purecache-sim: internal error: " << e.what() << '\n';
    return kExitInternalError;
  }
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run_cli(args, CliStreams{out, err});
}

}  // namespace purecache::sim
