// Input that can be read only once (a FIFO, standard input) with a capacity that needs a first
// pass, and the messages of a trace that yields no request.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "support/fifo_writer.hpp"
#include "support/sim_run.hpp"
#include "trace/trace_test_support.hpp"

using purecache::sim::run_cli;
using purecache::test::FifoWriter;
using purecache::test::read_file;
using purecache::test::TempDir;
using purecache::test::trace_data;
using purecache::test::write_file;

namespace {

const std::string kGolden = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/";

using purecache::test::Run;
using purecache::test::sim;

using purecache::test::report;

/// What must not depend on where the bytes came from: all but the path, timings and memory.
nlohmann::json counts(nlohmann::json r) {
  r["trace"].erase("path");
  for (const char* varying : {"memory", "lock_hold_ns", "lock_wait_ns", "throughput"})
    r.erase(varying);
  return r;
}

/// Standard input replaced by a pipe fed with `bytes` from a thread, for one scope.
class StdinFrom {
 public:
  explicit StdinFrom(std::string bytes) {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    saved_ = ::dup(STDIN_FILENO);
    REQUIRE(saved_ >= 0);
    REQUIRE(::dup2(ends[0], STDIN_FILENO) == STDIN_FILENO);
    ::close(ends[0]);
    writer_ = std::thread([fd = ends[1], data = std::move(bytes)] {
      for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  StdinFrom(const StdinFrom&) = delete;
  StdinFrom& operator=(const StdinFrom&) = delete;
  ~StdinFrom() {
    ::dup2(saved_, STDIN_FILENO);  // the pipe's read end closes: a blocked writer gets EPIPE
    ::close(saved_);
    writer_.join();
  }

 private:
  int saved_ = -1;      // the test process's own standard input
  std::thread writer_;  // feeds the pipe, then closes it
};

}  // namespace

TEST_CASE("a FIFO with the default 10% capacity gives the counts of the regular file",
          "[sim][stream]") {
  const std::vector<std::string> files{kGolden + "abacbada.csv", kGolden + "abacbada.twitter.csv",
                                       trace_data("tiny.oracleGeneral.bin"),
                                       std::string(PURECACHE_SOURCE_DIR) + "/traces/zipf.txt"};
  for (const std::string& file : files) {
    INFO(file);
    TempDir dir;
    // Named as the file: detection by name must not tell them apart.
    FifoWriter fifo(dir.file(std::filesystem::path(file).filename().string()), read_file(file));
    REQUIRE(fifo.created());
    const auto from_fifo = report({"--trace", fifo.path(), "--capacity", "10%"});
    CHECK(from_fifo["trace"]["path"] == fifo.path());
    CHECK(counts(from_fifo) == counts(report({"--trace", file, "--capacity", "10%"})));
  }
}

TEST_CASE("a trace named - or /dev/stdin reads standard input, once", "[sim][stream]") {
  const std::string file = std::string(PURECACHE_SOURCE_DIR) + "/traces/zipf.txt";
  const auto expected = counts(report({"--trace", file}));
  for (const std::string path : {"-", "/dev/stdin"}) {
    INFO(path);
    StdinFrom input(read_file(file));
    const auto r = report({"--trace", path});
    CHECK(r["trace"]["path"] == path);
    CHECK(counts(r) == expected);
  }
  StdinFrom compressed(read_file(purecache::test::real_trace("cloudPhysicsIO.oracleGeneral.bin")));
  const auto r = report({"--trace", "-", "--capacity", "1000"});
  CHECK(r["trace"]["format"] == "oracle-general");
  CHECK(r["trace"]["compressed"] == true);
  CHECK(r["requests"] == 113872);
}

TEST_CASE("the purecache-sim binary reads a pipe on its standard input", "[sim][stream]") {
  // The shell's own pipe, as a user would write it; the report must match the file's.
  const std::string file = std::string(PURECACHE_SOURCE_DIR) + "/traces/zipf.txt";
  const std::string command =
      "cat '" + file + "' | '" + std::string(PURECACHE_SIM_BINARY) + "' --trace - --jsonl";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char chunk[4096];
  while (const std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe))
    out.append(chunk, n);
  const int status = ::pclose(pipe);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(nlohmann::json::accept(out));
  const auto r = nlohmann::json::parse(out);
  CHECK(r["trace"]["path"] == "-");
  CHECK(counts(r) == counts(report({"--trace", file})));
}

TEST_CASE("a trace with no request says what was dropped", "[sim][errors]") {
  const std::string headerless = trace_data("headerless.csv");
  const std::string detected =
      " (format detected as twitter: the name ends in .csv and the first line, with 3 "
      "comma-separated fields, is not a header; set the format explicitly)";
  Run run = sim({"--trace", headerless});
  CHECK(run.code == 2);
  CHECK(run.err ==
        "purecache-sim: error: " + headerless + ":1: expected 7 fields, got 3" + detected + "\n");

  run = sim({"--trace", headerless, "--on-error", "skip"});
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(run.err == "purecache-sim: error: " + headerless +
                       ": trace has no requests: 2 malformed records skipped (--on-error skip); "
                       "the first skipped: " +
                       headerless + ":1: expected 7 fields, got 3" + detected + "\n");

  TempDir dir;
  const std::string zero_sizes = dir.file("zero.oracleGeneral.bin");
  write_file(zero_sizes, std::string(48, '\0'));  // two records of size 0
  run = sim({"--trace", zero_sizes, "--capacity", "5"});
  CHECK(run.code == 2);
  CHECK(run.err == "purecache-sim: error: " + zero_sizes +
                       ": trace has no requests: 2 records of size 0 ignored\n");

  const std::string header_only = trace_data("csv_header_only.csv");
  run = sim({"--trace", header_only, "--capacity", "5"});
  CHECK(run.err == "purecache-sim: error: " + header_only + ": trace has no requests\n");
}
