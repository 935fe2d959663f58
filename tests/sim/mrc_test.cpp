#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/mrc/miss_ratio_curve.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/sim_run.hpp"
#include "support/split_mix64.hpp"
#include "support/temp_files.hpp"

// The exact curve must equal what an LRU replay with demand fill counts, capacity by capacity.

using purecache::sim::MrcConfig;
using purecache::sim::MrcPoint;
using purecache::sim::MrcProfile;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::test::Run;
using purecache::test::sim;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;
const std::string kZipf = kSource + "/traces/zipf.txt";
const TraceOptions kCloudCsv{
    .csv_columns = {{"key", "lbn"}, {"timestamp", "time"}, {"size", "size"}}};

MrcProfile profile(const std::string& path, const TraceOptions& options, const MrcConfig& config) {
  TraceReader reader(path, options);
  return purecache::sim::profile_mrc(reader, config);
}

std::vector<MrcPoint> curve(const std::string& path, const TraceOptions& options,
                            const MrcConfig& config, const std::vector<std::uint64_t>& capacities) {
  return purecache::sim::mrc_points(profile(path, options, config), capacities);
}

purecache::sim::ReplayResult replay_lru(const std::string& path, const TraceOptions& options,
                                        std::uint64_t capacity, std::uint64_t warmup) {
  TraceReader reader(path, options);
  return purecache::sim::replay(reader, {.policy = purecache::BackendKind::lru,
                                         .engine = purecache::sim::ReplayEngine::fast,
                                         .core = {.capacity = capacity},
                                         .demand_fill = true,
                                         .warmup = warmup});
}

/// Checks the exact curve against one replay per capacity.
void check_against_replay(const std::string& path, const TraceOptions& options,
                          const std::vector<std::uint64_t>& capacities, std::uint64_t warmup = 0) {
  const std::vector<MrcPoint> points = curve(path, options, {.warmup = warmup}, capacities);
  REQUIRE(points.size() == capacities.size());
  for (std::size_t i = 0; i < capacities.size(); ++i) {
    INFO(path << " capacity " << capacities[i] << " warmup " << warmup);
    const auto replayed = replay_lru(path, options, capacities[i], warmup);
    CHECK(points[i].capacity == capacities[i]);
    CHECK(points[i].hits == replayed.hits);
    CHECK(points[i].misses == replayed.misses);
    CHECK(points[i].hits + points[i].misses == replayed.gets);
  }
}

/// 1, 2, 3, then log-spaced, then around and past the distinct keys.
std::vector<std::uint64_t> dense_capacities(std::uint64_t keys, std::size_t log_points) {
  std::vector<std::uint64_t> capacities = purecache::sim::log_spaced_capacities(log_points, keys);
  for (const std::uint64_t c : {std::uint64_t{2}, std::uint64_t{3}, keys - 1, keys + 1, 2 * keys}) {
    if (std::find(capacities.begin(), capacities.end(), c) == capacities.end()) {
      capacities.push_back(c);
    }
  }
  return capacities;
}

/// A csv trace of gets, sets and deletes over `keys` keys, with TTLs the LRU curve ignores.
std::string trace_with_ops(std::uint64_t seed, int requests, std::uint64_t keys) {
  std::string text = "timestamp,key,size,op,ttl\n";
  purecache::test::SplitMix64 random(seed);
  for (int i = 0; i < requests; ++i) {
    const std::uint64_t r = random.next();
    const std::uint64_t key = (r & 32) != 0 ? (r >> 8) % 6 : (r >> 8) % keys;  // a hot few
    const char* op = (r & 15) < 10 ? "get" : ((r & 15) < 13 ? "set" : "delete");
    text += std::to_string(i) + "," + std::to_string(key) + ",100," + op + "," +
            std::to_string((r >> 40) % 5) + "\n";
  }
  return text;
}

nlohmann::ordered_json mrc_report(const std::vector<std::string>& args) {
  return purecache::test::quiet_report<nlohmann::ordered_json>(args);
}

using purecache::test::check_rejected;

}  // namespace

TEST_CASE("the exact curve equals LRU replays of zipf.txt from 1 entry to past every key",
          "[mrc][exact][slow]") {
  check_against_replay(kZipf, {}, dense_capacities(8688, 14));
}

