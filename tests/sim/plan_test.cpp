#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/mixed_trace.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

// A plan's capacity must be the smallest that reaches the target: the replay one entry smaller
// falls short. Its memory must be what the library engine measures for a cache of that size.

using purecache::test::Run;
using purecache::test::sim;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;

nlohmann::json plan(std::vector<std::string> args) {
  args.insert(args.begin(), "plan");
  const Run run = sim(args);
  INFO(run.err);
  REQUIRE(run.code == 0);
  return nlohmann::json::parse(run.out);
}

nlohmann::json single(const std::string& trace, const std::string& policy, std::uint64_t capacity,
                      std::vector<std::string> more = {}) {
  std::vector<std::string> args{"--policy", policy, "--capacity", std::to_string(capacity),
                                "--trace", trace};
  args.insert(args.end(), more.begin(), more.end());
  return purecache::test::report(args);
}

}  // namespace

TEST_CASE("a plan's capacity reaches the target and one entry less does not", "[sim][plan]") {
  struct Case {
    std::string trace;
    double target;
  };
  for (const Case& c : {Case{kSource + "/traces/zipf.txt", 0.8},
                        Case{kSource + "/traces/zipf.txt", 0.5},
                        Case{kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst", 0.3}}) {
    const nlohmann::json p =
        plan({"--trace", c.trace, "-H", std::to_string(c.target), "--jobs", "2"});
    CHECK(p["kind"] == "plan");
    CHECK(p["key_type"] == "u64");
    REQUIRE(p["plans"].size() == 2);
    for (const nlohmann::json& row : p["plans"]) {
      const std::string policy = row["policy"];
      const std::uint64_t capacity = row["capacity"];
      INFO(c.trace << " " << policy << " " << capacity);
      const nlohmann::json at = single(c.trace, policy, capacity);
      const nlohmann::json below = single(c.trace, policy, capacity - 1, {"--engine", "fast"});
      CHECK(at["hit_ratio"].get<double>() >= c.target);
      CHECK(below["hit_ratio"].get<double>() < c.target);
      CHECK(row["hit_ratio"] == at["hit_ratio"]);
      CHECK(row["method"] == (policy == "lru" ? "exact" : "search"));
      CHECK(row["hits"] == at["hits"]);
      CHECK(row["capacity_share"].get<double>() ==
            Approx(static_cast<double>(capacity) / p["trace"]["distinct_keys"].get<double>()));
      // The memory is the library engine's at that size, entry for entry.
      CHECK(row["memory"]["backend_bytes"] == at["memory"]["backend_bytes"]);
      CHECK(row["memory"]["backend_bytes_peak"] == at["memory"]["backend_bytes_peak"]);
      CHECK(row["memory"]["entries"] == at["memory"]["entries"]);
      CHECK(row["memory"]["total_bytes"] == row["memory"]["backend_bytes"]);
    }
  }
}

TEST_CASE("a byte plan's capacity reaches the target and one byte less does not",
          "[sim][plan][bytes]") {
  const std::string trace = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";
  const nlohmann::json p = plan({"--trace", trace, "-H", "0.25", "--bytes", "--jobs", "2"});
  CHECK(p["capacity_unit"] == "bytes");
  REQUIRE(p["plans"].size() == 2);
  for (const nlohmann::json& row : p["plans"]) {
    const std::string policy = row["policy"];
    const std::uint64_t bytes = row["capacity_bytes"];
    INFO(policy << " " << bytes);
    CHECK(row["capacity"].is_null());
    CHECK(row["method"] == "search");
    const auto at = purecache::test::report({"--policy", policy, "--capacity-bytes",
                                             std::to_string(bytes), "--trace", trace});
    const auto below =
        purecache::test::report({"--policy", policy, "--capacity-bytes", std::to_string(bytes - 1),
                                 "--trace", trace, "--engine", "fast"});
    CHECK(at["hit_ratio"].get<double>() >= 0.25);
    CHECK(below["hit_ratio"].get<double>() < 0.25);
    CHECK(row["hits"] == at["hits"]);
    CHECK(row["memory"]["backend_bytes"] == at["memory"]["backend_bytes"]);
  }
}

TEST_CASE("an LRU plan read off the exact curve is the boundary, with sets, deletes and warm-up",
          "[sim][plan]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("mixed.csv");
  purecache::test::write_text(trace, purecache::test::mixed_trace(false));
  for (const std::string target : {"0.2", "0.45", "0.6"}) {
    const nlohmann::json exact =
        plan({"--trace", trace, "-H", target, "--policies", "lru", "--warmup", "500"});
    INFO(target);
    CHECK(exact["plans"][0]["method"] == "exact");
    CHECK(exact["plans"][0]["replays"].get<int>() <= 2);
    const std::uint64_t capacity = exact["plans"][0]["capacity"];
    CHECK(single(trace, "lru", capacity, {"--warmup", "500"})["hit_ratio"].get<double>() >=
          std::stod(target));
    CHECK(single(trace, "lru", capacity - 1, {"--warmup", "500"})["hit_ratio"].get<double>() <
          std::stod(target));
  }
}

TEST_CASE("a plan adds the values' bytes and the string keys' heap to the backend's",
          "[sim][plan]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("long_names.txt");
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "tenant-0042/object-" + std::to_string((i * 7919) % 613 % (1 + i % 97)) + "\n";
  }
  purecache::test::write_text(trace, text);
  const nlohmann::json p = plan({"--trace", trace, "-H", "0.5", "--policies", "lru",
                                 "--value-bytes", "1000"});
  CHECK(p["key_type"] == "string");
  const nlohmann::json& row = p["plans"][0];
  const nlohmann::json at =
      single(trace, "lru", row["capacity"].get<std::uint64_t>(), {"--key-type", "string"});
  CHECK(row["memory"]["backend_bytes"] == at["memory"]["backend_bytes"]);
  const std::uint64_t entries = row["memory"]["entries"];
  // Every key is longer than std::string's 15 inline characters: about 22 bytes each.
  CHECK(row["memory"]["key_heap_bytes"].get<double>() == Approx(static_cast<double>(entries) * 22.0).epsilon(0.1));
  CHECK(row["memory"]["value_bytes"] == entries * 1000);
  CHECK(row["memory"]["total_bytes"] ==
        row["memory"]["backend_bytes"].get<std::uint64_t>() +
            row["memory"]["key_heap_bytes"].get<std::uint64_t>() + entries * 1000);
}

TEST_CASE("plan refuses a target that every key cached cannot reach, and bad options",
          "[sim][plan]") {
  const std::string trace = kSource + "/traces/zipf.txt";
  const auto error_of = [&](std::vector<std::string> more) {
    std::vector<std::string> args{"plan", "--trace", trace};
    args.insert(args.end(), more.begin(), more.end());
    const Run run = sim(args);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    return run.err;
  };
  CHECK(error_of({"-H", "0.95"}) ==
        "purecache-sim: error: target hit ratio 0.95 is not reachable by lru even with every key "
        "cached (8688 entries): it reaches 0.91312, the rest are first requests; lower the "
        "target\n");
  CHECK(error_of({"-H", "0.1", "--no-fill"}) ==
        "purecache-sim: error: target hit ratio 0.1 is not reachable by lru even with every key "
        "cached (8688 entries): it reaches 0: without demand fill only the trace's sets fill the "
        "cache; lower the target\n");
  CHECK(error_of({}) == "purecache-sim: error: --target-hit-ratio is required (see --help)\n");
  CHECK(error_of({"-H", "0"}) ==
        "purecache-sim: error: target-hit-ratio must be in (0, 1], got '0'\n");
  CHECK(error_of({"-H", "1.5"}) ==
        "purecache-sim: error: target-hit-ratio must be in (0, 1], got '1.5'\n");
  CHECK(error_of({"-H", "0.5", "--policies", "ttl"}) ==
        "purecache-sim: error: policy 'ttl' is unbounded: a plan sizes a bounded cache\n");
  CHECK(error_of({"-H", "0.5", "--key-type", "utf8"}) ==
        "purecache-sim: error: key-type must be auto, u64 or string, got 'utf8'\n");
  purecache::test::TempFolder dir;
  const std::string names = dir.file("names.csv");
  purecache::test::write_text(names, purecache::test::mixed_trace(true));
  const Run run = sim({"plan", "--trace", names, "-H", "0.1", "--key-type", "u64"});
  CHECK(run.code == 2);
  CHECK(run.err == "purecache-sim: error: " + names +
                       ": not every key is a number below 10^19; use --key-type string\n");
}
