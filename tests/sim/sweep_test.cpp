#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"
#include "support/json_schema.hpp"
#include "support/mixed_trace.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

// A sweep must count every run exactly as a single fast-engine replay of the same policy and
// capacity does, however it runs: in memory or streamed, on one thread or several, whole or in
// shards merged afterwards.

using purecache::test::Run;
using purecache::test::sim;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::vector<nlohmann::json> sweep(std::vector<std::string> args) {
  args.insert(args.begin(), "sweep");
  const Run run = sim(args);
  INFO(run.err);
  REQUIRE(run.code == 0);
  return lines_of(run.out);
}

/// What a run counted; not how long it took or how the sweep held the trace.
nlohmann::json counted(nlohmann::json r) {
  r.erase("throughput");
  r["memory"].erase("peak_rss_bytes");
  r["memory"].erase("reader_bytes");
  if (r.contains("sweep")) r["sweep"].erase("shard");
  return r;
}

/// Every bounded policy, comma-separated, with the TTL the expiring ones need.
/// The bounded policies, without the offline ones (Belady) when the run cannot know the future:
/// a library-engine sweep or a streamed one.
std::string bounded_policies(bool online_only = false) {
  std::string names;
  for (const auto& row : purecache::kBackendKinds) {
    if (!row.bounded || (online_only && row.offline)) continue;
    if (!names.empty()) names += ",";
    names += row.name;
  }
  return names;
}

struct TraceCase {
  std::string path;
  std::vector<std::string> extra;
};

std::vector<TraceCase> shipped_traces() {
  const std::vector<std::string> csv{"--csv-columns", "key=lbn,timestamp=time,size=size"};
  return {{kSource + "/traces/zipf.txt", {}},
          {kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst", {}},
          {kSource + "/traces/cloudPhysicsIO.txt.zst", {}},
          {kSource + "/traces/cloudPhysicsIO.csv.zst", csv}};
}

}  // namespace

TEST_CASE("every run of a sweep counts exactly as a single fast replay", "[sim][sweep]") {
  for (const TraceCase& trace : shipped_traces()) {
    std::vector<std::string> args{"--trace", trace.path, "--policies", bounded_policies(),
                                  "--capacities", "7,0.5%,10%", "--ttl", "30", "--jobs", "2"};
    args.insert(args.end(), trace.extra.begin(), trace.extra.end());
    const auto runs = sweep(args);
    const auto bounded = std::count_if(purecache::kBackendKinds.begin(), purecache::kBackendKinds.end(),
                                       [](const auto& row) { return row.bounded; });
    REQUIRE(runs.size() == 3 * static_cast<std::size_t>(bounded));
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const nlohmann::json& run = runs[i];
      INFO(trace.path << " run " << i);
      CHECK(run["sweep"]["index"] == i);
      CHECK(run["sweep"]["runs"] == runs.size());
      CHECK(run["engine"] == "fast");
      CHECK(run["trace"]["hash"] == runs[0]["trace"]["hash"]);
      std::vector<std::string> single{"--engine", "fast", "--policy", run["policy"]["name"],
                                      "--capacity", run["policy"]["capacity_spec"], "--trace",
                                      trace.path, "--ttl", "30"};
      single.insert(single.end(), trace.extra.begin(), trace.extra.end());
      nlohmann::json alone = purecache::test::report(single);
      nlohmann::json swept = counted(run);
      swept.erase("sweep");
      alone = counted(alone);
      if (run["policy"]["name"] == "lru") CHECK(alone["policy"]["ttl_seconds"].is_null());
      CHECK(swept == alone);
    }
  }
}