TEST_CASE("the exact curve equals LRU replays of the cloudPhysicsIO trace", "[mrc][exact][slow]") {
  const std::string bin = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";
  check_against_replay(bin, {}, dense_capacities(48974, 10));
  // The text and csv encodings decode to the same requests: same hash, same histogram, and the
  // same counts as their own replay.
  const MrcProfile from_bin = profile(bin, {}, {});
  for (const auto& [file, options] :
       {std::pair{std::string("cloudPhysicsIO.txt.zst"), TraceOptions{}},
        std::pair{std::string("cloudPhysicsIO.csv.zst"), kCloudCsv}}) {
    INFO(file);
    const std::string path = kSource + "/traces/" + file;
    const MrcProfile other = profile(path, options, {});
    CHECK(other.trace_hash != "");
    CHECK(other.histogram.cold() == from_bin.histogram.cold());
    CHECK(std::equal(other.histogram.counts().begin(), other.histogram.counts().end(),
                     from_bin.histogram.counts().begin(), from_bin.histogram.counts().end()));
    check_against_replay(path, options, {1, 4897, 48974});
  }
}

TEST_CASE("the exact curve equals LRU replays at every capacity with sets, deletes and warm-up",
          "[mrc][exact]") {
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("ops.csv");
  purecache::test::write_text(path, trace_with_ops(11, 2500, 60));
  std::vector<std::uint64_t> every;
  for (std::uint64_t c = 1; c <= 62; ++c)
    every.push_back(c);
  check_against_replay(path, {}, every, GENERATE(std::uint64_t{0}, std::uint64_t{700}));
}

TEST_CASE("the exact curve equals LRU replays of generated zipf, loop and mix traces",
          "[mrc][exact]") {
  const auto kind =
      GENERATE(purecache::sim::GeneratorKind::zipf, purecache::sim::GeneratorKind::loop,
               purecache::sim::GeneratorKind::mix);
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("generated.bin");
  {
    std::ofstream out(path, std::ios::binary);
    purecache::sim::generate_trace({.kind = kind, .keys = 500, .requests = 8000, .seed = 5},
                                   purecache::sim::GeneratorOutput::oracle_general, out);
  }
  INFO("kind " << purecache::sim::to_string(kind));
  check_against_replay(path, {}, {1, 2, 3, 50, 250, 499, 500, 501, 2000}, 1000);
}

TEST_CASE("a tiny window renumbered thousands of times gives the same curve", "[mrc][exact]") {
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("ops.csv");
  purecache::test::write_text(path, trace_with_ops(2, 6000, 20));
  const std::vector<std::uint64_t> capacities{1, 2, 5, 10, 15, 20, 21};
  const auto tiny = curve(path, {}, {.min_window = 1}, capacities);
  const auto roomy = curve(path, {}, {}, capacities);
  for (std::size_t i = 0; i < capacities.size(); ++i) {
    CHECK(tiny[i].hits == roomy[i].hits);
    CHECK(tiny[i].misses == roomy[i].misses);
  }
  check_against_replay(path, {}, capacities);
}

TEST_CASE("SHARDS at rate 1 is the exact curve", "[mrc][shards]") {
  const auto capacities = purecache::sim::log_spaced_capacities(30, 8688);
  const auto exact = curve(kZipf, {}, {}, capacities);
  const MrcProfile sampled = profile(kZipf, {}, {.sample_rate = 1.0});
  CHECK(sampled.sample_rate() == 1.0);
  CHECK(sampled.sampled_gets == sampled.gets);
  const auto shards = purecache::sim::mrc_points(sampled, capacities);
  for (std::size_t i = 0; i < capacities.size(); ++i) {
    INFO("capacity " << capacities[i]);
    CHECK(shards[i].hits == exact[i].hits);
    CHECK(shards[i].misses == exact[i].misses);
    CHECK(shards[i].miss_ratio == Approx(exact[i].miss_ratio).margin(1e-12));
  }
}

TEST_CASE("SHARDS at rate 0.1 follows the exact zipf curve from 1 / R entries up",
          "[mrc][shards]") {
  // Below 1 / R = 10 entries a sampled distance cannot tell sizes apart (docs/mrc.md#shards).
  std::vector<std::uint64_t> capacities;
  for (const std::uint64_t c : purecache::sim::log_spaced_capacities(60, 8688)) {
    if (c >= 10) capacities.push_back(c);
  }
  const auto exact = curve(kZipf, {}, {}, capacities);
  const MrcProfile sampled = profile(kZipf, {}, {.sample_rate = 0.1});
  CHECK(sampled.sampled_gets < sampled.gets / 5);
  const auto shards = purecache::sim::mrc_points(sampled, capacities);
  double error = 0;
  for (std::size_t i = 0; i < capacities.size(); ++i) {
    error += std::abs(shards[i].miss_ratio - exact[i].miss_ratio);
    CHECK(shards[i].hits + shards[i].misses == exact[i].hits + exact[i].misses);
    CHECK(shards[i].miss_ratio >= 0);
    CHECK(shards[i].miss_ratio <= 1);
  }
  // Loose: at 100,000 requests the sample holds ~870 keys, and whether the hottest few (10% of
  // the gets) are among them moves the whole curve; it measures 0.065.
  CHECK(error / static_cast<double>(capacities.size()) < 0.1);
}

