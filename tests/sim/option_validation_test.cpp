// Option values are checked in the user's words and units, before a replay where possible.

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "support/sim_run.hpp"
#include "trace/trace_test_support.hpp"

namespace {

using purecache::test::read_text;
using purecache::test::TempDir;
using purecache::test::write_text;

const std::string kGolden = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/";
const std::string kTruncatedOracle =
    std::string(PURECACHE_SOURCE_DIR) + "/tests/data/trace/oracle_truncated.oracleGeneral.bin";

using purecache::test::Run;
using purecache::test::sim;

// A bad-input run: exit 2, nothing on stdout, exactly one line on stderr.
void check_rejected(const std::vector<std::string>& args, const std::string& message) {
  INFO((args.size() > 1 ? args[0] + " " + args[1] : std::string()));
  const Run run = sim(args);
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(run.err == "purecache-sim: error: " + message + "\n");
}

std::vector<std::string> with_trace(std::vector<std::string> args, const std::string& trace) {
  args.insert(args.end(), {"--trace", trace});
  return args;
}

}  // namespace

TEST_CASE("the ttl option is checked in seconds against the range the clock holds",
          "[sim][errors]") {
  const std::string trace = kGolden + "abacbada.txt";
  const auto ttl = [&](const std::string& value) {
    return with_trace({"--policy", "ttl", "--ttl", value}, trace);
  };
  check_rejected(ttl("1e10"), "ttl must be at most 9223372036 seconds, got '1e+10'");
  check_rejected(ttl("1e12"), "ttl must be at most 9223372036 seconds, got '1e+12'");
  check_rejected(ttl("9223372037"), "ttl must be at most 9223372036 seconds, got '9223372037'");
  check_rejected(ttl("inf"), "ttl must be at most 9223372036 seconds, got 'inf'");
  check_rejected(ttl("1e-10"), "ttl must be at least 0.000000001 seconds, got '1e-10'");
  check_rejected(ttl("0"), "ttl must be at least 0.000000001 seconds, got '0'");
  check_rejected(ttl("-5"), "ttl must be at least 0.000000001 seconds, got '-5'");
  check_rejected(ttl("nan"), "ttl must be at least 0.000000001 seconds, got 'nan'");
  // Both ends are accepted.
  for (const std::string value : {"9223372036", "1e-9"}) {
    const Run run = sim(ttl(value));
    INFO(run.err);
    CHECK(run.code == 0);
  }
}

TEST_CASE(
    "the rate option is checked in requests per second against a step of 1 ns to 9223372036 s",
    "[sim][errors]") {
  const std::string trace = kGolden + "abacbada.txt";
  const auto rate = [&](const std::string& value) { return with_trace({"--rate", value}, trace); };
  check_rejected(rate("1e18"), "rate must be at most 1000000000 requests per second, got '1e+18'");
  check_rejected(rate("2e9"), "rate must be at most 1000000000 requests per second, got '2e+09'");
  check_rejected(rate("1e-11"),
                 "rate must be at least one request per 9223372036 seconds, got '1e-11'");
  check_rejected(rate("0"), "rate must be > 0, got '0'");
  check_rejected(rate("-1"), "rate must be > 0, got '-1'");
  for (const std::string value : {"1e9", "1.1e-10"}) {
    const Run run = sim(rate(value));
    INFO(run.err);
    CHECK(run.code == 0);
  }
}

TEST_CASE("a negative number for an unsigned option is refused as typed", "[sim][errors]") {
  const std::string trace = kGolden + "abacbada.txt";
  check_rejected(with_trace({"--warmup", "-1"}, trace), "warmup must be >= 0, got '-1'");
  check_rejected(with_trace({"--lock-sample", "-5"}, trace), "lock-sample must be >= 1, got '-5'");
  check_rejected(
      with_trace({"--capacity", "-1"}, trace),
      "capacity must be a positive number of entries or a percentage like 10%, got '-1'");
  const TempDir dir;
  const std::string out = dir.file("gen.txt");
  check_rejected({"gen", "zipf", "--keys", "-1", "--requests", "5", "--seed", "1", "-o", out},
                 "keys must be >= 1, got '-1'");
  check_rejected({"gen", "zipf", "--keys", "5", "--requests", "-1", "--seed", "1", "-o", out},
                 "requests must be >= 1, got '-1'");
  check_rejected({"gen", "zipf", "--keys", "5", "--requests", "5", "--seed", "-1", "-o", out},
                 "seed must be >= 0, got '-1'");
}

