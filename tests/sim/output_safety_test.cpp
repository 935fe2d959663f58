// What purecache-sim writes, and what it must never write over: the trace, a half report, a
// file for a run that produced no report. In-process through run_cli; the real binary's
// descriptors and limits are in output_process_test.cpp.

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

using purecache::sim::run_cli;
using purecache::test::read_text;
using purecache::test::TempFolder;
using purecache::test::write_text;

namespace {

const std::string kGolden = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/";

using purecache::test::Run;
using purecache::test::sim;

// Fails every write as write(2) does on a full disk, errno included.
class FullDiskBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override {
    errno = ENOSPC;
    return traits_type::eof();
  }
  std::streamsize xsputn(const char*, std::streamsize) override {
    errno = ENOSPC;
    return 0;
  }
};

}  // namespace

TEST_CASE("the report is never written over the trace, by name, link or --jsonl", "[sim][output]") {
  const TempFolder folder;
  const std::string trace = folder.file("t.txt");
  const std::string bytes = read_text(kGolden + "abacbada.txt");
  write_text(trace, bytes);
  std::filesystem::create_symlink("t.txt", folder.file("link.txt"));
  std::filesystem::create_hard_link(trace, folder.file("hard.txt"));
  for (const std::string& output :
       {trace, folder.file("./t.txt"), folder.file("link.txt"), folder.file("hard.txt")}) {
    for (const bool jsonl : {false, true}) {
      INFO(output << (jsonl ? " --jsonl" : ""));
      std::vector<std::string> args{"--trace", trace, "-o", output};
      if (jsonl) args.emplace_back("--jsonl");
      const Run run = sim(args);
      CHECK(run.code == 2);
      CHECK(run.out.empty());
      CHECK(run.err == "purecache-sim: error: --output " + output + " is the trace " + trace +
                           ": the report would overwrite it\n");
      CHECK(read_text(trace) == bytes);
    }
  }
}

TEST_CASE("a run that ends without a report leaves no --output file", "[sim][output]") {
  const TempFolder folder;
  const std::string report = folder.file("r.json");
  const std::vector<std::vector<std::string>> runs{
      {"--trace", folder.file("missing.txt"), "-o", report},
      {"--trace", std::string(PURECACHE_SOURCE_DIR) + "/tests/data/trace/empty.txt", "-o", report},
      {"--trace", std::string(PURECACHE_SOURCE_DIR) + "/tests/data/trace/corrupt.txt.zst", "-o",
       report},
      {"--trace", kGolden + "abacbada.txt", "--policy", "ttl", "-o", report, "--jsonl"},
  };
  for (const auto& args : runs) {
    INFO(args[1]);
    const Run run = sim(args);
    CHECK(run.code == 2);
    CHECK(folder.names().empty());
  }
}

TEST_CASE("an --output that cannot be written is a resource failure that says why",
          "[sim][output]") {
  const TempFolder folder;
  const std::string trace = kGolden + "abacbada.txt";
  for (const bool jsonl : {false, true}) {
    const std::string missing = folder.file("no-such-dir/r.json");
    std::vector<std::string> args{"--trace", trace, "-o", missing};
    if (jsonl) args.emplace_back("--jsonl");
    const Run run = sim(args);
    CHECK(run.code == 1);
    CHECK(run.err == "purecache-sim: error: " + missing +
                         ": cannot write the report: No such file or directory\n");
    const Run directory = sim({"--trace", trace, "-o", folder.path().string()});
    CHECK(directory.code == 1);
    CHECK(directory.err == "purecache-sim: error: " + folder.path().string() +
                               ": cannot write the report: Is a directory\n");
  }
  CHECK(folder.names().empty());
}

TEST_CASE("a report replaces its --output whole, and --jsonl adds one line", "[sim][output]") {
  const TempFolder folder;
  const std::string report = folder.file("r.json");
  write_text(report, std::string(100000, 'x'));  // longer than the report: no tail may survive
  const Run run = sim({"--trace", kGolden + "abacbada.txt", "-o", report});
  REQUIRE(run.code == 0);
  CHECK(nlohmann::json::parse(read_text(report))["complete"] == true);
  CHECK(folder.names() == std::vector<std::string>{"r.json"});

  write_text(report, "{}\n");
  REQUIRE(sim({"--trace", kGolden + "abacbada.txt", "-o", report, "--jsonl"}).code == 0);
  std::istringstream lines(read_text(report));
  std::string line;
  REQUIRE(std::getline(lines, line));
  CHECK(line == "{}");
  REQUIRE(std::getline(lines, line));
  CHECK(nlohmann::json::parse(line)["requests"] == 8);
  CHECK_FALSE(std::getline(lines, line));
  CHECK(folder.names() == std::vector<std::string>{"r.json"});
}