TEST_CASE("a sampled distance d stands for d / R entries", "[mrc][shards]") {
  // One key, gets only: every get after the first has distance 0, a hit at every capacity.
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("one.txt");
  purecache::test::write_text(path, "7\n7\n7\n7\n");
  const MrcProfile p = profile(path, {}, {.sample_rate = 1.0});
  const auto points = purecache::sim::mrc_points(p, std::vector<std::uint64_t>{1, 1000});
  CHECK(points[0].misses == 1);
  CHECK(points[1].misses == 1);
}

TEST_CASE("log-spaced capacities run from 1 to the key count without repeats", "[mrc]") {
  using purecache::sim::log_spaced_capacities;
  CHECK(log_spaced_capacities(3, 100) == std::vector<std::uint64_t>{1, 10, 100});
  CHECK(log_spaced_capacities(1, 100) == std::vector<std::uint64_t>{100});
  CHECK(log_spaced_capacities(10, 4) == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(log_spaced_capacities(5, 0) == std::vector<std::uint64_t>{1});
  CHECK_THROWS_MATCHES(log_spaced_capacities(0, 10), purecache::ConfigError,
                       Catch::Message("points must be >= 1, got '0'"));
}

TEST_CASE("a curve without demand fill is refused", "[mrc][errors]") {
  TraceReader reader(kZipf);
  CHECK_THROWS_MATCHES(purecache::sim::profile_mrc(reader, {.demand_fill = false}),
                       purecache::ConfigError,
                       Catch::Message("a miss-ratio curve needs demand fill: without it a get "
                                      "moves its key only in the cache sizes where it hits"));
}

TEST_CASE("purecache-sim mrc writes one JSON object with the curve's fields in order",
          "[mrc][cli]") {
  const auto r = mrc_report({"mrc", "--trace", kZipf, "--capacities", "10%,1,868,100%,20000"});
  std::vector<std::string> keys;
  for (const auto& item : r.items())
    keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"schema_version", "tool", "kind", "trace", "policy",
                                         "method", "sample_rate", "replay", "gets", "sampled_gets",
                                         "capacity_unit", "points", "throughput", "complete"});
  CHECK(r["schema_version"] == 2);
  CHECK(r["kind"] == "mrc");
  CHECK(r["method"] == "exact");
  CHECK(r["sample_rate"].is_null());
  CHECK(r["sampled_gets"].is_null());
  CHECK(r["policy"] == nlohmann::ordered_json{{"name", "lru"}});
  CHECK(r["replay"] == nlohmann::ordered_json{{"demand_fill", true}, {"warmup_requests", 0}});
  CHECK(r["trace"]["requests"] == 100000);
  CHECK(r["trace"]["distinct_keys"] == 8688);
  CHECK(r["trace"]["hash"].get<std::string>().size() == 16);
  CHECK(r["gets"] == 100000);
  CHECK(r["complete"] == true);
  // 10% and 868 are one capacity; points ascend.
  std::vector<std::uint64_t> capacities;
  for (const auto& point : r["points"])
    capacities.push_back(point["capacity"]);
  CHECK(capacities == std::vector<std::uint64_t>{1, 868, 8688, 20000});
  const auto& at_868 = r["points"][1];
  CHECK(at_868["hits"] == 64053);  // as `purecache-sim --engine fast --capacity 868` counts
  CHECK(at_868["misses"] == 35947);
  CHECK(at_868["miss_ratio"] == Approx(0.35947));
  CHECK(at_868["hit_ratio"] == Approx(0.64053));
  CHECK(r["points"][3]["misses"] == 8688);  // only cold misses
}

TEST_CASE("purecache-sim mrc --points spaces capacities in log scale", "[mrc][cli]") {
  const auto r = mrc_report({"mrc", "--trace", kZipf, "--points", "5"});
  std::vector<std::uint64_t> capacities;
  for (const auto& point : r["points"])
    capacities.push_back(point["capacity"]);
  CHECK(capacities == purecache::sim::log_spaced_capacities(5, 8688));
  // 100 by default, fewer once small sizes round alike: 1, 1.096, 1.201... are all 1.
  const auto by_default = mrc_report({"mrc", "--trace", kZipf})["points"];
  CHECK(by_default.size() == purecache::sim::log_spaced_capacities(100, 8688).size());
  CHECK(by_default.size() > 80);
  CHECK(by_default.front()["capacity"] == 1);
  CHECK(by_default.back()["capacity"] == 8688);
}

