// purecache-sim compare (docs/compare.md), and what it reads: trace.hash in every report and the
// medians of --repeat.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <tuple>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

namespace {

using nlohmann::json;
using purecache::test::check_rejected;
using purecache::test::quiet_report;
using purecache::test::Run;
using purecache::test::sim;
using purecache::test::TempFolder;
using purecache::test::write_text;

const std::string kData = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/";
const std::string kBase = kData + "compare/base.jsonl";  // lru, lfu x 2, 3 on abacbada.txt, fast
const std::string kGolden = kData + "golden/abacbada.txt";

std::vector<json> base_runs() {
  std::ifstream in(kBase);
  std::vector<json> runs;
  for (std::string line; std::getline(in, line);) runs.push_back(json::parse(line));
  return runs;
}

std::string jsonl(const std::vector<json>& runs) {
  std::string text;
  for (const json& run : runs) text += run.dump() + "\n";
  return text;
}

/// compare of kBase against `runs` written to a file, with `options`.
Run compare_with(const TempFolder& dir, const std::vector<json>& runs,
                 const std::vector<std::string>& options = {}) {
  const std::string file = dir.file("new.jsonl");
  write_text(file, jsonl(runs));
  std::vector<std::string> args{"compare", kBase, file};
  args.insert(args.end(), options.begin(), options.end());
  return sim(args);
}

/// A library-engine report of the golden trace, with lock holds.
json library_report() {
  return quiet_report({"--policy", "lru", "--capacity", "2", "--trace", kGolden});
}

}  // namespace

TEST_CASE("compare matches runs by identity, whatever their order and files", "[sim][compare]") {
  const TempFolder dir;
  std::vector<json> runs = base_runs();
  REQUIRE(runs.size() == 4);
  // A directory of two files, the runs in another order, another path to the same trace.
  for (json& run : runs) run["trace"]["path"] = "elsewhere/abacbada.txt";
  write_text(dir.file("b.jsonl"), jsonl({runs[3], runs[0]}));
  write_text(dir.file("a.json"), runs[2].dump(2));  // one indented report
  write_text(dir.file("c.jsonl"), jsonl({runs[1]}));
  write_text(dir.file("notes.txt"), "not read");
  const Run run = sim({"compare", kBase, dir.path().string()});
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out.empty());
  CHECK(run.err.find("compare: 4 runs compared, 0 regressed\n") != std::string::npos);
  CHECK(run.err.find("lfu capacity 3, fast, tests/data/golden/abacbada.txt  ok") !=
        std::string::npos);
}

TEST_CASE("each compare gate passes at its threshold and fails just beyond it",
          "[sim][compare]") {
  const TempFolder dir;
  struct Case {
    std::string field;  // "hit_ratio", "memory.bytes_per_entry", "throughput.requests_per_second"
    double inside;      // new value as a multiple of base (or base + this for hit_ratio)
    double outside;
    std::vector<std::string> options;
  };
  const std::vector<Case> cases{
      {"hit_ratio", -0.001, -0.0011, {}},
      {"hit_ratio", 0, -0.000001, {"--max-hit-ratio-drop", "0"}},
      {"memory.bytes_per_entry", 1.05, 1.0501, {}},
      {"memory.bytes_per_entry", 1.0, 1.0001, {"--max-bytes-per-entry-increase", "0"}},
      {"throughput.requests_per_second", 0.9, 0.8999, {"--max-throughput-drop", "10%"}},
  };
  for (const Case& c : cases) {
    INFO(c.field << " " << (c.options.empty() ? "default" : c.options.back()));
    for (const bool inside : {true, false}) {
      std::vector<json> runs = base_runs();
      const std::string object = c.field.substr(0, c.field.find('.'));
      json& value = c.field.find('.') == std::string::npos
                        ? runs[1][c.field]
                        : runs[1][object][c.field.substr(c.field.find('.') + 1)];
      const double base = value.get<double>();
      const double factor = inside ? c.inside : c.outside;
      value = c.field == "hit_ratio" ? base + factor : base * factor;
      const Run run = compare_with(dir, runs, c.options);
      INFO(run.err);
      CHECK(run.code == (inside ? 0 : 1));
      CHECK(run.err.find(inside ? "0 regressed" : "1 regressed") != std::string::npos);
    }
  }
  // Absolute forms, and the p99 lock hold of the library engine.
  json base = library_report();
  base["lock_hold_ns"]["p99"] = 100;
  base["memory"]["bytes_per_entry"] = 72.0;
  write_text(dir.file("base.json"), base.dump());
  for (const auto& [p99, bytes, code] : {std::tuple{120, 80.0, 0}, std::tuple{121, 80.0, 1},
                                         std::tuple{120, 80.01, 1}}) {
    json next = base;
    next["lock_hold_ns"]["p99"] = p99;
    next["memory"]["bytes_per_entry"] = bytes;
    write_text(dir.file("new.json"), next.dump());
    const Run run = sim({"compare", dir.file("base.json"), dir.file("new.json"),
                         "--max-p99-lock-hold-increase", "20%", "--max-bytes-per-entry-increase",
                         "8"});
    INFO(run.err);
    CHECK(run.code == code);
  }
}

