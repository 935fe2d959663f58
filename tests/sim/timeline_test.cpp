// --timeline-window: per-window rows of a replay (docs/replay-semantics.md, "Timeline").

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/json_schema.hpp"
#include "support/mixed_trace.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

namespace {

using nlohmann::json;
using purecache::test::report;
using purecache::test::sim;

const std::string kSource = PURECACHE_SOURCE_DIR;
const std::string kCloudPhysics = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";

// Ten gets; with 2 entries of LRU, hits at requests 3, 8 and 10 and evictions at 4, 5, 6, 7, 9.
constexpr std::string_view kTenRequests = "a\nb\na\nc\nb\na\nd\na\nc\nc\n";

std::uint64_t sum(const json& rows, const char* field) {
  std::uint64_t total = 0;
  for (const json& row : rows)
    total += row[field].get<std::uint64_t>();
  return total;
}

// The rows' fields that both engines count alike.
json counts(const json& rows) {
  json out = json::array();
  for (const json& row : rows) {
    json r = row;
    r.erase("memory_bytes");
    r.erase("lock_hold_p99_ns");
    out.push_back(r);
  }
  return out;
}

// Rows are contiguous, cover requests 1..requests, and each row's counts are possible.
void check_rows_partition(const json& rows, std::uint64_t requests) {
  REQUIRE(!rows.empty());
  std::uint64_t next = 1;
  for (const json& row : rows) {
    CHECK(row["start_request"] == next);
    CHECK(row["end_request"].get<std::uint64_t>() >= row["start_request"].get<std::uint64_t>());
    CHECK(row["end_seconds"].get<double>() >= 0);
    CHECK(row["hits"].get<std::uint64_t>() <= row["gets"].get<std::uint64_t>());
    next = row["end_request"].get<std::uint64_t>() + 1;
  }
  CHECK(next == requests + 1);
}

json schema() {
  std::ifstream file(kSource + "/docs/report-schema.json");
  return json::parse(file);
}

}  // namespace

TEST_CASE("request windows have exact bounds, times and counts", "[sim][timeline]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("ten.txt");
  purecache::test::write_text(trace, kTenRequests);
  for (const std::string engine : {"library", "fast"}) {
    INFO(engine);
    const json r =
        report({"--trace", trace, "--engine", engine, "--capacity", "2", "--timeline-window", "4"});
    CHECK(r["timeline"]["window"] == json{{"requests", 4}});
    const json& rows = r["timeline"]["rows"];
    REQUIRE(rows.size() == 3);
    // The synthetic clock puts request i at (i - 1) ms.
    CHECK(counts(rows) == json::parse(R"([
      {"start_request": 1, "end_request": 4, "start_seconds": 0.0, "end_seconds": 0.003,
       "gets": 4, "hits": 1, "hit_ratio": 0.25, "evictions": 1},
      {"start_request": 5, "end_request": 8, "start_seconds": 0.004, "end_seconds": 0.007,
       "gets": 4, "hits": 1, "hit_ratio": 0.25, "evictions": 3},
      {"start_request": 9, "end_request": 10, "start_seconds": 0.008, "end_seconds": 0.009,
       "gets": 2, "hits": 1, "hit_ratio": 0.5, "evictions": 1}])"));
    // At the last window's end the cache is as the report leaves it.
    const char* bytes = engine == "library" ? "backend_bytes" : "simulator_bytes";
    CHECK(rows.back()["memory_bytes"] == r["memory"][bytes]);
    for (const json& row : rows)
      CHECK(row["memory_bytes"].get<std::uint64_t>() > 0);
  }
}