TEST_CASE("purecache-sim mrc --sample-rate reports the SHARDS estimate", "[mrc][cli][shards]") {
  const auto r = mrc_report(
      {"mrc", "--trace", kZipf, "--sample-rate", "0.5", "--capacities", "868", "--warmup", "10"});
  CHECK(r["method"] == "shards");
  CHECK(r["sample_rate"] == 0.5);
  CHECK(r["gets"] == 99990);
  CHECK(r["sampled_gets"] > 30000);
  CHECK(r["replay"]["warmup_requests"] == 10);
  const auto& point = r["points"][0];
  CHECK(point["hits"].get<std::uint64_t>() + point["misses"].get<std::uint64_t>() == 99990);
  CHECK(point["miss_ratio"] == Approx(0.36).margin(0.05));
}

TEST_CASE("purecache-sim mrc writes its file atomically and never over the trace",
          "[mrc][cli][output]") {
  const purecache::test::TempFolder dir;
  const std::string output = dir.file("curve.json");
  const Run run = sim({"mrc", "--trace", kZipf, "--points", "3", "-o", output});
  CHECK(run.code == 0);
  CHECK(run.out.empty());
  CHECK(nlohmann::json::parse(purecache::test::read_text(output))["points"].size() == 3);
  CHECK(dir.names() == std::vector<std::string>{"curve.json"});

  const std::string trace = dir.file("trace.txt");
  purecache::test::write_text(trace, "1\n2\n1\n");
  check_rejected(
      {"mrc", "--trace", trace, "-o", trace},
      "--output " + trace + " is the trace " + trace + ": the report would overwrite it");
  CHECK(purecache::test::read_text(trace) == "1\n2\n1\n");
}

TEST_CASE("purecache-sim mrc stopped by a signal writes nothing", "[mrc][cli][signals]") {
  const purecache::test::TempFolder dir;
  const std::string output = dir.file("curve.json");
  const std::atomic<int> stop{SIGINT};
  std::ostringstream out;
  std::ostringstream err;
  const int code = purecache::sim::run_cli({"mrc", "--trace", kZipf, "-o", output},
                                           {.out = out, .err = err, .stop_signal = &stop});
  CHECK(code == 130);
  CHECK(out.str().empty());
  CHECK(err.str().empty());
  CHECK(dir.names().empty());
}

TEST_CASE("purecache-sim mrc refuses what has no LRU curve and bad options", "[mrc][cli][errors]") {
  check_rejected({"mrc", "--trace", kZipf, "--no-fill"},
                 "--no-fill has no one-pass miss-ratio curve: without demand fill a get moves its "
                 "key only in the cache sizes where it hits (replay each size instead)");
  check_rejected({"mrc", "--trace", kZipf, "--policy", "lfu"},
                 "mrc policy must be lru (the curve is LRU's stack distances), got 'lfu'");
  check_rejected({"mrc", "--trace", kZipf, "--sample-rate", "0"},
                 "sample-rate must be in (0, 1], got 0");
  check_rejected({"mrc", "--trace", kZipf, "--sample-rate", "1.5"},
                 "sample-rate must be in (0, 1], got 1.5");
  check_rejected({"mrc", "--trace", kZipf, "--sample-rate", "1e-9"},
                 "sample-rate must be at least 1/16777216, got 1e-09");
  check_rejected({"mrc", "--trace", kZipf, "--capacities", "10,0"},
                 "capacities must be >= 1, got '0'");
  check_rejected(
      {"mrc", "--trace", kZipf, "--capacities", "10,,20"},
      "capacities must be a positive number of entries or a percentage like 10%, got ''");
  check_rejected({"mrc", "--trace", kZipf, "--capacities", "200%"},
                 "capacities percentage must be in (0, 100], got '200%'");
  check_rejected({"mrc", "--trace", kZipf, "--points", "0"}, "points must be >= 1, got '0'");
  check_rejected({"mrc", "--trace", kZipf, "--points", "5", "--capacities", "10"},
                 "--capacities excludes --points (see --help)");
  check_rejected({"mrc", "--trace", kZipf, "--warmup", "100000"},
                 "warmup must be below the trace's 100000 requests, got '100000'");
  check_rejected({"mrc", "--capacities", "10"}, "--trace is required (see --help)");
  check_rejected({"mrc", "--trace", kZipf, "--on-error", "ignore"},
                 "on-error must be fail or skip, got 'ignore'");
}
