#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/async/sync_wait.hpp"
#include "support/fifo_writer.hpp"
#include "support/mixed_trace.hpp"
#include "support/split_mix64.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

// The library engine (every request through the public Cache) and the fast engine (the bare
// core over interned ids) must count exactly alike, and exactly as the replay did before they
// were split.

using purecache::test::Run;
using purecache::test::sim;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;

using purecache::test::report;

/// The counters both engines must agree on.
nlohmann::json counts(const nlohmann::json& r) {
  return {{"requests", r["requests"]}, {"gets", r["gets"]},         {"sets", r["sets"]},
          {"deletes", r["deletes"]},   {"fills", r["fills"]},       {"hits", r["hits"]},
          {"misses", r["misses"]},     {"evictions", r["evictions"]},
          {"entries", r["memory"]["entries"]}};
}

/// Arguments that make a policy's counts independent of how keys hash. W-TinyLFU's sketch hashes
/// the key it is given (the trace's id, its text, or an interned id, by engine), so where
/// collisions differ the counts may too; a sketch far larger than the keys has none.
std::vector<std::string> hash_free(std::string_view policy) {
  if (policy == "wtinylfu") return {"--policy-params", "wtinylfu:sketch_entries=1048576"};
  return {};
}

/// Replays every row of tests/data/engine_counts.json on `trace` with both engines (Belady: the
/// fast one) and checks the recorded counts; returns the policies it saw.
std::vector<std::string> check_recorded_counts(const std::string& only_trace) {
  std::ifstream file(kSource + "/tests/data/engine_counts.json");
  const auto recorded = nlohmann::json::parse(file);
  std::vector<std::string> policies;
  for (const auto& row : recorded["rows"]) {
    const std::string trace = row["trace"];
    if (trace != only_trace) continue;
    INFO(trace << " " << row["policy"] << " capacity " << row["capacity"]);
    policies.push_back(row["policy"]);
    std::vector<std::string> args{"--trace",    kSource + "/traces/" + trace,
                                  "--policy",   row["policy"],
                                  "--capacity", row["capacity"],
                                  "--ttl",      "60"};
    if (trace.find(".csv") != std::string::npos) {
      args.insert(args.end(), {"--csv-columns", "key=lbn,timestamp=time,size=size"});
    }
    for (const std::string engine : {"library", "fast"}) {
      if (purecache::info(purecache::parse_backend_kind(row["policy"].get<std::string>())).offline &&
          engine == "library") {
        continue;  // Belady runs in the fast engine only
      }
      // A sketch hashes the key it is given (trace id or interned id): such rows are per engine.
      if (row.contains("engine") && row["engine"] != engine) continue;
      INFO("engine " << engine);
      std::vector<std::string> with_engine = args;
      with_engine.insert(with_engine.end(), {"--engine", engine});
      const auto r = report(with_engine);
      CHECK(r["engine"] == engine);
      CHECK(r["hits"] == row["hits"]);
      CHECK(r["misses"] == row["misses"]);
      CHECK(r["evictions"]["capacity"] == row["evictions"]);
      CHECK(r["evictions"]["expired"] == row["expired"]);
    }
  }
  return policies;
}

}  // namespace

// One case per trace, so that ctest runs them side by side.
TEST_CASE("both engines reproduce the recorded counts on zipf.txt", "[sim][engines]") {
  CHECK_FALSE(check_recorded_counts("zipf.txt").empty());
}
TEST_CASE("both engines reproduce the recorded counts on cloudPhysicsIO.oracleGeneral",
          "[sim][engines]") {
  CHECK_FALSE(check_recorded_counts("cloudPhysicsIO.oracleGeneral.bin.zst").empty());
}
TEST_CASE("both engines reproduce the recorded counts on cloudPhysicsIO.txt", "[sim][engines]") {
  CHECK_FALSE(check_recorded_counts("cloudPhysicsIO.txt.zst").empty());
}
TEST_CASE("both engines reproduce the recorded counts on cloudPhysicsIO.csv", "[sim][engines]") {
  CHECK_FALSE(check_recorded_counts("cloudPhysicsIO.csv.zst").empty());
}