TEST_CASE("every run of a byte-capacity sweep counts exactly as a single byte replay",
          "[sim][sweep][bytes]") {
  const std::string trace = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";
  for (const std::string memory_limit : {"1G", "1K"}) {  // held in memory, then streamed
    INFO("memory limit " << memory_limit);
    const auto runs = sweep({"--trace", trace, "--policies", "lru,lfu", "--capacity-bytes",
                             "1M,64MiB,10%", "--jobs", "2", "--memory-limit", memory_limit});
    REQUIRE(runs.size() == 6);
    for (const nlohmann::json& run : runs) {
      INFO(run["policy"]);
      CHECK(run["policy"]["capacity"].is_null());
      nlohmann::json alone = counted(purecache::test::report(
          {"--engine", "fast", "--policy", run["policy"]["name"], "--capacity-bytes",
           run["policy"]["capacity_spec"], "--trace", trace}));
      nlohmann::json swept = counted(run);
      swept.erase("sweep");
      CHECK(swept == alone);
    }
  }
  // A text trace has no sizes to weigh.
  const purecache::test::Run text =
      purecache::test::sim({"sweep", "--trace", kSource + "/traces/zipf.txt", "--capacity-bytes", "1M"});
  CHECK(text.code == 2);
  CHECK(text.err.find("--capacity-bytes weighs objects by their sizes") != std::string::npos);
}

// Tagged [concurrency], for ThreadSanitizer runs of the simulator (worker threads, the streamed
// pass's barrier): `cmake --preset tsan -DPURECACHE_BUILD_SIM=ON`. CI's TSan step builds the
// cache library alone, to stay within its time limit.
TEST_CASE("a streamed sweep, one job or several, counts as one held in memory",
          "[sim][sweep][concurrency]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("mixed.csv");
  purecache::test::write_text(trace, purecache::test::mixed_trace(false));
  const std::vector<std::string> base{"--trace",    trace,           "--policies", bounded_policies(true),
                                      "--ttl",      "5",             "--capacities", "1,50,300,2000",
                                      "--warmup",   "1000"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), base.begin(), base.end());
    return more;
  };
  const auto held = sweep(with({"--jobs", "2"}));
  const auto one_job = sweep(with({"--jobs", "1"}));
  const auto streamed = sweep(with({"--jobs", "2", "--memory-limit", "64KiB"}));
  const auto streamed_alone = sweep(with({"--jobs", "1", "--memory-limit", "1K"}));
  REQUIRE(held.size() == streamed.size());
  for (std::size_t i = 0; i < held.size(); ++i) {
    INFO("run " << i);
    CHECK(held[i]["throughput"]["trace_in_memory"] == true);
    CHECK(streamed[i]["throughput"]["trace_in_memory"] == false);
    CHECK(held[i]["requests"] == 19000);
    CHECK(counted(held[i]) == counted(one_job[i]));
    CHECK(counted(held[i]) == counted(streamed[i]));
    CHECK(counted(held[i]) == counted(streamed_alone[i]));
  }
}

TEST_CASE("a library-engine sweep reports what single library replays report", "[sim][sweep]") {
  purecache::test::TempFolder dir;
  const std::string names = dir.file("names.csv");
  purecache::test::write_text(names, purecache::test::mixed_trace(true));
  for (const std::string& trace : {kSource + "/traces/zipf.txt", names}) {
    // W-TinyLFU's sketch hashes the key each engine gives it (trace key or interned id): with a
    // sketch far larger than the keys there are no collisions, and the engines count alike.
    const std::string sketch = "wtinylfu:sketch_entries=1048576";
    const auto runs =
        sweep({"--trace", trace, "--engine", "library", "--policies", bounded_policies(true),
               "--ttl", "5", "--capacities", "10,5%", "--policy-params", sketch});
    const auto fast = sweep({"--trace", trace, "--policies", bounded_policies(true), "--ttl", "5",
                             "--capacities", "10,5%", "--policy-params", sketch});
    REQUIRE(runs.size() == fast.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
      INFO(trace << " run " << i);
      const nlohmann::json& run = runs[i];
      CHECK(run["engine"] == "library");
      CHECK(run["key_type"] == (trace == names ? "string" : "u64"));
      CHECK(run["lock_hold_ns"]["count"].get<std::uint64_t>() > 0);
      CHECK(run["sweep"]["id"] != fast[i]["sweep"]["id"]);
      CHECK(run["trace"]["hash"] == fast[i]["trace"]["hash"]);
      CHECK(run["misses"] == fast[i]["misses"]);
      std::vector<std::string> single{"--policy", run["policy"]["name"], "--capacity",
                                      run["policy"]["capacity_spec"], "--trace", trace, "--ttl", "5"};
      if (run["policy"]["name"] == "wtinylfu") single.insert(single.end(), {"--policy-params", sketch});
      nlohmann::json alone = purecache::test::report(single);
      nlohmann::json swept = counted(run);
      swept.erase("sweep");
      for (const char* timed : {"lock_hold_ns", "lock_wait_ns"}) {  // timed, so never equal
        swept.erase(timed);
        alone.erase(timed);
      }
      CHECK(swept == counted(alone));
    }
  }
  const Run sampled = sim({"sweep", "--trace", kSource + "/traces/zipf.txt", "--engine",
                           "library", "--sample-rate", "0.5"});
  CHECK(sampled.code == 2);
  CHECK(sampled.err ==
        "purecache-sim: error: --sample-rate needs --engine fast: a miniature replays the sampled "
        "trace from memory\n");
}

