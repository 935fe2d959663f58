// Replay counts at the ends of the clock: tiny and huge rates and TTLs, and trace times near
// 2^32 seconds (oracleGeneral) and 2^63 nanoseconds (csv, twitter). docs/replay-semantics.md
// ("Time arithmetic") states the rules these expectations are worked from.

#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"
#include "support/sim_run.hpp"
#include "trace/trace_test_support.hpp"

namespace {

using purecache::test::TempDir;
using purecache::test::write_text;

using purecache::test::Run;
using purecache::test::sim;

using purecache::test::report;

std::string error_of(const std::vector<std::string>& args) {
  const Run run = sim(args);
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  return run.err;
}

// `count` gets of the one key "a", as a text trace (synthetic clock).
std::string same_key_trace(const TempDir& dir, int count) {
  const std::string path = dir.file("a" + std::to_string(count) + ".txt");
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "a\n";
  write_text(path, text);
  return path;
}

// One oracleGeneral record: <IQIq, little-endian.
std::string oracle_record(std::uint32_t seconds, std::uint64_t id, std::uint32_t size) {
  std::string bytes(24, '\0');
  for (int i = 0; i < 4; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(seconds >> (8 * i));
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(4 + i)] = static_cast<char>(id >> (8 * i));
  for (int i = 0; i < 4; ++i)
    bytes[static_cast<std::size_t>(12 + i)] = static_cast<char>(size >> (8 * i));
  return bytes;
}

const std::string kZipf = std::string(PURECACHE_SOURCE_DIR) + "/traces/zipf.txt";

}  // namespace

TEST_CASE("a tiny rate cannot wrap the synthetic clock into the past", "[sim][time]") {
  // At 1e-6 requests per second consecutive requests are 1e6 s apart, so a 1 s TTL never lets
  // a key live to its next request: every get misses. The clock passes 2^63 ns at request 9225;
  // from there it stays at its end, where every entry has expired, as it has in truth.
  for (const std::string policy : {"ttl", "lru-ttl"}) {
    INFO(policy);
    const auto r = report({"--policy", policy, "--ttl", "1", "--rate", "1e-6", "--trace", kZipf});
    CHECK(r["hits"] == 0);
    CHECK(r["misses"] == 100000);
  }
}

TEST_CASE("past the synthetic clock's end entries die at once when no TTL outlives a step",
          "[sim][time]") {
  // --rate 1e-9: a step of exactly 1e18 ns. Requests 1..10 are at 0 .. 9e18 ns, request 11 would
  // be at 1e19 ns > 2^63-1. A 5e8 s TTL (5e17 ns) is shorter than the step, so each "a" has
  // expired by the next request: 12 misses, before and after the end.
  const TempDir dir;
  const std::string trace = same_key_trace(dir, 12);
  const auto ttl = report({"--policy", "ttl", "--ttl", "5e8", "--rate", "1e-9", "--trace", trace});
  CHECK(ttl["hits"] == 0);
  CHECK(ttl["misses"] == 12);
  const auto lru_ttl = report({"--policy", "lru-ttl", "--capacity", "1", "--ttl", "5e8", "--rate",
                               "1e-9", "--trace", trace});
  CHECK(lru_ttl["hits"] == 0);
  CHECK(lru_ttl["misses"] == 12);
  // Policies without time never read the clock: 1 miss, 11 hits.
  const auto lru =
      report({"--policy", "lru", "--capacity", "1", "--rate", "1e-9", "--trace", trace});
  CHECK(lru["hits"] == 11);
}

TEST_CASE("a TTL that outlives a step past the synthetic clock's end is refused, not miscounted",
          "[sim][time]") {
  // Step 1e18 ns, TTL 9223372036 s: "a" set at 0 lives until 9223372036e9 ns, so requests 2..10
  // (up to 9e18 ns) hit. Request 11 (1e19 ns) is beyond the clock, where the TTL still matters.
  const TempDir dir;
  const auto fits = report({"--policy", "ttl", "--ttl", "9223372036", "--rate", "1e-9", "--trace",
                            same_key_trace(dir, 10)});
  CHECK(fits["hits"] == 9);
  CHECK(fits["misses"] == 1);
  for (const std::string policy : {"ttl", "lru-ttl"}) {
    INFO(policy);
    CHECK(error_of({"--policy", policy, "--ttl", "9223372036", "--rate", "1e-9", "--trace",
                    same_key_trace(dir, 12)}) ==
          "purecache-sim: error: request 11 falls past the synthetic clock's end "
          "(9223372036.854775807 seconds at 1000000000 seconds per request), where counts are "
          "exact only if no TTL is longer than a step; raise --rate\n");
  }
}

