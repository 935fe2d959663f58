#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/json_schema.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

// purecache-sim contention: a grid of threaded library replays of one trace, one report per line.

using purecache::test::check_rejected;
using purecache::test::Run;
using purecache::test::sim;
using purecache::test::TempFolder;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;
const std::string kZipf = kSource + "/traces/zipf.txt";
// 8 requests over 4 keys: a grid of it runs in milliseconds.
const std::string kGolden = kSource + "/tests/data/golden/abacbada.txt";

// 40 requests, keys k0..k7 in turn, key ki of (i + 1) * 100 bytes: 3600 distinct bytes.
std::string sized_trace(const TempFolder& folder) {
  std::string text = "key,size\n";
  for (int i = 0; i < 40; ++i)
    text += "k" + std::to_string(i % 8) + "," + std::to_string((i % 8 + 1) * 100) + "\n";
  const std::string path = folder.file("sized.csv");
  purecache::test::write_text(path, text);
  return path;
}

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("a contention grid writes one valid report per cell, threads innermost",
          "[sim][contention][report]") {
  const Run run =
      sim({"contention", "--trace", kGolden, "--policy", "lru", "--capacity", "4", "--threads",
           "1,2", "--clients", "2", "--shards", "1,4", "--hand-off", "inline,scheduled"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  const std::vector<nlohmann::json> lines = lines_of(run.out);
  REQUIRE(lines.size() == 8);
  std::ifstream file(kSource + "/docs/report-schema.json");
  const auto schema = nlohmann::json::parse(file);
  std::vector<std::tuple<std::string, int, int>> order;  // hand-off, shards, threads
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json& r = lines[i];
    CHECK(purecache::test::schema_violation(r, schema) == "");
    CHECK(r["engine"] == "library");
    CHECK(r["complete"] == true);
    CHECK(r["policy"]["capacity"] == 4);
    CHECK(r["concurrency"]["clients"] == 2);
    CHECK(r["concurrency"]["order"] == "interleaved");
    CHECK(r["hits"].get<long>() + r["misses"].get<long>() == r["gets"].get<long>());
    CHECK(r["requests"] == 8);
    CHECK(r["lock_wait_ns"].is_object());
    CHECK(r["throughput"]["per_thread"].size() == r["concurrency"]["threads"].get<std::size_t>());
    CHECK(r["machine"]["hardware_concurrency"].is_number_unsigned());
    CHECK(r["contention"]["index"] == i);
    CHECK(r["contention"]["cells"] == 8);
    CHECK(r["contention"]["threads"] == nlohmann::json({1, 2}));
    CHECK(r["contention"]["hand_offs"] == nlohmann::json({"inline", "scheduled"}));
    order.emplace_back(r["concurrency"]["hand_off"], r["concurrency"]["shards"],
                       r["concurrency"]["threads"]);
  }
  CHECK(order == std::vector<std::tuple<std::string, int, int>>{{"inline", 1, 1},
                                                                {"inline", 1, 2},
                                                                {"inline", 4, 1},
                                                                {"inline", 4, 2},
                                                                {"scheduled", 1, 1},
                                                                {"scheduled", 1, 2},
                                                                {"scheduled", 4, 1},
                                                                {"scheduled", 4, 2}});
  CHECK_THAT(run.err, Catch::StartsWith("hand-off "));
  CHECK_THAT(run.err, Catch::Contains("8 of 8 cells"));
}

TEST_CASE("one thread and one client in a contention grid counts as the single-threaded replay",
          "[sim][contention]") {
  const Run run = sim({"contention", "--trace", kGolden, "--capacity", "50%", "--threads", "1",
                       "--clients", "1", "--shards", "1", "--hand-off", "inline"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  const std::vector<nlohmann::json> lines = lines_of(run.out);
  REQUIRE(lines.size() == 1);
  const nlohmann::json single =
      purecache::test::report({"--trace", kGolden, "--capacity", "50%", "--policy", "lru"});
  CHECK(lines[0]["concurrency"]["order"] == "trace");
  for (const char* field : {"hits", "misses", "gets", "fills"})
    CHECK(lines[0][field] == single[field]);
  CHECK(lines[0]["trace"]["hash"] == single["trace"]["hash"]);
  CHECK(lines[0]["policy"]["capacity"] == 2);
  CHECK(single["policy"]["capacity"] == 2);
}

TEST_CASE("a contention grid goes to -o through the atomic writer, never over the trace",
          "[sim][contention]") {
  const auto dir = std::filesystem::temp_directory_path() / "purecache_contention_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "study.jsonl").string();
  const Run run = sim({"contention", "--trace", kGolden, "--capacity", "2", "--threads", "1",
                       "--clients", "1", "--shards", "1,2", "--hand-off", "scheduled", "-o", out});
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK(run.out.empty());
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  CHECK(lines_of(text.str()).size() == 2);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir))
    ++files;
  CHECK(files == 1);  // no temporary left behind
  std::filesystem::remove_all(dir);

  const Run over_trace = sim({"contention", "--trace", kZipf, "--threads", "1", "-o", kZipf});
  CHECK(over_trace.code == 2);
  CHECK_THAT(over_trace.err, Catch::Contains("is the trace"));
}

TEST_CASE("a contention grid refuses bad lists before it runs anything", "[sim][contention]") {
  const std::vector<std::string> base{"contention", "--trace", kGolden, "--capacity", "2"};
  const auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  check_rejected(with({"--threads", "0"}), "threads must be >= 1, got '0'");
  check_rejected(with({"--threads", "1,0,2"}), "threads must be >= 1, got '0'");
  check_rejected(with({"--threads", ""}),
                 "threads must list at least one number, like 1,2,4, got ''");
  check_rejected(with({"--clients", "1,,2"}),
                 "clients must be whole numbers, comma-separated, like 1,2,4, got ''");
  check_rejected(with({"--shards", "two"}),
                 "shards must be whole numbers, comma-separated, like 1,2,4, got 'two'");
  check_rejected(with({"--threads", "2,2"}), "threads is listed twice, got '2'");
  check_rejected(with({"--threads", "5000"}), "threads must be at most 1024, got '5000'");
  check_rejected(with({"--hand-off", "inline,later"}),
                 "hand-off must be inline or scheduled, got 'later'");
  check_rejected(with({"--shards", "1,3"}),
                 "shards must be at most the capacity, 2 entries (every shard holds one at "
                 "least), got '3'");
  check_rejected({"contention", "--threads", "1"}, "--trace is required (see --help)");
}

TEST_CASE("a contention grid bounded by bytes reports its byte capacity in every cell",
          "[sim][contention][bytes]") {
  const TempFolder folder;
  const std::string trace = sized_trace(folder);
  const Run run = sim({"contention", "--trace", trace, "--capacity-bytes", "2KiB", "--threads",
                       "1,2", "--clients", "1,2", "--shards", "1,2", "--hand-off", "inline"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  const std::vector<nlohmann::json> lines = lines_of(run.out);
  REQUIRE(lines.size() == 8);
  std::ifstream file(kSource + "/docs/report-schema.json");
  const auto schema = nlohmann::json::parse(file);
  for (const nlohmann::json& r : lines) {
    INFO(r.dump());
    CHECK(purecache::test::schema_violation(r, schema) == "");
    CHECK(r["complete"] == true);
    CHECK(r["policy"]["capacity"].is_null());
    CHECK(r["policy"]["capacity_bytes"] == 2048);
    CHECK(r["policy"]["capacity_spec"] == "2KiB");
    CHECK(r["requests"] == 40);
    CHECK(r["hits"].get<long>() + r["misses"].get<long>() == r["gets"].get<long>());
    CHECK(r["byte_hit_ratio"].is_number());
    CHECK(r["bytes_missed"].is_number_unsigned());
  }
  // One thread and one client replay in trace order: each shard count counts as a replay with
  // the same byte budget split over as many shards.
  for (const nlohmann::json& r : lines) {
    if (r["concurrency"]["threads"] != 1 || r["concurrency"]["clients"] != 1) continue;
    const std::string shards = std::to_string(r["concurrency"]["shards"].get<int>());
    INFO("--shards " << shards);
    const nlohmann::json single = purecache::test::report(
        {"--trace", trace, "--capacity-bytes", "2KiB", "--threads", "1", "--shards", shards});
    for (const char* field : {"hits", "misses", "bytes_missed", "byte_hit_ratio"})
      CHECK(r[field] == single[field]);
    CHECK(r["policy"]["capacity_bytes"] == single["policy"]["capacity_bytes"]);
  }
}

TEST_CASE("a contention grid's --capacity-bytes P% is that share of the trace's distinct bytes",
          "[sim][contention][bytes]") {
  const TempFolder folder;
  const std::string trace = sized_trace(folder);
  const Run run = sim({"contention", "--trace", trace, "--capacity-bytes", "10%", "--threads", "1",
                       "--clients", "2", "--shards", "1,3", "--hand-off", "scheduled"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  const std::vector<nlohmann::json> lines = lines_of(run.out);
  REQUIRE(lines.size() == 2);
  for (const nlohmann::json& r : lines) {
    CHECK(r["policy"]["capacity_bytes"] == 360);  // 10% of 3600
    CHECK(r["policy"]["capacity_spec"] == "10%");
  }
  const nlohmann::json single =
      purecache::test::report({"--trace", trace, "--capacity-bytes", "10%"});
  CHECK(single["policy"]["capacity_bytes"] == 360);
}

TEST_CASE("a contention grid refuses byte capacities a replay refuses, and more shards than bytes",
          "[sim][contention][bytes]") {
  const TempFolder folder;
  const std::string trace = sized_trace(folder);
  check_rejected({"contention", "--trace", trace, "--capacity", "10", "--capacity-bytes", "1M"},
                 "--capacity excludes --capacity-bytes (see --help)");
  check_rejected({"contention", "--trace", kGolden, "--capacity-bytes", "1M"},
                 "--capacity-bytes weighs objects by their sizes, and " + kGolden +
                     " (text) has none: give a trace with sizes, or --capacity in entries");
  check_rejected({"contention", "--trace", trace, "--capacity-bytes", "0"},
                 "capacity-bytes must be > 0, got '0'");
  check_rejected({"contention", "--trace", trace, "--capacity-bytes", "1.5G"},
                 "capacity-bytes must be a whole number of bytes with an optional unit K, M, G, "
                 "T, KiB, MiB, GiB or TiB, got '1.5G'");
  check_rejected({"contention", "--trace", trace, "--capacity-bytes", "0%"},
                 "capacity-bytes percentage must be in (0, 100], got '0%'");
  check_rejected({"contention", "--trace", trace, "--capacity-bytes", "2", "--shards", "1,3"},
                 "shards must be at most the capacity, 2 bytes (every shard holds one at least), "
                 "got '3'");
}

namespace {

/// A contention run whose stop flag is raised, as SIGINT's handler raises it, once its cells
/// have read `stop_at` batches in all: each cell of the sized trace reads one, and stops at its
/// next check when the flag is up, so batch N cuts cell N - 1 short.
purecache::test::Run stopped_at_batch(const std::vector<std::string>& args, int stop_at) {
  std::atomic<int> stop{0};
  int batches = 0;
  std::ostringstream out;
  std::ostringstream err;
  const purecache::sim::CliStreams streams{
      .out = out, .err = err, .stop_signal = &stop, .on_contention_batch = [&] {
        if (++batches == stop_at) stop.store(SIGINT);
      }};
  const int code = purecache::sim::run_cli(args, streams);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("a contention grid stopped mid-cell writes the finished cells only and exits 130",
          "[sim][contention][signal]") {
  const TempFolder folder;
  const std::string trace = sized_trace(folder);
  const std::vector<std::string> grid{
      "contention", "--trace", trace,      "--capacity", "4",          "--threads", "1",
      "--clients",  "1",       "--shards", "1,2,4",      "--hand-off", "inline"};

  SECTION("to stdout: the first cell's line, not the second's, cut short") {
    const Run run = stopped_at_batch(grid, 2);
    CHECK(run.code == 130);
    const std::vector<nlohmann::json> lines = lines_of(run.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["complete"] == true);
    CHECK(lines[0]["requests"] == 40);
    CHECK(lines[0]["contention"]["index"] == 0);
    CHECK(lines[0]["contention"]["cells"] == 3);
    CHECK_THAT(run.err, Catch::Contains("1 of 3 cells"));
  }

  SECTION("to --output: the file is replaced by the finished cells") {
    const std::string output = folder.file("study.jsonl");
    purecache::test::write_text(output, "old\n");
    std::vector<std::string> args = grid;
    args.insert(args.end(), {"-o", output});
    const Run run = stopped_at_batch(args, 3);
    CHECK(run.code == 130);
    CHECK(run.out.empty());
    const std::vector<nlohmann::json> lines = lines_of(purecache::test::read_text(output));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["contention"]["index"] == 0);
    CHECK(lines[1]["contention"]["index"] == 1);
    CHECK(folder.names() == std::vector<std::string>{"sized.csv", "study.jsonl"});
  }

  SECTION("before any cell finished: no line, and an existing --output as it was") {
    const std::string output = folder.file("study.jsonl");
    purecache::test::write_text(output, "old\n");
    std::vector<std::string> args = grid;
    args.insert(args.end(), {"-o", output});
    const Run run = stopped_at_batch(args, 1);
    CHECK(run.code == 130);
    CHECK(run.out.empty());
    CHECK(purecache::test::read_text(output) == "old\n");
    CHECK(folder.names() == std::vector<std::string>{"sized.csv", "study.jsonl"});
    CHECK_THAT(run.err, Catch::Contains("0 of 3 cells"));
  }

  SECTION("with --repeat: each finished cell folded over the runs it finished") {
    std::vector<std::string> args = grid;
    args.insert(args.end(), {"--repeat", "2"});
    // Pass 1 reads batches 1-3, pass 2 cuts its second cell short at batch 5.
    const Run run = stopped_at_batch(args, 5);
    CHECK(run.code == 130);
    const std::vector<nlohmann::json> lines = lines_of(run.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["throughput"]["repeat"] == 2);
    CHECK(lines[1]["throughput"]["repeat"] == 1);
    CHECK(lines[2]["throughput"]["repeat"] == 1);
    for (const nlohmann::json& r : lines)
      CHECK(r["complete"] == true);
  }
}