TEST_CASE("the shards of a sweep partition its runs and merge back into it", "[sim][sweep]") {
  purecache::test::TempFolder dir;
  const std::string trace = kSource + "/traces/zipf.txt";
  const std::vector<std::string> base{"sweep", "--trace", trace, "--policies", "lru,lfu",
                                      "--capacities", "10,100,1%,5%,1000"};
  const auto whole = sweep({base.begin() + 1, base.end()});
  REQUIRE(whole.size() == 10);
  std::vector<std::string> shard_files;
  std::set<std::uint64_t> seen;
  for (int i = 1; i <= 3; ++i) {
    auto args = base;
    const std::string file = dir.file("shard" + std::to_string(i) + ".jsonl");
    args.insert(args.end(), {"--shard", std::to_string(i) + "/3", "-o", file});
    const Run run = sim(args);
    REQUIRE(run.code == 0);
    CHECK(run.out.empty());
    for (const auto& line : lines_of(purecache::test::read_text(file))) {
      CHECK(line["sweep"]["shard"] == nlohmann::json{{"index", i}, {"count", 3}});
      CHECK(line["sweep"]["index"].get<std::uint64_t>() % 3 == static_cast<std::uint64_t>(i - 1));
      CHECK(seen.insert(line["sweep"]["index"].get<std::uint64_t>()).second);
      CHECK(line["sweep"]["id"] == whole[0]["sweep"]["id"]);
    }
    shard_files.push_back(file);
  }
  CHECK(seen.size() == whole.size());

  // Given in any order, the shards merge into the whole sweep.
  const Run merged = sim({"merge", shard_files[2], shard_files[0], shard_files[1]});
  INFO(merged.err);
  REQUIRE(merged.code == 0);
  const auto merged_runs = lines_of(merged.out);
  REQUIRE(merged_runs.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    CHECK(merged_runs[i]["sweep"]["shard"] == nlohmann::json{{"index", 1}, {"count", 1}});
    CHECK(counted(merged_runs[i]) == counted(whole[i]));
  }

  SECTION("a missing shard is named") {
    const Run run = sim({"merge", shard_files[0], shard_files[2]});
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Contains("has 10 runs, 3 missing from the inputs: run 1, 4, 7"));
  }
  SECTION("a repeated shard is named with both places") {
    const Run run = sim({"merge", shard_files[0], shard_files[1], shard_files[2], shard_files[0]});
    CHECK(run.code == 2);
    CHECK_THAT(run.err, Catch::Contains(shard_files[0] + ":1: run 0 is also in " + shard_files[0] + ":1"));
  }
  SECTION("a shard of another sweep is refused") {
    const std::string other = dir.file("other.jsonl");
    const Run run = sim({"sweep", "--trace", trace, "--policies", "lru,lfu", "--capacities",
                         "10,100,1%,5%,1000", "--warmup", "5", "--shard", "2/3", "-o", other});
    REQUIRE(run.code == 0);
    const Run merge = sim({"merge", shard_files[0], other, shard_files[2]});
    CHECK(merge.code == 2);
    CHECK_THAT(merge.err, Catch::Contains(other + ":1: comes from another sweep"));
  }
  SECTION("the merged file is written whole, and never over an input") {
    const std::string out = dir.file("merged.jsonl");
    CHECK(sim({"merge", shard_files[0], shard_files[1], shard_files[2], "-o", out}).code == 0);
    CHECK(purecache::test::read_text(out) == merged.out);
    const Run over = sim({"merge", shard_files[0], shard_files[1], shard_files[2], "-o", shard_files[1]});
    CHECK(over.code == 2);
    CHECK_THAT(over.err, Catch::Contains("is the input " + shard_files[1]));
  }
}