TEST_CASE("the fastest rate steps the synthetic clock by one nanosecond", "[sim][time]") {
  // --rate 1e9: requests at 0, 1, 2, 3 ns. TTL 1 ns: every "a" has expired at the next request.
  // TTL 2 ns: set at 0 (miss), hit at 1, expired at 2 (miss, set again), hit at 3.
  const TempDir dir;
  const std::string trace = same_key_trace(dir, 4);
  const auto one = report({"--policy", "ttl", "--ttl", "1e-9", "--rate", "1e9", "--trace", trace});
  CHECK(one["hits"] == 0);
  const auto two = report({"--policy", "ttl", "--ttl", "2e-9", "--rate", "1e9", "--trace", trace});
  CHECK(two["hits"] == 2);
  CHECK(two["misses"] == 2);
}

TEST_CASE("trace times near 2^63 ns: expiries past the clock saturate and never come",
          "[sim][time]") {
  const TempDir dir;
  const std::string csv = dir.file("late.csv");
  // The last two nanoseconds a request may have: 2^63-3 and 2^63-2 ns.
  write_text(csv, "timestamp,key\n9223372036.854775805,a\n9223372036.854775806,a\n");
  auto hits = [&](const std::string& ttl) {
    return report({"--policy", "ttl", "--ttl", ttl, "--trace", csv})["hits"];
  };
  CHECK(hits("1e-9") == 0);        // expires at 2^63-2 ns: the second get is too late
  CHECK(hits("2e-9") == 1);        // expires at 2^63-1 ns, after the second get
  CHECK(hits("9223372036") == 1);  // saturates at 2^63-1 ns: never expires
  // A trace TTL of the largest size saturates the same way.
  const std::string with_ttl = dir.file("late_ttl.csv");
  write_text(with_ttl,
             "timestamp,key,op,ttl\n9223372036.854775805,a,set,9223372036.854775807\n"
             "9223372036.854775806,a,get,0\n");
  CHECK(report({"--policy", "ttl", "--ttl", "1e-9", "--trace", with_ttl})["hits"] == 1);
}

TEST_CASE("a trace time at or past 2^63-1 ns is refused with the time as written",
          "[sim][time][errors]") {
  const TempDir dir;
  const std::string last = dir.file("last.csv");
  // 2^63-1 ns is where saturated expiries sit; a request there would see every entry expired.
  write_text(last, "timestamp,key\n9223372036.854775806,a\n9223372036.854775807,a\n");
  CHECK(error_of({"--policy", "ttl", "--ttl", "1", "--trace", last}) ==
        "purecache-sim: error: " + last +
            ":3: timestamp '9223372036.854775807' exceeds 9223372036.854775806 seconds\n");
  const std::string past = dir.file("past.csv");
  write_text(past, "timestamp,key\n18446744073709551616,a\n");
  CHECK(error_of({"--policy", "ttl", "--ttl", "1", "--trace", past}) ==
        "purecache-sim: error: " + past +
            ":2: timestamp '18446744073709551616' exceeds 9223372036.854775806 seconds\n");
  const std::string twitter = dir.file("late.twitter");
  write_text(twitter, "9223372037,k,1,1,1,get,0\n");
  CHECK(error_of({"--policy", "ttl", "--ttl", "1", "--trace", twitter}) ==
        "purecache-sim: error: " + twitter +
            ":1: timestamp '9223372037' exceeds 9223372036.854775806 seconds\n");
  const std::string long_ttl = dir.file("long_ttl.twitter");
  write_text(long_ttl, "0,k,1,1,1,get,9223372036.854775808\n");
  CHECK(error_of({"--policy", "ttl", "--ttl", "1", "--trace", long_ttl}) ==
        "purecache-sim: error: " + long_ttl +
            ":1: ttl '9223372036.854775808' exceeds 9223372036.854775807 seconds\n");
}

TEST_CASE("oracleGeneral times near 2^32 s convert to nanoseconds exactly", "[sim][time]") {
  // u32 seconds up to 4294967295 are 4.29e18 ns, inside int64. Gets of id 7 at the last two
  // seconds: a 1 s TTL expires exactly at the second get, a 2 s TTL does not.
  const TempDir dir;
  const std::string trace = dir.file("late.oracleGeneral.bin");
  write_text(trace, oracle_record(4294967294u, 7, 1) + oracle_record(4294967295u, 7, 1));
  auto hits = [&](const std::string& ttl) {
    return report({"--policy", "ttl", "--ttl", ttl, "--trace", trace})["hits"];
  };
  CHECK(hits("1") == 0);
  CHECK(hits("2") == 1);
  CHECK(hits("9223372036") == 1);  // 4294967294 s + 9223372036 s saturates: never expires
}