TEST_CASE("a report that cannot be written to stdout exits 1 and says why", "[sim][output]") {
  FullDiskBuffer full;
  std::ostream out(&full);
  std::ostringstream err;
  CHECK(run_cli({"--trace", kGolden + "abacbada.txt"}, out, err) == 1);
  CHECK(err.str() ==
        "purecache-sim: error: cannot write the report to stdout: No space left on device\n");

  // A stream that fails without an errno still fails the run, without a made-up reason.
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  std::ostringstream broken_err;
  CHECK(run_cli({"--trace", kGolden + "abacbada.txt"}, broken, broken_err) == 1);
  CHECK(broken_err.str() == "purecache-sim: error: cannot write the report to stdout\n");
}

TEST_CASE("help that cannot be written to stdout exits 1 and says why", "[sim][output]") {
  FullDiskBuffer full;
  std::ostream out(&full);
  std::ostringstream err;
  CHECK(run_cli({"--help"}, out, err) == 1);
  CHECK(err.str() == "purecache-sim: error: cannot write to stdout: No space left on device\n");
}

TEST_CASE("the help lists every exit code", "[sim][output]") {
  const Run run = sim({"--help"});
  REQUIRE(run.code == 0);
  for (const std::string code : {"\n  0 ", "\n  1 ", "\n  2 ", "\n  130 ", " 143 "}) {
    INFO(code);
    CHECK(run.out.find(code) != std::string::npos);
  }
}

TEST_CASE("gen refuses up front a trace that cannot fit in memory, leaving its target untouched",
          "[sim][output][generator]") {
  const TempFolder folder;
  const std::string target = folder.file("t.bin");
  write_text(target, "old");
  // oracle-general holds 8 bytes per request: 10^15 requests need about 7.1 PiB.
  const Run run = sim({"gen", "zipf", "--keys", "1000", "--requests", "1000000000000000", "--seed",
                       "1", "--format", "oracle-general", "-o", target});
  CHECK(run.code == 2);
  CHECK(run.err.rfind("purecache-sim: error: generating this trace needs about 7.1 PiB of memory, "
                      "but ",
                      0) == 0);
  CHECK(read_text(target) == "old");
  CHECK(folder.names() == std::vector<std::string>{"t.bin"});
}

TEST_CASE("gen refuses up front a trace that cannot fit on disk, leaving its target untouched",
          "[sim][output][generator]") {
  const TempFolder folder;
  const std::string target = folder.file("t.txt");
  write_text(target, "old");
  // At least 2 bytes a line: 1.8 PiB, more than any disk this runs on.
  const Run run = sim({"gen", "loop", "--keys", "10", "--requests", "1000000000000000", "--seed",
                       "1", "-o", target});
  CHECK(run.code == 2);
  CHECK(run.err.rfind("purecache-sim: error: the trace needs at least 1.8 PiB of disk, but ", 0) ==
        0);
  CHECK(read_text(target) == "old");
  CHECK(folder.names() == std::vector<std::string>{"t.txt"});
}

TEST_CASE("gen takes the documented maximum --keys for kinds without a table", "[sim][generator]") {
  const TempFolder folder;
  for (const std::string kind : {"uniform", "loop", "scan"}) {
    for (const std::string format : {"text", "csv", "oracle-general"}) {
      INFO(kind << " " << format);
      const std::string target = folder.file(kind + "." + format);
      const Run run = sim({"gen", kind, "--keys", "4294967296", "--requests", "20", "--seed", "3",
                           "--format", format, "-o", target});
      CHECK(run.code == 0);
      CHECK(run.err.empty());
      const Run replay = sim({"--trace", target, "--format", format, "--capacity", "5"});
      CHECK(replay.code == 0);
      CHECK(nlohmann::json::parse(replay.out)["requests"] == 20);
    }
  }
}
