// Belady in the simulator: the bound it must be (no bounded policy beats it on a shipped trace),
// next accesses from the backward pass equal to the oracleGeneral field, and every way of running
// it (single replay, streamed, sweep, plan) counting alike.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/belady_core.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/sweep/sweep.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/sim_run.hpp"

using namespace purecache;
using namespace purecache::sim;

namespace {

const std::string kTraces = std::string(PURECACHE_SOURCE_DIR) + "/traces/";
const std::string kGolden = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/";

LoadedTrace load(const std::string& path, const TraceOptions& options = {}) {
  TraceReader reader(path, options);
  auto trace = LoadedTrace::load(reader, std::size_t{1} << 30, nullptr);
  REQUIRE(trace);
  return std::move(*trace);
}

}  // namespace

TEST_CASE("no bounded policy hits more than Belady at any capacity on any shipped trace",
          "[sim][belady]") {
  // A few capacities per trace keep this fast in a debug build. The csv trace is the
  // oracleGeneral one's sequence (keys, times and operations; only sizes differ, which count
  // mode ignores), so it is checked to be that rather than replayed again.
  struct Case {
    std::string name;
    TraceOptions options;
    std::vector<double> shares;  // capacities as shares of the distinct keys
  };
  const std::vector<Case> cases{
      {"zipf.txt", {}, {0.01, 0.1}},
      {"cloudPhysicsIO.oracleGeneral.bin.zst", {}, {0.05}},
      {"cloudPhysicsIO.txt.zst", {}, {0.2}}};
  for (const Case& c : cases) {
    const LoadedTrace trace = load(kTraces + c.name, c.options);
    const auto distinct = static_cast<double>(trace.facts().distinct_keys);
    std::vector<ReplayConfig> runs;
    for (const double share : c.shares) {
      for (const auto& row : kBackendKinds) {
        if (!row.bounded) continue;
        const auto capacity = static_cast<std::size_t>(share * distinct);
        runs.push_back(ReplayConfig{.policy = row.kind,
                                    .engine = ReplayEngine::fast,
                                    .core = {.capacity = capacity, .ttl = std::chrono::hours(1)}});
      }
    }
    std::vector<ReplayResult> results(runs.size());
    sweep_loaded(trace, runs, 2, [&](std::size_t run, ReplayResult&& r) { results[run] = r; });
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto belady = std::find_if(runs.begin(), runs.end(), [&](const ReplayConfig& run) {
        return run.policy == BackendKind::belady && run.core.capacity == runs[i].core.capacity;
      });
      INFO(c.name << ", " << to_string(runs[i].policy) << ", capacity " << runs[i].core.capacity);
      CHECK(results[i].hits > 0);
      CHECK(results[i].hits <= results[static_cast<std::size_t>(belady - runs.begin())].hits);
    }
  }
  const LoadedTrace oracle = load(kTraces + "cloudPhysicsIO.oracleGeneral.bin.zst");
  const LoadedTrace csv =
      load(kTraces + "cloudPhysicsIO.csv.zst",
           {.csv_columns = {{"key", "lbn"}, {"timestamp", "time"}, {"size", "size"}}});
  const auto same_for_count_mode = [](const Request& a, const Request& b) {
    return a.key == b.key && a.time == b.time && a.op == b.op && a.ttl == b.ttl;
  };
  CHECK(std::equal(oracle.requests().begin(), oracle.requests().end(), csv.requests().begin(),
                   csv.requests().end(), same_for_count_mode));
}

