#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "support/json_schema.hpp"
#include "support/sim_run.hpp"

using purecache::kBackendKinds;
using purecache::sim::run_cli;

namespace {

const std::string kData = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/";
const std::string kGolden = kData + "golden/";

using purecache::test::Run;
using purecache::test::sim;

nlohmann::json report(const std::vector<std::string>& args) {
  return purecache::test::quiet_report(args);
}

using purecache::test::check_rejected;

}  // namespace

TEST_CASE("golden: a b a c b a d a through each policy in every format", "[sim][golden]") {
  // Worked by hand in docs/replay-semantics.md terms, capacity 2:
  // LRU hits a(3), a(8): 2 hits, 6 misses, 4 evictions.
  // LFU keeps a (frequency 2+) and evicts b, c, b: 3 hits (a at 3, 6, 8), 5 misses, 3 evictions.
  // TTL with a long TTL never forgets: 4 first-access misses, 4 hits.
  // FIFO: a(3) and b(5) hit; c evicts a, a evicts b, d evicts c, a(8) hits: 3 hits, 3 evictions.
  // CLOCK: a(3) sets a's bit; c moves a to the head and evicts b; then b, a, d evict a, c, b
  // (bits clear): a(3), a(8) hit, 4 evictions.
  // SIEVE: a(3) marks a; c clears a, evicts b; b, a, d evict a, c, b: a(3), a(8), 4 evictions.
  // S3-FIFO admits only keys lighter than its small queue, floor(10% of 2) = 0: caches nothing
  // (libCacheSim likewise misses all 8).
  // ARC: c evicts b into B1; b (ghost hit, p = 1) evicts a from T2 into B2; a (ghost hit, p = 0)
  // evicts c into B1; d evicts b from T2; a hits at 3 and 8: 2 hits, 6 misses, 4 evictions.
  struct Expected {
    std::string policy;
    int hits;
    int misses;
    int evictions;
  };
  // Every registered policy runs: a new one fails here until its counts are worked out above.
  const std::vector<Expected> expectations{
      {"lru", 2, 6, 4}, {"lfu", 3, 5, 3}, {"ttl", 4, 4, 0}, {"lru-ttl", 2, 6, 4},
      {"fifo", 3, 5, 3},   {"clock", 2, 6, 4},     {"sieve", 2, 6, 4},
      {"s3fifo", 0, 8, 0}, {"arc", 2, 6, 4},
      // W-TinyLFU at 2 (every limit at least 1): recorded from the replay, which agrees in every
      // format and both engines; libCacheSim caches nothing below 100 entries, so it cannot check
      // this size.
      {"wtinylfu", 2, 6, 4},
      {"belady", 3, 5, 3}};
  const std::vector<std::string> files{"abacbada.txt", "abacbada.csv", "abacbada.oracleGeneral.bin",
                                       "abacbada.twitter.csv"};
  for (const auto& row : kBackendKinds) {
    const auto e = std::find_if(expectations.begin(), expectations.end(),
                                [&](const Expected& x) { return x.policy == row.name; });
    INFO(row.name);
    REQUIRE(e != expectations.end());
    for (const auto& file : files) {
      for (const std::string engine : {"library", "fast"}) {
        if (row.offline && engine == "library") continue;  // refused: see errors_doc_test
        INFO(file << ", engine " << engine);
        const auto r = report({"--policy", e->policy, "--capacity", "2", "--ttl", "3600",
                               "--engine", engine, "--trace", kGolden + file});
        CHECK(r["engine"] == engine);
        CHECK(r["requests"] == 8);
        CHECK(r["gets"] == 8);
        CHECK(r["hits"] == e->hits);
        CHECK(r["misses"] == e->misses);
        CHECK(r["fills"] == e->misses);
        CHECK(r["evictions"]["capacity"] == e->evictions);
        CHECK(r["evictions"]["expired"] == 0);
        CHECK(r["trace"]["distinct_keys"] == 4);
        CHECK(r["hit_ratio"].get<double>() == Approx(e->hits / 8.0));
        if (e->hits == 0 && e->evictions == 0) {
          CHECK(r["memory"]["entries"] == 0);  // a policy that kept nothing
        } else if (engine == "fast") {
          CHECK(r["key_type"] == "interned");
          CHECK(r["memory"]["scope"] == "simulator");
          if (row.offline) {
            // Belady counting entries knows a cached key by its next access: no key index.
            CHECK(r["memory"]["index_bytes"] == 0);
            CHECK(r["memory"]["simulator_bytes"] > 0);
          } else {
            // An entry number per interned key, in one index (ARC's and S3-FIFO's ghosts too).
            CHECK(r["memory"]["index_bytes"] == 4 * 4);
            CHECK(r["memory"]["simulator_bytes"] > r["memory"]["index_bytes"]);
          }
          CHECK(r["lock_hold_ns"].is_null());
        } else {
          // a, b, c, d are names, not numbers, except in oracleGeneral, whose ids are numbers.
          const bool numeric = file.find("oracleGeneral") != std::string::npos;
          CHECK(r["key_type"] == (numeric ? "u64" : "string"));
          CHECK(r["memory"]["scope"] == "backend");
          CHECK(r["memory"]["backend_bytes"] > r["memory"]["index_bytes"]);
          CHECK(r["memory"]["index_bytes"] > 0);
          CHECK(r["lock_hold_ns"]["count"] >= 8);  // every hold is timed on a trace this short
        }
      }
    }
  }
  CHECK(expectations.size() == kBackendKinds.size());  // no expectation for a removed policy
}