TEST_CASE("merge refuses files that are not sweep output, naming file and line", "[sim][sweep]") {
  purecache::test::TempFolder dir;
  const std::string single = dir.file("single.json");
  REQUIRE(sim({"--trace", kSource + "/traces/zipf.txt", "--jsonl", "-o", single}).code == 0);
  const std::string garbage = dir.file("garbage.jsonl");
  purecache::test::write_text(garbage, "{\"tool\": 1}\nnot json\n");
  const std::string empty = dir.file("empty.jsonl");
  purecache::test::write_text(empty, "");
  CHECK_THAT(sim({"merge", single}).err,
             Catch::Contains(single + ":1: not a run of purecache-sim sweep"));
  CHECK_THAT(sim({"merge", garbage}).err,
             Catch::Contains(garbage + ":1: not a run of purecache-sim sweep"));
  CHECK_THAT(sim({"merge", empty}).err, Catch::Contains(empty + ": has no runs"));
  const Run missing = sim({"merge", dir.file("absent.jsonl")});
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Catch::Contains("absent.jsonl: cannot open"));
}

TEST_CASE("a miniature sweep replays the sampled keys at capacities scaled by the rate",
          "[sim][sweep]") {
  const std::string trace = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";
  const auto full = sweep({"--trace", trace, "--capacities", "2000,20000", "--policies", "lru"});
  const auto all_keys = sweep({"--trace", trace, "--capacities", "2000,20000", "--policies", "lru",
                               "--sample-rate", "1"});
  const auto sampled = sweep({"--trace", trace, "--capacities", "2000,20000", "--policies", "lru",
                              "--sample-rate", "0.1"});
  for (std::size_t i = 0; i < full.size(); ++i) {
    nlohmann::json same = counted(all_keys[i]);
    same["sweep"].erase("id");
    same["sweep"]["sample_rate"] = nullptr;
    // Every key kept: the sample is the trace, and the estimate its own ratio.
    CHECK(same["sweep"]["expected_sampled_gets"] == full[i]["gets"].get<double>());
    CHECK(same["sweep"]["estimated_miss_ratio"] == full[i]["miss_ratio"]);
    for (const char* field : {"expected_sampled_gets", "estimated_miss_ratio", "estimated_hit_ratio"}) {
      CHECK(full[i]["sweep"][field].is_null());
      same["sweep"][field] = nullptr;
    }
    nlohmann::json reference = counted(full[i]);
    reference["sweep"].erase("id");
    CHECK(same == reference);
    CHECK(sampled[i]["sweep"]["sample_rate"] == 0.1);
    CHECK(sampled[i]["policy"]["capacity"] == full[i]["policy"]["capacity"]);
    CHECK(sampled[i]["sweep"]["simulated_capacity"] ==
          full[i]["policy"]["capacity"].get<std::uint64_t>() / 10);
    // About a tenth of the requests, and a hit ratio near the full trace's.
    CHECK(sampled[i]["requests"].get<double>() ==
          Approx(full[i]["requests"].get<double>() / 10).epsilon(0.3));
    CHECK(sampled[i]["sweep"]["expected_sampled_gets"].get<double>() ==
          Approx(full[i]["gets"].get<double>() * 0.1));
    const double estimate = sampled[i]["sweep"]["estimated_miss_ratio"];
    CHECK(estimate == Approx(sampled[i]["misses"].get<double>() /
                             sampled[i]["sweep"]["expected_sampled_gets"].get<double>()));
    CHECK(estimate == Approx(full[i]["miss_ratio"].get<double>()).margin(0.05));
    CHECK(sampled[i]["sweep"]["estimated_hit_ratio"].get<double>() == Approx(1 - estimate));
  }
}