TEST_CASE("a window wider than the trace gives one row", "[sim][timeline]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("ten.txt");
  purecache::test::write_text(trace, kTenRequests);
  const json r = report({"--trace", trace, "--engine", "fast", "--capacity", "2",
                         "--timeline-window", "18446744073709551615"});
  const json& rows = r["timeline"]["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["start_request"] == 1);
  CHECK(rows[0]["end_request"] == 10);
  CHECK(rows[0]["hits"] == 3);
}

TEST_CASE("time windows start at the first request and skip empty windows", "[sim][timeline]") {
  purecache::test::TempFolder dir;
  SECTION("the synthetic clock, with a decimal window") {
    const std::string trace = dir.file("ten.txt");
    purecache::test::write_text(trace, kTenRequests);
    for (const std::string engine : {"library", "fast"}) {
      INFO(engine);
      // Requests at 0..9 ms in windows [0, 3.5), [3.5, 7), [7, 10.5) ms.
      const json r = report({"--trace", trace, "--engine", engine, "--capacity", "2",
                             "--timeline-window", "0.0035s"});
      CHECK(r["timeline"]["window"] == json{{"seconds", 0.0035}});
      const json& rows = r["timeline"]["rows"];
      REQUIRE(rows.size() == 3);
      CHECK(rows[0]["end_request"] == 4);
      CHECK(rows[1]["start_request"] == 5);
      CHECK(rows[1]["end_request"] == 7);
      CHECK(rows[1]["start_seconds"] == 0.004);
      CHECK(rows[1]["end_seconds"] == 0.006);
      CHECK(rows[2]["start_request"] == 8);
      CHECK(rows[2]["hits"] == 2);
    }
  }
  SECTION("the trace's clock, with empty windows and time that goes back") {
    const std::string trace = dir.file("times.csv");
    // Windows of 2 s from t0 = 10: [10, 12) holds 1-2; [12, 14) holds 3; [14, 20) are empty;
    // [20, 22) holds 4, and 5, whose time went back, stays in it; 6 opens [22, 24).
    purecache::test::write_text(trace, "timestamp,key\n10,a\n11.5,b\n12,a\n20,a\n13,c\n22,c\n");
    for (const std::string engine : {"library", "fast"}) {
      INFO(engine);
      const json r = report(
          {"--trace", trace, "--engine", engine, "--capacity", "5", "--timeline-window", "2s"});
      CHECK(r["timeline"]["window"] == json{{"seconds", 2.0}});
      CHECK(counts(r["timeline"]["rows"]) == json::parse(R"([
        {"start_request": 1, "end_request": 2, "start_seconds": 10.0, "end_seconds": 11.5,
         "gets": 2, "hits": 0, "hit_ratio": 0.0, "evictions": 0},
        {"start_request": 3, "end_request": 3, "start_seconds": 12.0, "end_seconds": 12.0,
         "gets": 1, "hits": 1, "hit_ratio": 1.0, "evictions": 0},
        {"start_request": 4, "end_request": 5, "start_seconds": 20.0, "end_seconds": 13.0,
         "gets": 2, "hits": 1, "hit_ratio": 0.5, "evictions": 0},
        {"start_request": 6, "end_request": 6, "start_seconds": 22.0, "end_seconds": 22.0,
         "gets": 1, "hits": 1, "hit_ratio": 1.0, "evictions": 0}])"));
    }
  }
}

TEST_CASE("rows add up to the report for every policy, engine and kind of window",
          "[sim][timeline]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("mixed.csv");
  purecache::test::write_text(trace, purecache::test::mixed_trace(false));
  for (const auto& kind : purecache::kBackendKinds) {
    // The mixed trace spans 2000 s in 20000 requests; 1500 does not divide it.
    for (const std::string window : {"1500", "150s", "37.5s"}) {
      json fast_rows;
      for (const std::string engine : {"fast", "library"}) {
        if (kind.offline && engine == "library") continue;
        INFO(kind.name << ", " << engine << ", window " << window);
        std::vector<std::string> args{"--trace",    trace, "--policy", std::string(kind.name),
                                      "--engine",   engine, "--capacity", "300", "--ttl", "2",
                                      "--timeline-window", window};
        // W-TinyLFU's sketch hashes the key each engine gives it: a sketch far larger than the
        // keys has no collisions, so the engines' rows can be compared.
        if (kind.kind == purecache::BackendKind::wtinylfu) {
          args.insert(args.end(), {"--policy-params", "wtinylfu:sketch_entries=1048576"});
        }
        const json r = report(args);
        const json& rows = r["timeline"]["rows"];
        check_rows_partition(rows, r["trace"]["requests"].get<std::uint64_t>());
        CHECK(sum(rows, "gets") == r["gets"].get<std::uint64_t>());
        CHECK(sum(rows, "hits") == r["hits"].get<std::uint64_t>());
        CHECK(sum(rows, "evictions") == r["evictions"]["capacity"].get<std::uint64_t>() +
                                            r["evictions"]["expired"].get<std::uint64_t>());
        CHECK(r["evictions"]["capacity"].get<std::uint64_t>() +
                  r["evictions"]["expired"].get<std::uint64_t>() >
              0);
        const char* bytes = engine == "library" ? "backend_bytes" : "simulator_bytes";
        CHECK(rows.back()["memory_bytes"] == r["memory"][bytes]);
        if (engine == "fast") {
          fast_rows = counts(rows);
          if (window == "1500") CHECK(rows.size() == 14);
          if (window == "150s") CHECK(rows.size() == 14);
          if (window == "37.5s") CHECK(rows.size() == 54);
        } else {
          CHECK(counts(rows) == fast_rows);
        }
      }
    }
  }
}

TEST_CASE("time windows on a trace's own timestamps", "[sim][timeline]") {
  const json r = report({"--trace", kCloudPhysics, "--engine", "fast", "--policy", "lru",
                         "--capacity", "1000", "--timeline-window", "3600s"});
  const json& rows = r["timeline"]["rows"];
  check_rows_partition(rows, r["trace"]["requests"].get<std::uint64_t>());
  CHECK(sum(rows, "gets") == r["gets"].get<std::uint64_t>());
  CHECK(sum(rows, "hits") == r["hits"].get<std::uint64_t>());
  CHECK(sum(rows, "evictions") == r["evictions"]["capacity"].get<std::uint64_t>());
  // Each row lies in its hour from the first request's time, and hours only grow.
  const double t0 = rows[0]["start_seconds"].get<double>();
  double previous_hour = -1;
  for (const json& row : rows) {
    const double hour = std::floor((row["start_seconds"].get<double>() - t0) / 3600);
    CHECK(hour > previous_hour);
    CHECK(row["end_seconds"].get<double>() < t0 + (hour + 1) * 3600);
    CHECK(row["end_seconds"].get<double>() >= row["start_seconds"].get<double>());
    previous_hour = hour;
  }
  CHECK(rows.size() > 1);
}

TEST_CASE("rows count the warm-up, the report's totals do not", "[sim][timeline]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("ten.txt");
  purecache::test::write_text(trace, kTenRequests);
  for (const std::string engine : {"library", "fast"}) {
    INFO(engine);
    const std::vector<std::string> args{"--trace",    trace, "--engine",          engine,
                                        "--capacity", "2",   "--timeline-window", "4"};
    const json plain = report(args);
    std::vector<std::string> warm = args;
    warm.insert(warm.end(), {"--warmup", "5"});
    const json r = report(warm);
    // The warm-up changes no cache decision, so neither the rows.
    CHECK(counts(r["timeline"]["rows"]) == counts(plain["timeline"]["rows"]));
    // Requests 1-5 hold 5 gets, 1 hit and 2 evictions.
    CHECK(r["gets"] == 5);
    CHECK(r["hits"] == 2);
    CHECK(sum(r["timeline"]["rows"], "gets") == 10);
    CHECK(sum(r["timeline"]["rows"], "evictions") ==
          r["evictions"]["capacity"].get<std::uint64_t>() + 2);
  }
}

TEST_CASE("the library engine gives each row its lock-hold p99, the fast engine none",
          "[sim][timeline]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("mixed.csv");
  purecache::test::write_text(trace, purecache::test::mixed_trace(false));
  const std::vector<std::string> args{"--trace",  trace,  "--capacity",        "300",
                                      "--warmup", "3000", "--timeline-window", "2000"};
  std::vector<std::string> library = args;
  library.insert(library.end(), {"--engine", "library", "--lock-sample", "1"});
  const json r = report(library);
  for (const json& row : r["timeline"]["rows"]) {
    REQUIRE(row["lock_hold_p99_ns"].is_number_integer());
    CHECK(row["lock_hold_p99_ns"].get<std::uint64_t>() <= r["lock_hold_ns"]["max"]);
  }
  // The total still times the counted part only: one hold per get, fill, set and delete after
  // the warm-up, and none of the replay's own stats() calls.
  CHECK(r["lock_hold_ns"]["count"] ==
        r["gets"].get<std::uint64_t>() + r["fills"].get<std::uint64_t>() +
            r["sets"].get<std::uint64_t>() + r["deletes"].get<std::uint64_t>());
  std::vector<std::string> fast = args;
  fast.insert(fast.end(), {"--engine", "fast"});
  const json fast_report = report(fast);
  for (const json& row : fast_report["timeline"]["rows"])
    CHECK(row["lock_hold_p99_ns"].is_null());
}

TEST_CASE("a report with a timeline validates against the schema, and one without has none",
          "[sim][timeline][report]") {
  const json checker = schema();
  const std::string trace = kSource + "/tests/data/golden/abacbada.oracleGeneral.bin";
  for (const std::string engine : {"library", "fast"}) {
    for (const std::string window : {"3", "0.5s"}) {
      INFO(engine << ", window " << window);
      const json r = report({"--trace", trace, "--engine", engine, "--timeline-window", window});
      CHECK(r.contains("timeline"));
      CHECK(purecache::test::schema_violation(r, checker) == "");
    }
    CHECK_FALSE(report({"--trace", trace, "--engine", engine}).contains("timeline"));
  }
  // A row without gets has no hit ratio.
  json r = report({"--trace", trace, "--timeline-window", "3"});
  r["timeline"]["rows"][0]["hit_ratio"] = nullptr;
  CHECK(purecache::test::schema_violation(r, checker) == "");
  r["timeline"]["rows"][0]["extra"] = 1;
  CHECK(purecache::test::schema_violation(r, checker) ==
        "$.timeline.rows[0]: unexpected field extra");
}

TEST_CASE("bad timeline windows are refused as typed", "[sim][timeline][errors]") {
  const std::string trace = kSource + "/tests/data/golden/abacbada.txt";
  const auto message = [&](const std::string& value) {
    const purecache::test::Run run = sim({"--trace", trace, "--timeline-window", value});
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    return run.err;
  };
  const std::string prefix = "purecache-sim: error: timeline-window ";
  CHECK(message("0") == prefix + "must be at least 1 request, got '0'\n");
  CHECK(message("-5") == prefix + "must be at least 1 request, got '-5'\n");
  CHECK(message("abc") ==
        prefix + "must be a number of requests N or of seconds like 0.5s, got 'abc'\n");
  CHECK(message("1.5") ==
        prefix + "must be a number of requests N or of seconds like 0.5s, got '1.5'\n");
  CHECK(message("0x10") ==
        prefix + "must be a number of requests N or of seconds like 0.5s, got '0x10'\n");
  CHECK(message("") == prefix + "must be a number of requests N or of seconds like 0.5s, got ''\n");
  CHECK(message("s") ==
        prefix + "must be a number of requests N or of seconds like 0.5s, got 's'\n");
  CHECK(message("infs") ==
        prefix + "must be a number of requests N or of seconds like 0.5s, got 'infs'\n");
  CHECK(message("-5s") == prefix + "must be at least 0.000000001 seconds, got '-5s'\n");
  CHECK(message("0s") == prefix + "must be at least 0.000000001 seconds, got '0s'\n");
  CHECK(message("1e-400s") == prefix + "must be at least 0.000000001 seconds, got '1e-400s'\n");
  CHECK(message("1e10s") == prefix + "must be at most 9223372036 seconds, got '1e10s'\n");
  CHECK(message("1e400s") == prefix + "must be at most 9223372036 seconds, got '1e400s'\n");
  CHECK(message("18446744073709551616") ==
        prefix + "must be at most 18446744073709551615 requests, got '18446744073709551616'\n");
}

TEST_CASE("a timeline that would pass its row limit stops the replay", "[sim][timeline][errors]") {
  purecache::test::TempFolder dir;
  const std::string trace = dir.file("ten.txt");
  purecache::test::write_text(trace, kTenRequests);
  for (const auto engine :
       {purecache::sim::ReplayEngine::library, purecache::sim::ReplayEngine::fast}) {
    purecache::sim::TraceReader reader(trace);
    purecache::sim::ReplayConfig config{.engine = engine,
                                        .key_type = purecache::sim::ReplayKeyType::string,
                                        .timeline_row_limit = 2};
    config.core.capacity = 2;
    config.timeline.requests = 4;  // 3 rows
    CHECK_THROWS_WITH(purecache::sim::replay(reader, config),
                      "timeline-window must give at most 2 rows on this trace, got '4'");
    purecache::sim::TraceReader again(trace);
    config.timeline = {.time = std::chrono::microseconds(2500)};  // 4 rows
    config.timeline_row_limit = 4;
    CHECK(purecache::sim::replay(again, config).timeline->rows.size() == 4);
    purecache::sim::TraceReader third(trace);
    config.timeline_row_limit = 3;
    CHECK_THROWS_WITH(purecache::sim::replay(third, config),
                      "timeline-window must give at most 3 rows on this trace, got '0.0025s'");
  }
}
