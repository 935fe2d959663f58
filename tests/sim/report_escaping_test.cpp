// Bytes that are not UTF-8 (paths, keys, values of skipped records) must not stop the report:
// it is escaped (docs/report-schema.md) and stays valid JSON.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "support/json_schema.hpp"
#include "support/sim_run.hpp"
#include "trace/trace_test_support.hpp"

using purecache::sim::run_cli;
using purecache::test::read_text;
using purecache::test::TempDir;
using purecache::test::trace_data;
using purecache::test::write_text;

namespace {

using purecache::test::Run;
using purecache::test::sim;

/// The report of a run that must succeed, parsed, and checked against the documented schema.
nlohmann::json valid_report(const std::vector<std::string>& args) {
  const Run run = sim(args);
  INFO(run.err);
  REQUIRE(run.code == 0);
  REQUIRE(run.err.empty());
  REQUIRE(nlohmann::json::accept(run.out));
  const auto report = nlohmann::json::parse(run.out);
  std::ifstream schema_file(std::string(PURECACHE_SOURCE_DIR) + "/docs/report-schema.json");
  CHECK(purecache::test::schema_violation(report, nlohmann::json::parse(schema_file)) == "");
  return report;
}

}  // namespace

TEST_CASE("a trace path with byte 0xE9 gives a valid report that names it escaped",
          "[sim][report][hostile]") {
  TempDir dir;
  const std::string path = dir.file("caf\xE9 \\ 1.txt");
  write_text(path, "caf\xE9\nna\xEFve\ncaf\xE9\n");  // latin-1 keys, too
  const auto report = valid_report({"--trace", path, "--capacity", "1"});
  CHECK(report["trace"]["path"] == dir.file("caf\\xE9 \\\\ 1.txt"));
  CHECK(report["trace"]["distinct_keys"] == 2);
}

TEST_CASE("latin-1 and cut UTF-8 in skipped records give a valid report",
          "[sim][report][hostile]") {
  TempDir dir;
  const std::string path = dir.file("d\xE9j\xE0.csv");
  write_text(path, read_text(trace_data("csv_hostile_values.csv")));
  const auto report = valid_report({"--trace", path, "--on-error", "skip", "--capacity", "1"});
  const std::string shown = dir.file("d\\xE9j\\xE0.csv");
  CHECK(report["trace"]["path"] == shown);
  CHECK(report["requests"] == 1);
  CHECK(report["errors"]["skipped"] == 5);
  CHECK(
      report["errors"]["first"] ==
      nlohmann::json::array({
          shown + ":3: invalid size 'big\\xE9'",
          shown + ":4: unknown op '" + std::string(39, 'a') + "...' (expected get, set or delete)",
          shown + ":5: invalid size '1\\r2'",
          shown + ":6: unknown op '\\x1B[2Jget' (expected get, set or delete)",
          shown + ":7: unknown op 'back\\\\slash' (expected get, set or delete)",
      }));
}

TEST_CASE("messages stay printable on stderr whatever the trace holds", "[sim][errors][hostile]") {
  TempDir dir;
  const std::string path = dir.file("bell\a.csv");
  write_text(path, "key,size\nk,1\x1B]0;owned\a\n");
  const Run run = sim({"--trace", path});
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(run.err == "purecache-sim: error: " + dir.file("bell\\x07.csv") +
                       ":2: invalid size '1\\x1B]0;owned\\x07'\n");
}