TEST_CASE("unsigned options are plain decimal and must fit their type", "[sim][errors]") {
  const std::string trace = kGolden + "abacbada.txt";
  check_rejected(with_trace({"--warmup", "0x10"}, trace),
                 "warmup must be a whole number, got '0x10'");
  check_rejected(with_trace({"--warmup", "1.5"}, trace),
                 "warmup must be a whole number, got '1.5'");
  check_rejected(with_trace({"--warmup", "18446744073709551616"}, trace),
                 "warmup must be at most 18446744073709551615, got '18446744073709551616'");
  check_rejected(with_trace({"--lock-sample", "4294967296"}, trace),
                 "lock-sample must be at most 4294967295, got '4294967296'");
  // A leading zero is decimal, not octal: 010 is ten.
  check_rejected(with_trace({"--warmup", "010"}, trace),
                 "warmup must be below the trace's 8 requests, got '10'");
  const TempDir dir;
  for (const std::string seed : {"010", "10"}) {
    const Run run = sim({"gen", "zipf", "--keys", "5", "--requests", "20", "--seed", seed, "-o",
                         dir.file(seed + ".txt")});
    REQUIRE(run.code == 0);
  }
  CHECK(read_text(dir.file("010.txt")) == read_text(dir.file("10.txt")));
}

TEST_CASE("a warm-up as long as an oracleGeneral file is refused before replaying it",
          "[sim][errors]") {
  // 2 whole records, then 10 bytes of a third: a replay would stop at record 3. The warm-up
  // error instead shows the file was judged by its size, not replayed.
  for (const std::string capacity : {"2", "10%"}) {
    INFO(capacity);
    check_rejected({"--capacity", capacity, "--warmup", "2", "--trace", kTruncatedOracle},
                   "warmup must be below the trace's 2 requests, got '2'");
  }
  // A shorter warm-up passes the check; the replay then finds the truncated record.
  check_rejected({"--capacity", "2", "--warmup", "1", "--trace", kTruncatedOracle},
                 kTruncatedOracle + ":record 3: truncated record: 10 of 24 bytes");
}

TEST_CASE("a percentage capacity's first pass checks the warm-up before the replay",
          "[sim][errors]") {
  // 12 gets at a step of 1e18 ns with a TTL longer than a step: replaying would stop at request
  // 11, past the synthetic clock's end. With 50% the first pass counts 12 requests and refuses
  // the warm-up first; with a number of entries only the replay can count them.
  const TempDir dir;
  const std::string trace = dir.file("twelve.txt");
  std::string text;
  for (int i = 0; i < 12; ++i)
    text += "a\n";
  write_text(trace, text);
  const std::vector<std::string> args{"--policy", "lru-ttl",  "--ttl", "9223372036", "--rate",
                                      "1e-9",     "--warmup", "12",    "--trace",    trace};
  auto percent = args;
  percent.insert(percent.end(), {"--capacity", "50%"});
  check_rejected(percent, "warmup must be below the trace's 12 requests, got '12'");
  auto entries = args;
  entries.insert(entries.end(), {"--capacity", "1"});
  const Run replayed = sim(entries);
  CHECK(replayed.code == 2);
  CHECK_THAT(replayed.err, Catch::Contains("request 11 falls past the synthetic clock's end"));
}

TEST_CASE("the help states the limits of --ttl and --rate", "[sim]") {
  const Run help = sim({"--help"});
  REQUIRE(help.code == 0);
  CHECK_THAT(help.out, Catch::Contains("Default TTL in seconds, 0.000000001 to 9223372036,"));
  CHECK_THAT(help.out, Catch::Contains("without timestamps (1/9223372036 to 1000000000)"));
}