TEST_CASE("golden: entries expire at exactly set time + ttl on the trace's clock",
          "[sim][golden][ttl]") {
  // ttl 10, trace times 0 a, 5 a, 9 b, 10 a, 15 b, 19 b, 25 a:
  // ttl:     a miss, a hit, b miss, a miss (expired at 10), b hit, b miss (expired at 19), a miss.
  // lru-ttl (capacity 1): a miss, a hit, b miss (evicts live a), a miss (evicts live b),
  //          b miss (evicts live a), b hit, a miss (evicts b, expired at 25).
  const std::string trace = kGolden + "ttl_timeline.csv";
  const auto ttl = report({"--policy", "ttl", "--ttl", "10", "--trace", trace});
  CHECK(ttl["hits"] == 2);
  CHECK(ttl["misses"] == 5);
  CHECK(ttl["evictions"]["expired"] == 3);
  CHECK(ttl["evictions"]["capacity"] == 0);
  CHECK(ttl["policy"]["capacity"].is_null());
  CHECK(ttl["replay"]["clock"] == "trace");

  const auto lru_ttl =
      report({"--policy", "lru-ttl", "--capacity", "1", "--ttl", "10", "--trace", trace});
  CHECK(lru_ttl["hits"] == 2);
  CHECK(lru_ttl["misses"] == 5);
  CHECK(lru_ttl["evictions"]["capacity"] == 3);
  CHECK(lru_ttl["evictions"]["expired"] == 1);
}

TEST_CASE("the synthetic clock advances 1/rate seconds per request", "[sim][golden][ttl]") {
  // a b a c b a d a at 1 request per second with ttl 2 s: every repeat is >= 2 s later, so
  // nothing ever hits.
  const auto slow =
      report({"--policy", "ttl", "--ttl", "2", "--rate", "1", "--trace", kGolden + "abacbada.txt"});
  CHECK(slow["hits"] == 0);
  CHECK(slow["replay"]["clock"] == "synthetic");
  // At 1000 requests per second the same TTL outlives the whole trace.
  const auto fast = report({"--policy", "ttl", "--ttl", "2", "--trace", kGolden + "abacbada.txt"});
  CHECK(fast["hits"] == 4);
}

TEST_CASE("warm-up requests are replayed but not counted", "[sim][golden]") {
  // LRU capacity 2, first 3 requests (a b a) as warm-up: then c miss, b miss, a miss, d miss, a
  // hit.
  const auto r = report(
      {"--policy", "lru", "--capacity", "2", "--warmup", "3", "--trace", kGolden + "abacbada.txt"});
  CHECK(r["requests"] == 5);
  CHECK(r["hits"] == 1);
  CHECK(r["misses"] == 4);
  CHECK(r["evictions"]["capacity"] == 4);
  CHECK(r["replay"]["warmup_requests"] == 3);
  CHECK(r["trace"]["requests"] == 8);
}

TEST_CASE("without demand fill nothing is ever inserted", "[sim][golden]") {
  const auto r = report(
      {"--policy", "lru", "--capacity", "2", "--no-fill", "--trace", kGolden + "abacbada.txt"});
  CHECK(r["hits"] == 0);
  CHECK(r["fills"] == 0);
  CHECK(r["memory"]["entries"] == 0);
}

TEST_CASE("a percentage capacity is a share of the distinct keys", "[sim]") {
  // 4 distinct keys: 50% is 2 entries, and 1% rounds down to the minimum of 1.
  CHECK(report({"--capacity", "50%", "--trace", kGolden + "abacbada.txt"})["policy"]["capacity"] ==
        2);
  CHECK(report({"--capacity", "1%", "--trace", kGolden + "abacbada.txt"})["policy"]["capacity"] ==
        1);
}

