#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <list>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/error.hpp"
#include "purecache/sim/mrc/byte_miss_ratio_curve.hpp"
#include "purecache/sim/mrc/byte_stack_distance_profiler.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/sim_run.hpp"
#include "support/split_mix64.hpp"
#include "support/temp_files.hpp"

// The byte curve must equal what a byte-mode LRU replay with the fast engine counts, capacity by
// capacity: from the one pass where it is exact, from replays elsewhere (docs/mrc.md#bytes).

using purecache::sim::ByteMrcProfile;
using purecache::sim::ByteStackDistanceProfiler;
using purecache::sim::MrcPoint;
using purecache::sim::TraceReader;
using purecache::test::check_rejected;

namespace {

const std::string kSource = PURECACHE_SOURCE_DIR;
const std::string kCloud = kSource + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";

ByteMrcProfile byte_profile(const std::string& path, const std::vector<std::uint64_t>& capacities,
                            std::uint64_t warmup = 0, std::size_t min_window = 1 << 16) {
  TraceReader reader(path);
  return purecache::sim::profile_byte_mrc(reader, {.warmup = warmup, .min_window = min_window},
                                          capacities);
}

MrcPoint replay_bytes(const std::string& path, std::uint64_t capacity, std::uint64_t warmup = 0) {
  TraceReader reader(path);
  const auto r = purecache::sim::replay(reader, {.policy = purecache::BackendKind::lru,
                                                 .engine = purecache::sim::ReplayEngine::fast,
                                                 .core = {.max_weight = capacity},
                                                 .demand_fill = true,
                                                 .warmup = warmup});
  return {.capacity = capacity, .hits = r.hits, .misses = r.misses};
}

/// Checks the curve against one replay per capacity, and counts the points the one pass gave.
std::size_t check_against_replay(const std::string& path,
                                 const std::vector<std::uint64_t>& capacities,
                                 std::uint64_t warmup = 0) {
  const ByteMrcProfile profile = byte_profile(path, capacities, warmup);
  std::map<std::uint64_t, MrcPoint> replays;  // each capacity replayed once
  const auto replay_at = [&](std::uint64_t c) {
    const auto [at, added] = replays.try_emplace(c);
    if (added) at->second = replay_bytes(path, c, warmup);
    return at->second;
  };
  const auto points = purecache::sim::byte_mrc_points(profile, replay_at);
  const std::size_t replayed_by_curve = replays.size();
  REQUIRE(points.size() == profile.capacities.size());
  std::size_t from_stack = 0;
  for (const MrcPoint& point : points) {
    INFO(path << " capacity " << point.capacity << " warmup " << warmup);
    const MrcPoint replayed = replay_at(point.capacity);
    CHECK(point.hits == replayed.hits);
    CHECK(point.misses == replayed.misses);
    CHECK(point.replayed == !profile.one_pass_exact());
    if (!point.replayed) ++from_stack;
  }
  CHECK(replayed_by_curve + from_stack == points.size());
  return from_stack;
}

std::string generated_zipf(const purecache::test::TempFolder& dir) {
  const std::string path = dir.file("zipf.oracleGeneral.bin");
  std::ofstream out(path, std::ios::binary);
  purecache::sim::generate_trace(
      {.kind = purecache::sim::GeneratorKind::zipf, .keys = 400, .requests = 6000, .seed = 9},
      purecache::sim::GeneratorOutput::oracle_general, out);
  return path;
}

/// A csv trace of gets and sets over `keys` keys, each key always the same size (1..50 bytes).
std::string gets_and_sets(std::uint64_t seed, int requests, std::uint64_t keys) {
  std::string text = "key,size,op\n";
  purecache::test::SplitMix64 random(seed);
  for (int i = 0; i < requests; ++i) {
    const std::uint64_t r = random.next();
    const std::uint64_t key = (r & 32) != 0 ? (r >> 8) % 5 : (r >> 8) % keys;
    text += std::to_string(key) + "," + std::to_string(1 + key * 7 % 50) + "," +
            ((r & 7) < 6 ? "get" : "set") + "\n";
  }
  return text;
}

nlohmann::json byte_report(const std::vector<std::string>& args) {
  return purecache::test::quiet_report<nlohmann::json>(args);
}

}  // namespace