TEST_CASE("every registered policy has recorded counts on every shipped trace", "[sim][engines]") {
  std::ifstream file(kSource + "/tests/data/engine_counts.json");
  const auto recorded = nlohmann::json::parse(file);
  for (const std::string trace : {"zipf.txt", "cloudPhysicsIO.oracleGeneral.bin.zst",
                                  "cloudPhysicsIO.txt.zst", "cloudPhysicsIO.csv.zst"}) {
    std::vector<std::string> policies;
    for (const auto& row : recorded["rows"]) {
      if (row["trace"] == trace) policies.push_back(row["policy"]);
    }
    // Every registered policy has recorded counts: a new one must add its rows.
    for (const auto& kind : purecache::kBackendKinds) {
      INFO(trace << " " << kind.name);
      CHECK(std::count(policies.begin(), policies.end(), std::string(kind.name)) > 0);
    }
  }
}

TEST_CASE("both engines reproduce libCacheSim's byte-mode misses and missed bytes",
          "[sim][engines][bytes]") {
  std::ifstream file(kSource + "/tests/data/byte_counts.json");
  const auto recorded = nlohmann::json::parse(file);
  const std::string trace = kSource + "/traces/" + recorded["trace"].get<std::string>();
  std::vector<std::string> policies;
  for (const auto& row : recorded["rows"]) {
    policies.push_back(row["policy"]);
    const std::string bytes = std::to_string(row["capacity_bytes"].get<std::uint64_t>());
    for (const std::string engine : {"library", "fast"}) {
      if (purecache::info(purecache::parse_backend_kind(row["policy"].get<std::string>())).offline &&
          engine == "library") {
        continue;  // Belady runs in the fast engine only
      }
      INFO(row["policy"] << " " << bytes << " bytes, engine " << engine);
      std::vector<std::string> args{"--trace",          trace, "--policy", row["policy"],
                                    "--capacity-bytes", bytes, "--engine", engine};
      if (row.contains("parameters")) {
        args.push_back("--policy-params");
        args.push_back(row["policy"].get<std::string>() + ":" + row["parameters"].get<std::string>());
      }
      const auto r = report(args);
      CHECK(r["policy"]["capacity"].is_null());
      CHECK(r["policy"]["capacity_bytes"] == row["capacity_bytes"]);
      CHECK(r["misses"] == row["misses"]);
      CHECK(r["bytes_missed"] == row["bytes_missed"]);
    }
  }
  // Every bounded policy libCacheSim also has is checked in byte mode.
  for (const auto& kind : purecache::kBackendKinds) {
    if (!kind.bounded || kind.expiring) continue;
    INFO(kind.name);
    CHECK(std::count(policies.begin(), policies.end(), std::string(kind.name)) > 0);
  }
}

TEST_CASE("a byte capacity in percent is that share of the distinct objects' first sizes",
          "[sim][bytes]") {
  // cloudPhysicsIO.oracleGeneral: 2029769728 bytes of distinct objects at their first sizes.
  const std::string trace = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";
  const auto r = report({"--trace", trace, "--capacity-bytes", "10%", "--engine", "fast"});
  CHECK(r["policy"]["capacity_bytes"] == 202976972);
  CHECK(r["policy"]["capacity_spec"] == "10%");
  const auto units = report({"--trace", trace, "--capacity-bytes", "64MiB", "--engine", "fast"});
  CHECK(units["policy"]["capacity_bytes"] == 64 << 20);
  const auto k = report({"--trace", trace, "--capacity-bytes", "5K", "--engine", "fast"});
  CHECK(k["policy"]["capacity_bytes"] == 5000);
}