TEST_CASE("the report validates against the documented schema", "[sim][report]") {
  std::ifstream file(std::string(PURECACHE_SOURCE_DIR) + "/docs/report-schema.json");
  const auto schema = nlohmann::json::parse(file);
  for (const auto& row : kBackendKinds) {
    for (const std::string engine : {"library", "fast"}) {
      if (row.offline && engine == "library") continue;
      INFO(row.name << ", engine " << engine);
      const auto r = report({"--policy", std::string(row.name), "--ttl", "5", "--engine", engine,
                             "--trace", kGolden + "abacbada.oracleGeneral.bin"});
      CHECK(r["policy"]["name"] == row.name);
      CHECK(purecache::test::schema_violation(r, schema) == "");
    }
  }
  auto broken = report({"--trace", kGolden + "abacbada.txt"});
  broken.erase("hits");
  CHECK(purecache::test::schema_violation(broken, schema) == "$: missing hits");
  // A fast-engine report may not pass its simulator's memory off as a backend's.
  auto relabelled = report({"--engine", "fast", "--trace", kGolden + "abacbada.txt"});
  relabelled["memory"]["scope"] = "backend";
  CHECK(purecache::test::schema_violation(relabelled, schema).find("matches no alternative") !=
        std::string::npos);
}

TEST_CASE("identical input gives identical counts", "[sim]") {
  const std::string trace = std::string(PURECACHE_SOURCE_DIR) + "/traces/zipf.txt";
  auto first = report({"--policy", "lfu", "--trace", trace});
  auto second = report({"--policy", "lfu", "--trace", trace});
  for (auto* r : {&first, &second}) {
    r->erase("lock_hold_ns");
    r->erase("lock_wait_ns");
    r->erase("throughput");
    (*r)["memory"].erase("peak_rss_bytes");
  }
  CHECK(first == second);
}

TEST_CASE("the report goes to the --output file, and --jsonl appends one line per run", "[sim]") {
  const auto path = std::filesystem::temp_directory_path() / "purecache_cli_output_test.jsonl";
  std::filesystem::remove(path);
  for (int i = 0; i < 2; ++i) {
    const Run run =
        sim({"--jsonl", "--output", path.string(), "--trace", kGolden + "abacbada.txt"});
    CHECK(run.code == 0);
    CHECK(run.out.empty());
  }
  std::ifstream file(path);
  std::string line;
  int lines = 0;
  while (std::getline(file, line)) {
    CHECK(nlohmann::json::parse(line)["complete"] == true);
    ++lines;
  }
  CHECK(lines == 2);
  std::filesystem::remove(path);
}

TEST_CASE("a terminal gets the report pretty-printed, unless --jsonl, and short runs draw no progress",
          "[sim]") {
  const std::vector<std::string> args = {"--trace", kGolden + "abacbada.txt"};
  std::ostringstream out;
  std::ostringstream err;
  const purecache::sim::CliStreams terminal{
      .out = out, .err = err, .out_is_terminal = true, .err_is_terminal = true};
  REQUIRE(run_cli(args, terminal) == 0);
  CHECK(err.str().empty());  // the progress bar waits half a second before drawing
  const std::string pretty = out.str();
  CHECK(pretty.find("\n  \"") != std::string::npos);  // two-space indented members
  const auto misses = nlohmann::json::parse(pretty)["misses"];
  CHECK(misses.is_number());
  CHECK(misses == nlohmann::json::parse(sim(args).out)["misses"]);
  const std::string piped = sim(args).out;
  CHECK(piped.find('\n') == piped.size() - 1);  // a pipe gets one line

  out.str("");
  std::vector<std::string> jsonl = args;
  jsonl.push_back("--jsonl");
  REQUIRE(run_cli(jsonl, terminal) == 0);
  CHECK(out.str().find('\n') == out.str().size() - 1);
}

TEST_CASE("lock holds are all timed on a small trace unless --lock-sample says otherwise",
          "[sim]") {
  const auto all = report({"--capacity", "2", "--trace", kGolden + "abacbada.txt"});
  CHECK(all["lock_hold_ns"]["sampled_every"] == 1);
  CHECK(all["lock_hold_ns"]["count"] == 8 + 6);  // 8 gets and 6 demand fills
  const auto some =
      report({"--capacity", "2", "--lock-sample", "4", "--trace", kGolden + "abacbada.txt"});
  CHECK(some["lock_hold_ns"]["sampled_every"] == 4);
  CHECK(some["lock_hold_ns"]["count"] == 4);  // holds 1, 5, 9 and 13 of 14
}