TEST_CASE("compare --exact fails on any change in counts or memory, better or worse",
          "[sim][compare]") {
  const TempFolder dir;
  {
    const Run run = compare_with(dir, base_runs(), {"--exact"});
    INFO(run.err);
    CHECK(run.code == 0);
    CHECK(run.err.find("ok: unchanged") != std::string::npos);
  }
  struct Change {
    std::string object;  // "" for a top-level field
    std::string field;
    double by;
  };
  for (const Change& c : {Change{"", "misses", -1}, Change{"", "hit_ratio", 0.001},
                          Change{"evictions", "capacity", 1},
                          Change{"memory", "bytes_per_entry", -0.5}}) {
    INFO(c.object << "." << c.field);
    std::vector<json> runs = base_runs();
    json& value = c.object.empty() ? runs[2][c.field] : runs[2][c.object][c.field];
    if (value.is_number_integer()) {
      value = value.get<std::int64_t>() + static_cast<std::int64_t>(c.by);
    } else {
      value = value.get<double>() + c.by;
    }
    const Run run = compare_with(dir, runs, {"--exact"});
    INFO(run.err);
    CHECK(run.code == 1);
    CHECK(run.err.find("FAIL: changed (--exact)") != std::string::npos);
    CHECK(run.err.find("1 regressed") != std::string::npos);
    // Without --exact, an improvement passes.
    if (c.by < 0 && c.field != "hit_ratio") CHECK(compare_with(dir, runs).code == 0);
  }
  // Throughput is printed, not pinned: it changes from run to run.
  std::vector<json> runs = base_runs();
  runs[0]["throughput"]["requests_per_second"] = 1.0;
  CHECK(compare_with(dir, runs, {"--exact"}).code == 0);
}