TEST_CASE("the engines agree on gets, sets and deletes with TTLs, with numeric keys and names",
          "[sim][engines]") {
  purecache::test::TempFolder dir;
  for (const bool names : {false, true}) {
    const std::string trace = (dir.path() / (names ? "names.csv" : "numbers.csv")).string();
    std::ofstream(trace) << purecache::test::mixed_trace(names);
    for (const auto& kind : purecache::kBackendKinds) {
      if (kind.offline) continue;  // no library engine to agree with
      for (const std::string capacity : {"50", "300"}) {
        INFO(trace << " " << kind.name << " capacity " << capacity);
        std::vector<std::string> args{"--trace",    trace,    "--policy", std::string(kind.name),
                                      "--capacity", capacity, "--ttl",    "2"};
        for (const auto& arg : hash_free(kind.name)) args.push_back(arg);
        auto with = [&](std::vector<std::string> extra) {
          extra.insert(extra.begin(), args.begin(), args.end());
          return report(extra);
        };
        const auto fast = with({"--engine", "fast"});
        const auto library = with({"--engine", "library"});
        CHECK(library["key_type"] == (names ? "string" : "u64"));
        CHECK(counts(library) == counts(fast));
        CHECK(fast["deletes"].get<int>() > 0);
        CHECK(fast["sets"].get<int>() > 0);
        if (!names) {
          // The same keys as strings are the same keys.
          const auto strings = with({"--engine", "library", "--key-type", "string"});
          CHECK(strings["key_type"] == "string");
          CHECK(counts(strings) == counts(fast));
        }
      }
    }
  }
}

TEST_CASE("the engines agree in byte mode on gets, sets and deletes whose sizes change",
          "[sim][engines][bytes]") {
  purecache::test::TempFolder dir;
  const std::string trace = (dir.path() / "sizes.csv").string();
  {
    // Every request draws its own size, so a key's size changes between requests; some objects
    // are larger than the smaller cache.
    std::ofstream out(trace);
    out << "timestamp,key,size,op,ttl\n";
    purecache::test::SplitMix64 random(21);
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t r = random.next();
      const char* op = (r & 15) < 11 ? "get" : ((r & 15) < 14 ? "set" : "delete");
      out << i / 10 << "." << i % 10 << "," << (r >> 8) % 700 << "," << 1 + (r >> 24) % 4000
          << "," << op << "," << (r >> 40) % 30 << "\n";
    }
  }
  for (const auto& kind : purecache::kBackendKinds) {
    if (!kind.bounded || kind.offline) continue;  // offline: no library engine to agree with
    for (const std::string bytes : {"3000", "400000"}) {
      INFO(kind.name << " " << bytes << " bytes");
      std::vector<std::string> args{"--trace",          trace, "--policy", std::string(kind.name),
                                    "--capacity-bytes", bytes, "--ttl",    "2"};
      for (const auto& arg : hash_free(kind.name)) args.push_back(arg);
      auto with = [&](std::vector<std::string> extra) {
        extra.insert(extra.begin(), args.begin(), args.end());
        return report(extra);
      };
      const auto fast = with({"--engine", "fast"});
      const auto library = with({"--engine", "library"});
      CHECK(counts(library) == counts(fast));
      CHECK(library["bytes_missed"] == fast["bytes_missed"]);
      CHECK(fast["evictions"]["capacity"].get<int>() + fast["evictions"]["expired"].get<int>() > 0);
    }
  }
  // The small cache is below many sizes: such objects are never cached, and evict nothing.
}