TEST_CASE("byte stack distances add the sizes of the keys used since", "[mrc][bytes][stack]") {
  ByteStackDistanceProfiler stack;
  std::vector<std::uint64_t> distances;
  // a=3 b=2 c=4: a b c a b b c a
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> trace{{0, 3}, {1, 2}, {2, 4}, {0, 3},
                                                                   {1, 2}, {1, 2}, {2, 4}, {0, 3}};
  for (const auto& [key, size] : trace)
    distances.push_back(stack.access(key, size));
  constexpr std::uint64_t kCold = ByteStackDistanceProfiler::kCold;
  CHECK(distances == std::vector<std::uint64_t>{kCold, kCold, kCold, 9, 9, 2, 9, 9});
  CHECK(stack.weight() == 9);
  CHECK(stack.size_changes() == 0);
  stack.erase(1);
  CHECK(stack.weight() == 7);
  CHECK(stack.access(0, 5) == 3);  // its weight in the stack, 3, then 5 from now on
  CHECK(stack.size_changes() == 1);
  CHECK(stack.weight() == 9);
}

TEST_CASE("byte distances equal a naive stack's, with deletes and renumbering",
          "[mrc][bytes][stack][oracle]") {
  const std::size_t min_window = GENERATE(std::size_t{1}, std::size_t{70}, std::size_t{1} << 16);
  INFO("min_window " << min_window);
  ByteStackDistanceProfiler stack(min_window);
  std::list<std::pair<std::uint32_t, std::uint32_t>> naive;  // (key, weight), most recent first
  purecache::test::SplitMix64 random(min_window);
  for (int i = 0; i < 4000; ++i) {
    const std::uint64_t r = random.next();
    const auto key = static_cast<std::uint32_t>((r >> 8) % ((r & 64) != 0 ? 4 : 40));
    const auto size = static_cast<std::uint32_t>((r >> 32) % 1000);
    auto at =
        std::find_if(naive.begin(), naive.end(), [&](const auto& e) { return e.first == key; });
    if ((r >> 50) % 8 == 0) {
      stack.erase(key);
      if (at != naive.end()) naive.erase(at);
      continue;
    }
    std::uint64_t expected = ByteStackDistanceProfiler::kCold;
    if (at != naive.end()) {
      expected = 0;
      for (auto e = naive.begin(); e != std::next(at); ++e)
        expected += e->second;
      naive.erase(at);
    }
    naive.emplace_front(key, size);
    REQUIRE(stack.access(key, size) == expected);
  }
  std::uint64_t weight = 0;
  for (const auto& e : naive)
    weight += e.second;
  CHECK(stack.weight() == weight);
  CHECK(stack.depth() == naive.size());
  if (min_window < 64) CHECK(stack.renumberings() > 10);
}

TEST_CASE("a hand-worked byte curve, not monotone below the largest object", "[mrc][bytes]") {
  // Sizes a=3 b=2 c=4, requests a b c a b b c a. Byte distances: 3 cold, then 9 9 2 9 9.
  // By hand, LRU by bytes with demand fill:
  //   C=1: nothing fits, 8 misses.
  //   C=2: only b fits; a and c are never stored and evict nothing, so b hits twice.
  //   C=3: a and b fit but not together; b hits once (request 6).
  //   C=4, 5, 8: request 6 hits (distance 2); the distances of 9 miss.
  //   C=9: everything fits, every request after the first three hits.
  // Below the largest object (4) the curve is not monotone: 2 hits at C=2, 1 at C=3. Byte
  // distances alone would say 1 hit at C=2: each class of capacities has its own stack, here
  // {1}, {2}, {3} and {4, 5, 8, 9}.
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("sizes.csv");
  purecache::test::write_text(path, "key,size\na,3\nb,2\nc,4\na,3\nb,2\nb,2\nc,4\na,3\n");
  const std::vector<std::uint64_t> capacities{9, 1, 2, 3, 4, 5, 8, 9};
  const ByteMrcProfile profile = byte_profile(path, capacities);
  CHECK(profile.capacities == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 8, 9});
  CHECK(profile.largest_size == 4);
  CHECK(profile.gets == 8);
  CHECK(profile.stacks == 4);
  CHECK(profile.one_pass_exact());
  CHECK(profile.hits == std::vector<std::uint64_t>{0, 2, 1, 1, 1, 1, 5});
  const auto points = purecache::sim::byte_mrc_points(
      profile, [&](std::uint64_t c) { return replay_bytes(path, c); });
  std::vector<std::uint64_t> hits;
  for (const MrcPoint& point : points) {
    hits.push_back(point.hits);
    CHECK_FALSE(point.replayed);
    CHECK(point.hits + point.misses == 8);
  }
  CHECK(hits == std::vector<std::uint64_t>{0, 2, 1, 1, 1, 1, 5});
  CHECK(points.back().miss_ratio == Approx(3.0 / 8));
  CHECK(check_against_replay(path, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) == 10);
}