// A changed configuration is judged by its results.
TEST_CASE("compare --match pairs runs on the fields named only", "[sim][compare]") {
  const TempFolder dir;
  const std::string golden_lru = dir.file("lru2.json");
  write_text(golden_lru, quiet_report({"--policy", "lru", "--capacity", "2", "--engine", "fast",
                                       "--trace", kGolden})
                             .dump());
  const auto with_capacity = [&](const char* capacity) {
    const std::string file = dir.file(std::string("lru") + capacity + "-new.json");
    write_text(file, quiet_report({"--policy", "lru", "--capacity", capacity, "--engine", "fast",
                                   "--trace", kGolden})
                         .dump());
    return file;
  };
  // Another capacity is another run: without --match the runs do not match up.
  const std::string smaller = with_capacity("1");
  CHECK(sim({"compare", golden_lru, smaller}).code == 2);
  // Paired on trace and engine, the smaller cache is a regression, the larger one is not.
  const Run worse = sim({"compare", golden_lru, smaller, "--match", "trace,engine"});
  INFO(worse.err);
  CHECK(worse.code == 1);
  CHECK(worse.err.find("lru capacity 2, fast, ") != std::string::npos);
  CHECK(worse.err.find(" -> lru capacity 1, fast, ") != std::string::npos);
  CHECK(sim({"compare", golden_lru, with_capacity("3"), "--match", "trace,engine",
             "--max-bytes-per-entry-increase", "off"})
            .code == 0);
  // Another trace still does not match.
  write_text(dir.file("other.txt"), "1\n2\n1\n");
  write_text(dir.file("other.json"), quiet_report({"--policy", "lru", "--capacity", "2",
                                                   "--engine", "fast", "--trace",
                                                   dir.file("other.txt")})
                                         .dump());
  CHECK(sim({"compare", golden_lru, dir.file("other.json"), "--match", "trace,engine"}).code == 2);
  // Two runs that the fields named cannot tell apart are refused, and so is an unknown field.
  const Run ambiguous = sim({"compare", kBase, kBase, "--match", "trace"});
  CHECK(ambiguous.code == 2);
  CHECK(ambiguous.err.find("or --match more fields") != std::string::npos);
  const Run unknown = sim({"compare", kBase, kBase, "--match", "trace,size"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("match must be a comma-separated list of trace,engine,") !=
        std::string::npos);
}

TEST_CASE("improvements never fail compare, however tight the gates", "[sim][compare]") {
  const TempFolder dir;
  std::vector<json> runs = base_runs();
  for (json& run : runs) {
    run["hit_ratio"] = run["hit_ratio"].get<double>() + 0.1;
    run["misses"] = run["misses"].get<int>() - 1;
    run["memory"]["bytes_per_entry"] = run["memory"]["bytes_per_entry"].get<double>() / 2;
    run["throughput"]["requests_per_second"] =
        run["throughput"]["requests_per_second"].get<double>() * 2;
  }
  const Run run = compare_with(dir, runs,
                               {"--max-hit-ratio-drop", "0", "--max-bytes-per-entry-increase", "0",
                                "--max-throughput-drop", "0%", "--max-p99-lock-hold-increase", "0"});
  INFO(run.err);
  CHECK(run.code == 0);
}

TEST_CASE("compare lists missing and extra runs and exits 2", "[sim][compare]") {
  const TempFolder dir;
  std::vector<json> runs = base_runs();
  runs.erase(runs.begin() + 2);           // lfu capacity 2: missing from NEW
  runs[0]["policy"]["capacity"] = 5;      // lru capacity 2 missing, lru capacity 5 extra
  runs[1]["hit_ratio"] = 0.0;             // a regression too: the mismatch decides the code
  const Run run = compare_with(dir, runs);
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(run.err.find("missing from NEW: lru capacity 2, fast, tests/data/golden/abacbada.txt "
                     "(trace hash d1815154abd95a24), " + kBase + ":1\n") != std::string::npos);
  CHECK(run.err.find("missing from NEW: lfu capacity 2, fast") != std::string::npos);
  CHECK(run.err.find("not in BASE: lru capacity 5, fast, tests/data/golden/abacbada.txt (trace "
                     "hash d1815154abd95a24), " + dir.file("new.jsonl") + ":1\n") !=
        std::string::npos);
  CHECK(run.err.find("purecache-sim: error: the runs of " + kBase + " and " +
                     dir.file("new.jsonl") +
                     " do not match up: 2 missing from NEW, 1 not in BASE (listed above)\n") !=
        std::string::npos);
}

TEST_CASE("compare refuses inputs that are not purecache-sim reports, naming file and line",
          "[sim][compare]") {
  const TempFolder dir;
  const std::string bad = kData + "compare/bad/";
  check_rejected({"compare", kBase, bad + "not_ours.json"},
                 bad + "not_ours.json:1: not a purecache-sim report (no tool.name "
                       "\"purecache-sim\")");
  check_rejected({"compare", bad + "malformed.jsonl", kBase},
                 bad + "malformed.jsonl:2: not JSON");
  // An indented report broken further down: the line the parser stopped at.
  std::string indented = base_runs()[0].dump(2);
  indented.replace(indented.find("\"hits\""), 6, "hits");
  write_text(dir.file("broken.json"), indented);
  const std::size_t hits_line =
      1 + static_cast<std::size_t>(std::count(
              indented.begin(),
              indented.begin() + static_cast<std::ptrdiff_t>(indented.find("hits")), '\n'));
  check_rejected({"compare", kBase, dir.file("broken.json")},
                 dir.file("broken.json") + ":" + std::to_string(hits_line) + ": not JSON");
  // A plan is ours but not a replay report; the same run twice on one side is ambiguous.
  write_text(dir.file("plan.json"),
             R"({"schema_version": 2, "tool": {"name": "purecache-sim"}, "kind": "plan"})");
  check_rejected({"compare", kBase, dir.file("plan.json")},
                 dir.file("plan.json") + ":1: a purecache-sim plan, not a replay report");
  std::vector<json> runs = base_runs();
  runs.push_back(runs[0]);
  write_text(dir.file("twice.jsonl"), jsonl(runs));
  check_rejected({"compare", kBase, dir.file("twice.jsonl")},
                 dir.file("twice.jsonl") + ":5: the same run as " + dir.file("twice.jsonl") +
                     ":1 (lru capacity 2, fast, tests/data/golden/abacbada.txt); keep one "
                     "report per run on each side");
  write_text(dir.file("empty.jsonl"), "\n");
  check_rejected({"compare", kBase, dir.file("empty.jsonl")},
                 dir.file("empty.jsonl") + ": has no reports");
  runs = base_runs();
  runs[1].erase("hit_ratio");
  write_text(dir.file("short.jsonl"), jsonl(runs));
  check_rejected({"compare", kBase, dir.file("short.jsonl")},
                 dir.file("short.jsonl") + ":2: field hit_ratio is missing or not a number");
}

TEST_CASE("compare writes json and markdown with every matched run", "[sim][compare]") {
  const TempFolder dir;
  std::vector<json> runs = base_runs();
  runs[3]["hit_ratio"] = 0.25;  // lfu capacity 3: 0.5 -> 0.25
  const Run as_json = compare_with(dir, runs, {"--format", "json"});
  CHECK(as_json.code == 1);
  const json out = json::parse(as_json.out);
  CHECK(out["kind"] == "compare");
  CHECK(out["verdict"] == "regression");
  CHECK(out["exit_code"] == 1);
  REQUIRE(out["runs"].size() == 4);
  CHECK(out["runs"][3]["label"] == "lfu capacity 3, fast, tests/data/golden/abacbada.txt");
  CHECK(out["runs"][3]["regression"] == true);
  CHECK(out["runs"][3]["metrics"]["hit_ratio"]["base"] == 0.5);
  CHECK(out["runs"][3]["metrics"]["hit_ratio"]["delta"] == -0.25);
  CHECK(out["runs"][3]["metrics"]["hit_ratio"]["passed"] == false);
  CHECK(out["runs"][0]["regression"] == false);
  CHECK(out["gates"]["hit_ratio_drop"]["max"] == 0.001);
  CHECK(out["gates"]["throughput_drop"].is_null());
  CHECK(out["missing"].empty());
  CHECK(as_json.err.find("REGRESSION") != std::string::npos);  // the table, for the log

  const std::string comment = dir.file("comment.md");
  const Run as_markdown = compare_with(dir, runs, {"--format", "markdown", "-o", comment});
  CHECK(as_markdown.code == 1);
  CHECK(as_markdown.out.empty());
  const std::string markdown = purecache::test::read_text(comment);
  CHECK(markdown.rfind("### purecache-sim compare: regression\n", 0) == 0);
  CHECK(markdown.find("| run | metric | base | new | delta | gate |\n") != std::string::npos);
  for (const char* label : {"lru capacity 2", "lru capacity 3", "lfu capacity 2", "lfu capacity 3"}) {
    CHECK(markdown.find(std::string("| ") + label + ", fast, tests/data/golden/abacbada.txt | "
                                                    "hit ratio |") != std::string::npos);
  }
  CHECK(markdown.find("| **FAIL: drop <= 0.001** |") != std::string::npos);
  CHECK(dir.names() == std::vector<std::string>{"comment.md", "new.jsonl"});  // no temporary

  check_rejected({"compare", kBase, dir.file("new.jsonl"), "-o", dir.file("new.jsonl")},
                 "--output " + dir.file("new.jsonl") + " is the input " + dir.file("new.jsonl") +
                     ": the comparison would overwrite it");
}

TEST_CASE("speed gates on runs measured once warn and still apply", "[sim][compare]") {
  const TempFolder dir;
  std::vector<json> runs = base_runs();
  runs[0]["throughput"]["requests_per_second"] =
      runs[0]["throughput"]["requests_per_second"].get<double>() / 2;
  const Run run = compare_with(dir, runs, {"--max-throughput-drop", "10%"});
  CHECK(run.code == 1);
  CHECK(run.err.find("purecache-sim: warning: --max-throughput-drop gates 4 runs measured once "
                     "(throughput.repeat 1) on at least one side") != std::string::npos);
  // Repeated on both sides: no warning.
  std::vector<json> base = base_runs();
  for (std::vector<json>* side : {&base, &runs}) {
    for (json& r : *side) r["throughput"]["repeat"] = 5;
  }
  write_text(dir.file("base.jsonl"), jsonl(base));
  write_text(dir.file("new.jsonl"), jsonl(runs));
  const Run repeated = sim({"compare", dir.file("base.jsonl"), dir.file("new.jsonl"),
                            "--max-throughput-drop", "10%"});
  CHECK(repeated.code == 1);
  CHECK(repeated.err.find("warning") == std::string::npos);
}

TEST_CASE("every report carries trace.hash: the sweep's, whatever the path or compression",
          "[sim][compare][trace-hash]") {
  const json single = quiet_report({"--engine", "fast", "--capacity", "2", "--trace", kGolden});
  const json library = library_report();
  CHECK(single["trace"]["hash"] == "d1815154abd95a24");
  CHECK(library["trace"]["hash"] == "d1815154abd95a24");
  CHECK(base_runs()[0]["trace"]["hash"] == "d1815154abd95a24");  // a sweep's line
  // The same requests in csv hash alike; percentages read the trace first, and hash the same.
  CHECK(quiet_report({"--capacity", "50%", "--trace", kData + "golden/abacbada.csv"})["trace"]
                    ["hash"] == "d1815154abd95a24");
}

TEST_CASE("a replay repeated K times counts alike and reports the medians",
          "[sim][compare][repeat]") {
  const json once = library_report();
  const json thrice =
      quiet_report({"--policy", "lru", "--capacity", "2", "--trace", kGolden, "--repeat", "3"});
  for (const char* count : {"requests", "gets", "hits", "misses", "fills"}) {
    CHECK(thrice[count] == once[count]);
  }
  CHECK(thrice["memory"]["backend_bytes"] == once["memory"]["backend_bytes"]);
  CHECK(once["throughput"]["repeat"] == 1);
  CHECK(once["throughput"]["runs_requests_per_second"].size() == 1);
  CHECK(thrice["throughput"]["repeat"] == 3);
  std::vector<double> rates = thrice["throughput"]["runs_requests_per_second"];
  REQUIRE(rates.size() == 3);
  std::sort(rates.begin(), rates.end());
  CHECK(thrice["throughput"]["requests_per_second"].get<double>() == Approx(rates[1]));
  CHECK(thrice["lock_hold_ns"]["count"] == once["lock_hold_ns"]["count"]);

  const Run sweep = sim({"sweep", "--trace", kGolden, "--policies", "lru,lfu", "--capacities",
                         "2,3", "-j", "1", "--repeat", "2"});
  REQUIRE(sweep.code == 0);
  std::istringstream lines(sweep.out);
  std::vector<json> base = base_runs();
  std::size_t index = 0;
  for (std::string line; std::getline(lines, line); ++index) {
    const json run = json::parse(line);
    REQUIRE(index < base.size());
    CHECK(run["throughput"]["repeat"] == 2);
    CHECK(run["throughput"]["runs_requests_per_second"].size() == 2);
    CHECK(run["misses"] == base[index]["misses"]);
    CHECK(run["sweep"]["id"] == base[index]["sweep"]["id"]);  // repeats do not change the sweep
  }
  CHECK(index == 4);
}