TEST_CASE("sweep options are checked before the trace is read", "[sim][sweep]") {
  const std::string trace = kSource + "/traces/zipf.txt";
  const auto error_of = [&](std::vector<std::string> more) {
    std::vector<std::string> args{"sweep", "--trace", trace};
    args.insert(args.end(), more.begin(), more.end());
    const Run run = sim(args);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    return run.err;
  };
  CHECK(error_of({"--policies", "ttl"}) ==
        "purecache-sim: error: policy 'ttl' is unbounded: a sweep varies the capacity\n");
  CHECK(error_of({"--policies", "lru,lru-ttl"}) ==
        "purecache-sim: error: policy 'lru-ttl' needs --ttl SECONDS, the TTL of requests without "
        "their own\n");
  CHECK_THAT(error_of({"--policies", "lru,nosuch"}), Catch::Contains("policy must be one of"));
  CHECK_THAT(error_of({"--capacities", "10,0"}), Catch::Contains("capacities must be >= 1, got '0'"));
  CHECK_THAT(error_of({"--capacities", "10,,20"}), Catch::Contains("capacities must be a positive number of entries or a percentage like 10%, got ''"));
  CHECK(error_of({"--shard", "4/3"}) ==
        "purecache-sim: error: shard must be I/N with 1 <= I <= N, like 2/3, got '4/3'\n");
  CHECK_THAT(error_of({"--shard", "0/3"}), Catch::Contains("must be I/N"));
  CHECK_THAT(error_of({"--shard", "1"}), Catch::Contains("must be I/N"));
  CHECK_THAT(error_of({"--jobs", "0"}), Catch::Contains("jobs must be >= 1, got '0'"));
  CHECK(error_of({"--memory-limit", "lots"}) ==
        "purecache-sim: error: memory-limit must be a whole number of bytes with an optional unit "
        "K, M, G, T, KiB, MiB, GiB or TiB, got 'lots'\n");
  CHECK_THAT(error_of({"--memory-limit", "99999999999T"}), Catch::Contains("is too large"));
  CHECK_THAT(error_of({"--sample-rate", "2"}), Catch::Contains("sample-rate must be in (0, 1], got 2"));
  CHECK_THAT(error_of({"--warmup", "100000"}),
             Catch::Contains("must be below the trace's 100000 requests"));
  const Run no_trace = sim({"sweep"});
  CHECK(no_trace.code == 2);
  CHECK(no_trace.err == "purecache-sim: error: --trace is required (see --help)\n");
  const Run over_trace = sim({"sweep", "--trace", trace, "-o", trace});
  CHECK(over_trace.code == 2);
  CHECK_THAT(over_trace.err, Catch::Contains("is the trace"));
}

TEST_CASE("every run of a sweep, full-size or miniature, validates against the report schema",
          "[sim][sweep][report]") {
  std::ifstream file(kSource + "/docs/report-schema.json");
  const auto schema = nlohmann::json::parse(file);
  for (const std::vector<std::string>& more :
       {std::vector<std::string>{}, {"--sample-rate", "0.5"}, {"--engine", "library"},
        {"--memory-limit", "1K", "--shard", "2/2"}}) {
    const bool future_unknown = more.size() > 1 && (more[1] == "library" || more[1] == "1K");
    std::vector<std::string> args{"--trace", kSource + "/traces/zipf.txt", "--policies",
                                  bounded_policies(future_unknown), "--ttl", "9",
                                  "--capacities", "1,2%"};
    args.insert(args.end(), more.begin(), more.end());
    for (const nlohmann::json& run : sweep(args)) {
      CHECK(purecache::test::schema_violation(run, schema) == "");
    }
  }
}

TEST_CASE("a sweep prints a summary table on stderr", "[sim][sweep]") {
  const Run run = sim({"sweep", "--trace", kSource + "/traces/zipf.txt", "--policies", "lru",
                       "--capacities", "100,1000", "--jobs", "1"});
  REQUIRE(run.code == 0);
  CHECK_THAT(run.err, Catch::StartsWith("policy "));
  CHECK_THAT(run.err, Catch::Contains("lru                 100"));
  CHECK_THAT(run.err, Catch::Contains("0.6581"));
  CHECK_THAT(run.err, Catch::Contains("2 of 2 runs (shard 1/1), trace in memory, 1 jobs"));
}