TEST_CASE("the byte curve equals byte-mode LRU replays of the cloudPhysicsIO trace",
          "[mrc][bytes][exact]") {
  // The largest object is 68 KiB (69632 bytes), and the distinct objects take 2029769728 bytes:
  // below the largest, at it, 2 MB, 60 MB and past every object.
  CHECK(check_against_replay(kCloud, {8192, 69631, 69632, 2'000'000, 60'000'000, 2'100'000'000}) ==
        6);
}

TEST_CASE("the byte curve equals byte-mode LRU replays of a generated zipf trace with sizes",
          "[mrc][bytes][exact]") {
  const purecache::test::TempFolder dir;
  const std::string path = generated_zipf(dir);
  // Sizes are 1..64 KiB: capacities from 1 KiB to past the 400 objects' bytes.
  std::vector<std::uint64_t> capacities{1024, 4096, 20000, 33000, 65535, 65536};
  for (const std::uint64_t c : purecache::sim::log_spaced_between(9, 65537, 20'000'000))
    capacities.push_back(c);
  CHECK(check_against_replay(path, capacities) == 15);
  CHECK(check_against_replay(path, {8192, 65536, 300'000, 3'000'000}, 1500) == 4);
}

TEST_CASE("capacities between two object sizes share one stack", "[mrc][bytes]") {
  const purecache::test::TempFolder dir;
  const std::string path = generated_zipf(dir);
  // Sizes are whole KiB: 8192 and 8500 see the same objects, 1 KiB and 70000 other ones.
  CHECK(byte_profile(path, {8192, 8500}).stacks == 1);
  CHECK(byte_profile(path, {1024, 8192, 8500, 70000}).stacks == 3);
  CHECK(byte_profile(path, {70000, 100000, 200000}).stacks == 1);
}

TEST_CASE("the byte curve equals byte-mode LRU replays with sets, at every capacity",
          "[mrc][bytes][exact]") {
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("sets.csv");
  purecache::test::write_text(path, gets_and_sets(4, 2000, 40));
  std::vector<std::uint64_t> capacities;
  for (std::uint64_t c = 1; c <= 1100; c += (c < 60 ? 3 : 53))
    capacities.push_back(c);
  const ByteMrcProfile profile = byte_profile(path, capacities);
  CHECK(profile.largest_size == 50);
  CHECK(check_against_replay(path, capacities, GENERATE(std::uint64_t{0}, std::uint64_t{500})) ==
        profile.capacities.size());
  // A tiny window renumbered hundreds of times gives the same hits.
  const ByteMrcProfile tiny = byte_profile(path, capacities, 0, 1);
  CHECK(tiny.hits == profile.hits);
}

TEST_CASE("a size change or a delete makes every byte point a replay", "[mrc][bytes]") {
  const purecache::test::TempFolder dir;
  const std::string changed = dir.file("changed.csv");
  purecache::test::write_text(changed,
                              "key,size,op\na,3,get\nb,2,get\na,5,set\nb,2,get\na,3,get\n");
  const std::string deleted = dir.file("deleted.csv");
  purecache::test::write_text(deleted,
                              "key,size,op\na,3,get\nb,2,get\na,3,delete\nb,2,get\na,3,get\n");
  for (const std::string& path : {changed, deleted}) {
    INFO(path);
    const ByteMrcProfile profile = byte_profile(path, {5, 100});
    CHECK_FALSE(profile.one_pass_exact());
    CHECK(check_against_replay(path, {1, 2, 3, 4, 5, 6, 7, 8, 100}) == 0);
  }
}

TEST_CASE("log-spaced byte capacities run from the low end to the high end", "[mrc][bytes]") {
  using purecache::sim::log_spaced_between;
  CHECK(log_spaced_between(3, 10, 1000) == std::vector<std::uint64_t>{10, 100, 1000});
  CHECK(log_spaced_between(1, 10, 1000) == std::vector<std::uint64_t>{1000});
  CHECK(log_spaced_between(10, 4, 6) == std::vector<std::uint64_t>{4, 5, 6});
  CHECK(log_spaced_between(4, 7, 7) == std::vector<std::uint64_t>{7});
}

TEST_CASE("purecache-sim mrc --capacity-bytes writes the byte curve", "[mrc][bytes][cli]") {
  const purecache::test::TempFolder dir;
  const std::string path = dir.file("sizes.csv");
  purecache::test::write_text(path, "key,size\na,3\nb,2\nc,4\na,3\nb,2\nb,2\nc,4\na,3\n");
  const auto r = byte_report({"mrc", "--trace", path, "--capacity-bytes", "9,2,100%,4"});
  CHECK(r["method"] == "exact");
  CHECK(r["capacity_unit"] == "bytes");
  CHECK(r["trace"]["distinct_bytes"] == 9);
  CHECK(r["trace"]["largest_object"] == 4);
  CHECK(r["trace"]["deletes"] == 0);
  CHECK(r["trace"]["size_changes"] == 0);
  CHECK(r["gets"] == 8);
  REQUIRE(r["points"].size() == 3);  // 9 and 100% are one capacity
  CHECK(r["points"][0] == nlohmann::json{{"capacity", 2},
                                         {"hits", 2},
                                         {"misses", 6},
                                         {"miss_ratio", 0.75},
                                         {"hit_ratio", 0.25},
                                         {"counted_by", "stack_distances"}});
  CHECK(r["points"][1]["capacity"] == 4);
  CHECK(r["points"][1]["hits"] == 1);
  CHECK(r["points"][1]["counted_by"] == "stack_distances");
  CHECK(r["points"][2]["capacity"] == 9);
  CHECK(r["points"][2]["hits"] == 5);

  const auto bytes = byte_report({"mrc", "--trace", kCloud, "--bytes", "--points", "5"});
  const std::uint64_t largest = bytes["trace"]["largest_object"];
  const std::uint64_t distinct = bytes["trace"]["distinct_bytes"];
  CHECK(bytes["points"].size() == 5);
  CHECK(bytes["points"].front()["capacity"] == largest);
  CHECK(bytes["points"].back()["capacity"] == distinct);
  for (const auto& point : bytes["points"])
    CHECK(point["counted_by"] == "stack_distances");
  CHECK(bytes["points"][1]["misses"] ==
        replay_bytes(kCloud, bytes["points"][1]["capacity"]).misses);
  // Entry curves say their unit too.
  const auto entries = byte_report({"mrc", "--trace", path, "--capacities", "1"});
  CHECK(entries["capacity_unit"] == "entries");
  CHECK(!entries.contains("counted_by"));
}

TEST_CASE("purecache-sim mrc refuses byte curves it cannot draw", "[mrc][bytes][cli][errors]") {
  const std::string zipf = kSource + "/traces/zipf.txt";
  check_rejected({"mrc", "--trace", zipf, "--capacity-bytes", "1M"},
                 "a byte curve weighs objects by their sizes, and " + zipf +
                     " (text) has none: give a trace with sizes, or --capacities in entries");
  check_rejected({"mrc", "--trace", kCloud, "--bytes", "--sample-rate", "0.1"},
                 "--sample-rate estimates curves in entries; a byte curve (--capacity-bytes, "
                 "--bytes) is exact and takes no sample");
  check_rejected({"mrc", "--trace", kCloud, "--capacity-bytes", "1M", "--capacities", "10"},
                 "--capacities excludes --capacity-bytes (see --help)");
  check_rejected({"mrc", "--trace", kCloud, "--capacity-bytes", "1M", "--bytes"},
                 "--capacity-bytes excludes --bytes (see --help)");
  check_rejected({"mrc", "--trace", kCloud, "--capacity-bytes", "1M,1.5G"},
                 "capacity-bytes must be a whole number of bytes with an optional unit K, M, G, "
                 "T, KiB, MiB, GiB or TiB, got '1.5G'");
  check_rejected({"mrc", "--trace", kCloud, "--capacity-bytes", "0%"},
                 "capacity-bytes percentage must be in (0, 100], got '0%'");
}