TEST_CASE("a name after the first batch of numeric keys restarts the replay with string keys",
          "[sim][engines]") {
  purecache::test::TempFolder dir;
  const std::string trace = (dir.path() / "late_name.txt").string();
  {
    std::ofstream out(trace);
    for (int i = 0; i < 6000; ++i) out << (i * 7919) % 1000 << '\n';
    out << "late-name\n7\n";
  }
  const auto library = report({"--trace", trace, "--capacity", "100"});
  const auto fast = report({"--trace", trace, "--capacity", "100", "--engine", "fast"});
  CHECK(library["key_type"] == "string");
  CHECK(counts(library) == counts(fast));
  CHECK(library["requests"] == 6002);

  // Asked for u64 keys, the replay says which key is not a number.
  const Run u64 = sim({"--trace", trace, "--capacity", "100", "--key-type", "u64"});
  CHECK(u64.code == 2);
  CHECK(u64.out.empty());
  CHECK(u64.err == "purecache-sim: error: " + trace +
                       ": request 6001: key 'late-name' is not a number below 10^19 (digits only, "
                       "no leading zero), so the cache cannot use u64 keys; use string keys "
                       "(--key-type string)\n");

  // Input that can be read only once cannot start over: the same message, and no report.
  std::ifstream bytes(trace);
  std::string text((std::istreambuf_iterator<char>(bytes)), std::istreambuf_iterator<char>());
  purecache::test::FifoWriter fifo((dir.path() / "fifo").string(), text);
  REQUIRE(fifo.created());
  const Run piped = sim({"--trace", fifo.path(), "--capacity", "100"});
  CHECK(piped.code == 2);
  CHECK(piped.out.empty());
  CHECK(piped.err.find("request 6001: key 'late-name' is not a number") != std::string::npos);
  const auto as_strings =
      report({"--trace", trace, "--capacity", "100", "--key-type", "string"});
  CHECK(counts(as_strings) == counts(fast));
}

TEST_CASE("the library engine's memory is what an application's backend of that capacity holds",
          "[sim][engines]") {
  // zipf.txt has 8688 distinct numeric keys, so a cache of 1000 ends full.
  const auto r = report({"--trace", kSource + "/traces/zipf.txt", "--capacity", "1000"});
  REQUIRE(r["memory"]["entries"] == 1000);
  auto backend = purecache::make_backend<std::uint64_t, std::uint32_t>(purecache::BackendKind::lru,
                                                                      {.capacity = 1000});
  for (std::uint64_t key = 0; key < 2000; ++key) {
    (void)purecache::sync_wait(backend->set(key, 1));
  }
  const purecache::BackendStats stats = purecache::sync_wait(backend->stats());
  CHECK(r["memory"]["backend_bytes"] == stats.memory.current_bytes);
  CHECK(r["memory"]["index_bytes"] == stats.memory.index_bytes);
  CHECK(r["memory"]["bytes_per_entry"].get<double>() ==
        Approx(static_cast<double>(stats.memory.current_bytes) / 1000));
  // The trace reader's own memory is reported apart and is not in the backend's.
  CHECK(r["memory"]["reader_bytes"].get<std::uint64_t>() > 0);
}

TEST_CASE("engine options are checked", "[sim][engines]") {
  const std::string trace = kSource + "/traces/zipf.txt";
  const Run bogus = sim({"--trace", trace, "--engine", "turbo"});
  CHECK(bogus.code == 2);
  CHECK(bogus.err == "purecache-sim: error: engine must be library or fast, got 'turbo'\n");
  const Run sampled = sim({"--trace", trace, "--engine", "fast", "--lock-sample", "4"});
  CHECK(sampled.code == 2);
  CHECK(sampled.err ==
        "purecache-sim: error: --lock-sample is for the library engine; --engine fast times no "
        "lock\n");
  const Run keyed = sim({"--trace", trace, "--engine", "fast", "--key-type", "u64"});
  CHECK(keyed.code == 2);
  CHECK(keyed.err ==
        "purecache-sim: error: --key-type is for the library engine; --engine fast uses interned "
        "ids\n");
  const Run key_type = sim({"--trace", trace, "--key-type", "int"});
  CHECK(key_type.code == 2);
  CHECK(key_type.err == "purecache-sim: error: key-type must be auto, u64 or string, got 'int'\n");
}