TEST_CASE("the backward pass finds the next accesses the oracleGeneral file records",
          "[sim][belady]") {
  // The file's field is the 1-based position of the next request to the key, -1 if none; ours
  // is 0-based. Equal positions mean equal counts, as the replay below also checks.
  const std::string path = kGolden + "abacbada.oracleGeneral.bin";
  std::ifstream file(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), {});
  std::vector<std::uint64_t> recorded;
  for (std::size_t at = 0; at + 24 <= bytes.size(); at += 24) {
    std::int64_t next = 0;
    std::memcpy(&next, bytes.data() + at + 16, sizeof next);
    recorded.push_back(next < 0 ? kNoNextAccess : static_cast<std::uint64_t>(next - 1));
  }
  const LoadedTrace trace = load(path);
  REQUIRE(trace.requests().size() == recorded.size());
  CHECK(next_access_positions(trace.requests(), trace.facts().distinct_keys) == recorded);
  const ReplayConfig config{
      .policy = BackendKind::belady, .engine = ReplayEngine::fast, .core = {.capacity = 2}};
  CHECK(replay(trace, config, recorded).misses == replay(trace, config).misses);
}

TEST_CASE("Belady counts alike streamed, loaded, swept and planned", "[sim][belady]") {
  const std::string zipf = kTraces + "zipf.txt";
  const auto single = test::report({"--trace", zipf, "--policy", "belady", "--capacity", "10%",
                                    "--engine", "fast"});
  CHECK(single["misses"] == 21438);  // libCacheSim's Belady on the same sequence
  // a b a c b a d a, 2 entries: c evicts a (next at 5, after b at 4); a then evicts a key never
  // needed again, and d the other: hits at 2, 4 and 7.
  const std::string golden = kGolden + "abacbada.txt";
  const test::Run swept =
      test::sim({"sweep", "--trace", golden, "--policies", "belady", "--capacities", "1,2,4"});
  REQUIRE(swept.code == 0);
  std::vector<int> hits;
  std::istringstream lines(swept.out);
  for (std::string line; std::getline(lines, line);) {
    hits.push_back(nlohmann::json::parse(line)["hits"].get<int>());
  }
  CHECK(hits == std::vector<int>{0, 3, 4});
  const test::Run planned = test::sim(
      {"plan", "--trace", golden, "--policies", "belady", "--target-hit-ratio", "0.375"});
  REQUIRE(planned.code == 0);
  const auto plan = nlohmann::json::parse(planned.out)["plans"][0];
  CHECK(plan["method"] == "search");
  CHECK(plan["capacity"] == 2);
  CHECK(plan["hits"] == 3);
  CHECK(plan["memory"].is_null());  // no application can run it
}

TEST_CASE("Belady is refused where the future is unknown", "[sim][belady][errors]") {
  const std::string trace = kTraces + "zipf.txt";
  const std::string refusal =
      "purecache-sim: error: policy 'belady' needs each request's next access, which an "
      "application cannot know: it runs only in the simulator's fast engine (--engine fast)\n";
  const test::Run library = test::sim({"--trace", trace, "--policy", "belady"});
  CHECK(library.code == 2);
  CHECK(library.err == refusal);
  const test::Run sweep = test::sim({"sweep", "--trace", trace, "--policies", "lru,belady",
                                     "--capacities", "10", "--engine", "library"});
  CHECK(sweep.code == 2);
  CHECK(sweep.err == refusal);
  // A trace too large for the sweep's memory limit would stream: Belady cannot.
  const test::Run streamed = test::sim({"sweep", "--trace", trace, "--policies", "belady",
                                        "--capacities", "10", "--memory-limit", "1000"});
  CHECK(streamed.code == 2);
  CHECK_THAT(streamed.err, Catch::Contains("needs the whole trace in memory"));
  // The library: a streamed replay without the next accesses.
  CHECK_THROWS_AS(sweep_streaming(TraceSource(trace), {},
                                  std::vector<ReplayConfig>{{.policy = BackendKind::belady,
                                                             .engine = ReplayEngine::fast,
                                                             .core = {.capacity = 10}}},
                                  1, std::nullopt, nullptr, [](std::size_t, ReplayResult&&) {}),
                  ConfigError);
  TraceReader limited(trace);
  CHECK_THROWS_WITH(replay(limited, ReplayConfig{.policy = BackendKind::belady,
                                                 .engine = ReplayEngine::fast,
                                                 .core = {.capacity = 10},
                                                 .offline_memory_limit = 1000}),
                    Catch::Contains("reads the whole trace into memory"));
}
