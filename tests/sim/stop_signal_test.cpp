// The stop flag a SIGINT or SIGTERM handler sets, without a process: the replay checks it once
// per batch, and run_cli turns it into a partial report and exit code 128 + N.

#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/temp_files.hpp"

using purecache::test::TempFolder;

TEST_CASE("the replay stops at the batch after the stop flag is set, and says it is incomplete",
          "[sim][signal]") {
  const TempFolder folder;
  const std::string trace = folder.file("t.txt");
  purecache::sim::generate_trace(
      {.kind = purecache::sim::GeneratorKind::loop, .keys = 100, .requests = 20'000, .seed = 1},
      purecache::sim::GeneratorOutput::text, trace);

  std::atomic<int> stop{0};
  int batches = 0;
  purecache::sim::TraceReader reader(trace);
  const purecache::sim::ReplayResult result =
      purecache::sim::replay(reader, {.core = {.capacity = 10},
                                      .on_batch =
                                          [&](const purecache::sim::TraceReader&) {
                                            if (++batches == 2) stop.store(SIGINT);
                                          },
                                      .stop_signal = &stop});
  CHECK_FALSE(result.complete);
  CHECK(batches == 2);
  CHECK(result.requests == 2 * 4096);
  CHECK(reader.requests_read() == 2 * 4096);

  purecache::sim::TraceReader whole(trace);
  const std::atomic<int> never{0};
  const auto finished =
      purecache::sim::replay(whole, {.core = {.capacity = 10}, .stop_signal = &never});
  CHECK(finished.complete);
  CHECK(finished.requests == 20'000);
}

TEST_CASE("a stop before the first request reports nothing and exits 128 + the signal",
          "[sim][signal]") {
  const TempFolder folder;
  const std::string golden = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/abacbada.txt";
  for (const int signal_number : {SIGINT, SIGTERM}) {
    INFO(signal_number);
    const std::atomic<int> stop{signal_number};
    std::ostringstream out;
    std::ostringstream err;
    const purecache::sim::CliStreams streams{.out = out, .err = err, .stop_signal = &stop};
    CHECK(purecache::sim::run_cli({"--trace", golden, "-o", folder.file("r.json")}, streams) ==
          128 + signal_number);
    CHECK(purecache::sim::run_cli({"--trace", golden}, streams) == 128 + signal_number);
    CHECK(purecache::sim::run_cli({"gen", "loop", "--keys", "10", "--requests", "100000", "--seed",
                                   "1", "-o", folder.file("t.txt")},
                                  streams) == 128 + signal_number);
    // The capacity-planning commands: nothing half done is written.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sweep", "--trace", golden, "--capacities", "2", "-o",
                                   folder.file("s.jsonl")},
          {"sweep", "--trace", golden, "--capacities", "2", "--engine", "library"},
          {"sweep", "--trace", golden, "--capacities", "2", "--memory-limit", "1K"},
          {"mrc", "--trace", golden, "-o", folder.file("m.json")},
          {"plan", "--trace", golden, "-H", "0.1", "-o", folder.file("p.json")}}) {
      INFO(args[0]);
      CHECK(purecache::sim::run_cli(args, streams) == 128 + signal_number);
    }
    CHECK(out.str().empty());
    CHECK(err.str().empty());
    CHECK(folder.names().empty());
  }
  CHECK(purecache::sim::kExitSignalBase + SIGINT == 130);
  CHECK(purecache::sim::kExitSignalBase + SIGTERM == 143);
}