TEST_CASE("help and version go to stdout and exit 0", "[sim]") {
  const Run help = sim({"--help"});
  CHECK(help.code == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:") && Catch::Contains("Exit codes:"));
  std::string expiring;
  for (const auto& row : kBackendKinds) {
    CHECK_THAT(help.out, Catch::Contains(std::string(row.name) + ": " + std::string(row.summary)));
    if (row.expiring) expiring += (expiring.empty() ? "" : ", ") + std::string(row.name);
  }
  CHECK_THAT(help.out, Catch::Contains("without their own (" + expiring + ")"));
  const Run version = sim({"--version"});
  CHECK(version.code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("purecache-sim "));
}

TEST_CASE("bad input: a clear one-line error, exit 2, nothing on stdout", "[sim][errors]") {
  const std::string good = kGolden + "abacbada.txt";
  check_rejected({"--policy", "nosuch", "--trace", good},
                 "policy must be one of " + purecache::backend_kind_names() + ", got 'nosuch'");
  check_rejected({"--format", "xml", "--trace", good},
                 "format must be one of auto, text, csv, oracle-general, twitter, got 'xml'");
  check_rejected({"--capacity", "0", "--trace", good}, "capacity must be >= 1, got '0'");
  check_rejected(
      {"--capacity", "lots", "--trace", good},
      "capacity must be a positive number of entries or a percentage like 10%, got 'lots'");
  check_rejected({"--capacity", "150%", "--trace", good},
                 "capacity percentage must be in (0, 100], got '150%'");
  check_rejected({"--policy", "ttl", "--trace", good},
                 "policy 'ttl' needs --ttl SECONDS, the TTL of requests without their own");
  check_rejected({"--on-error", "ignore", "--trace", good},
                 "on-error must be fail or skip, got 'ignore'");
  check_rejected({"--trace", kData + "does-not-exist.txt"},
                 kData + "does-not-exist.txt: cannot open: No such file or directory");
  check_rejected({"--trace", kGolden}, kGolden + ": is a directory");
  check_rejected({"--warmup", "8", "--trace", good},
                 "warmup must be below the trace's 8 requests, got '8'");
  check_rejected({}, "--trace is required (see --help)");
}

TEST_CASE("bad trace content: the message names file and line or record, exit 2", "[sim][errors]") {
  const std::string dir = kData + "trace/";
  check_rejected({"--trace", dir + "csv_wrong_field_count.csv"},
                 dir + "csv_wrong_field_count.csv:3: expected 5 fields, got 3");
  check_rejected(
      {"--trace", dir + "oracle_truncated.oracleGeneral.bin"},
      dir + "oracle_truncated.oracleGeneral.bin:record 3: truncated record: 10 of 24 bytes");
  check_rejected({"--trace", dir + "empty.txt"}, dir + "empty.txt: trace is empty");
  check_rejected({"--trace", dir + "csv_header_only.csv"},
                 dir + "csv_header_only.csv: trace has no requests");
  check_rejected({"--trace", dir + "csv_unknown_op.csv"},
                 dir + "csv_unknown_op.csv:2: unknown op 'read' (expected get, set or delete)");
  check_rejected({"--trace", dir + "corrupt.txt.zst"},
                 dir + "corrupt.txt.zst: corrupt zstd data: Unknown frame descriptor");
  // A percentage capacity reads the trace first: the error is the same.
  check_rejected({"--capacity", "10%", "--trace", dir + "csv_wrong_field_count.csv"},
                 dir + "csv_wrong_field_count.csv:3: expected 5 fields, got 3");
}

TEST_CASE("in skip mode the good records replay and the bad ones are reported", "[sim][errors]") {
  const std::string trace = kData + "trace/csv_many_bad_rows.csv";
  const auto r = report({"--on-error", "skip", "--capacity", "10", "--trace", trace});
  CHECK(r["errors"]["skipped"] == 7);
  CHECK(r["requests"] == 3);
  REQUIRE(r["errors"]["first"].size() == 5);
  CHECK(r["errors"]["first"][0] == trace + ":2: invalid size 'a'");
  CHECK(r["errors"]["first"][4] == trace + ":7: expected 2 fields, got 3");
}

TEST_CASE("the README's example report shows the counts purecache-sim gives", "[sim][docs]") {
  std::ifstream file(std::string(PURECACHE_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::string readme = text.str();
  const auto number_after = [&](const std::string& field) {
    const std::size_t at = readme.find("\"" + field + "\": ");
    REQUIRE(at != std::string::npos);
    return std::stoull(readme.substr(at + field.size() + 4));
  };
  const nlohmann::json got =
      report({"--policy", "lru", "--capacity", "5%", "--trace",
              std::string(PURECACHE_SOURCE_DIR) + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst"});
  CHECK(got["hits"] == number_after("hits"));
  CHECK(got["misses"] == number_after("misses"));
  CHECK(got["policy"]["capacity"] == number_after("capacity"));
}
