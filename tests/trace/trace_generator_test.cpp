#include "purecache/sim/trace/trace_generator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "purecache/error.hpp"

using purecache::ConfigError;
using purecache::sim::GeneratorConfig;
using purecache::sim::GeneratorKind;
using purecache::sim::GeneratorOutput;
using purecache::sim::TraceGenerator;

namespace {

std::string generate(const GeneratorConfig& config, GeneratorOutput output) {
  std::ostringstream out;
  purecache::sim::generate_trace(config, output, out);
  return out.str();
}

std::vector<std::uint64_t> text_keys(const GeneratorConfig& config) {
  std::istringstream in(generate(config, GeneratorOutput::text));
  std::vector<std::uint64_t> keys;
  std::uint64_t key = 0;
  while (in >> key) {
    keys.push_back(key);
  }
  return keys;
}

std::vector<std::uint64_t> draw(const GeneratorConfig& config, std::uint64_t n) {
  TraceGenerator generator(config);
  std::vector<std::uint64_t> keys(n);
  for (auto& key : keys) {
    key = generator.next_key();
  }
  return keys;
}

template <class T>
T read_le(const std::string& bytes, std::size_t offset) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |=
        static_cast<T>(static_cast<T>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i));
  }
  return value;
}

struct OracleRecord {
  std::uint32_t timestamp;
  std::uint64_t id;
  std::uint32_t size;
  std::int64_t next;
};

std::vector<OracleRecord> oracle_records(const GeneratorConfig& config) {
  const std::string bytes = generate(config, GeneratorOutput::oracle_general);
  REQUIRE(bytes.size() % 24 == 0);
  std::vector<OracleRecord> records;
  for (std::size_t offset = 0; offset < bytes.size(); offset += 24) {
    records.push_back({read_le<std::uint32_t>(bytes, offset),
                       read_le<std::uint64_t>(bytes, offset + 4),
                       read_le<std::uint32_t>(bytes, offset + 12),
                       static_cast<std::int64_t>(read_le<std::uint64_t>(bytes, offset + 16))});
  }
  return records;
}

std::string config_error(const GeneratorConfig& config) {
  try {
    purecache::sim::validate(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the same seed gives identical bytes and another seed differs", "[trace][generator]") {
  for (const auto kind : {GeneratorKind::zipf, GeneratorKind::uniform, GeneratorKind::mix}) {
    for (const auto output :
         {GeneratorOutput::text, GeneratorOutput::csv, GeneratorOutput::oracle_general}) {
      INFO(purecache::sim::to_string(kind) << " " << purecache::sim::to_string(output));
      const GeneratorConfig config{.kind = kind, .keys = 500, .requests = 3000, .seed = 11};
      GeneratorConfig other = config;
      other.seed = 12;
      const std::string bytes = generate(config, output);
      CHECK(bytes == generate(config, output));
      CHECK(bytes != generate(other, output));
    }
  }
  // scan and loop are fixed sequences: the seed does not enter.
  for (const auto kind : {GeneratorKind::scan, GeneratorKind::loop}) {
    const GeneratorConfig a{.kind = kind, .keys = 7, .requests = 100, .seed = 1};
    const GeneratorConfig b{.kind = kind, .keys = 7, .requests = 100, .seed = 2};
    CHECK(generate(a, GeneratorOutput::csv) == generate(b, GeneratorOutput::csv));
  }
}

TEST_CASE("pinned sequences guard cross-platform determinism", "[trace][generator]") {
  // Computed once by this implementation; a change means every published trace changes too.
  CHECK(draw({.kind = GeneratorKind::uniform, .keys = 1000, .requests = 8, .seed = 42}, 8) ==
        std::vector<std::uint64_t>{83, 378, 680, 924, 991, 769, 719, 850});
  CHECK(draw({.kind = GeneratorKind::zipf, .keys = 1000, .requests = 8, .seed = 42}, 8) ==
        std::vector<std::uint64_t>{73, 337, 246, 958, 859, 883, 337, 233});
  CHECK(draw({.kind = GeneratorKind::mix, .keys = 1000, .requests = 12, .seed = 42}, 12) ==
        std::vector<std::uint64_t>{1000, 73, 337, 246, 958, 859, 883, 337, 233, 886, 638, 13});
}

TEST_CASE("zipf draws rank 1 about 2^alpha times as often as rank 2", "[trace][generator]") {
  for (const double alpha : {0.6, 0.99, 1.3}) {
    INFO("alpha = " << alpha);
    constexpr std::uint64_t kKeys = 1000;
    constexpr std::uint64_t kDraws = 1'000'000;
    const auto keys = draw(
        {.kind = GeneratorKind::zipf, .keys = kKeys, .requests = kDraws, .alpha = alpha, .seed = 5},
        kDraws);
    std::vector<std::uint64_t> counts(kKeys, 0);
    for (const auto key : keys) {
      REQUIRE(key < kKeys);
      ++counts[key];
    }
    std::vector<std::uint64_t> order(kKeys);
    for (std::uint64_t i = 0; i < kKeys; ++i) {
      order[i] = i;
    }
    std::sort(order.begin(), order.end(),
              [&](std::uint64_t a, std::uint64_t b) { return counts[a] > counts[b]; });
    const double ratio =
        static_cast<double>(counts[order[0]]) / static_cast<double>(counts[order[1]]);
    // Standard deviation of the ratio is <= 0.016 at these sizes; the band is ~4 of them.
    CHECK(ratio == Approx(std::pow(2.0, alpha)).margin(0.06));

    double harmonic = 0.0;
    for (std::uint64_t r = 1; r <= kKeys; ++r) {
      harmonic += std::pow(static_cast<double>(r), -alpha);
    }
    CHECK(static_cast<double>(counts[order[0]]) / kDraws == Approx(1.0 / harmonic).epsilon(0.03));
    // Popular ranks are scattered over the ids, not keys 0, 1, 2.
    CHECK_FALSE((order[0] < 3 && order[1] < 3 && order[2] < 3));
  }
}

TEST_CASE("zipf frequencies match the exact distribution on ten keys", "[trace][generator]") {
  // With ten keys and a million draws the ranks are told apart by their counts (adjacent ranks
  // differ by > 10 standard deviations), so every rank's count can be checked, tail included.
  for (const double alpha : {0.5, 1.5, 3.0}) {
    INFO("alpha = " << alpha);
    constexpr std::uint64_t kDraws = 1'000'000;
    std::vector<double> counts(10, 0.0);
    for (const auto key : draw({.kind = GeneratorKind::zipf,
                          .keys = 10,
                          .requests = kDraws,
                          .alpha = alpha,
                          .seed = 21},
                               kDraws)) {
      REQUIRE(key < 10);
      counts[key] += 1.0;
    }
    std::sort(counts.rbegin(), counts.rend());
    double harmonic = 0.0;
    for (int r = 1; r <= 10; ++r) {
      harmonic += std::pow(r, -alpha);
    }
    for (int r = 1; r <= 10; ++r) {
      const double p = std::pow(r, -alpha) / harmonic;
      const double expected = p * kDraws;
      INFO("rank " << r << ": expected " << expected << ", got "
                   << counts[static_cast<std::size_t>(r - 1)]);
      CHECK(std::abs(counts[static_cast<std::size_t>(r - 1)] - expected) <
            5.0 * std::sqrt(expected * (1.0 - p)));
    }
  }
}

TEST_CASE("zipf with alpha 0 and uniform cover every key evenly", "[trace][generator]") {
  for (const auto& config :
       {GeneratorConfig{.kind = GeneratorKind::uniform, .keys = 100, .requests = 100000, .seed = 3},
        GeneratorConfig{.kind = GeneratorKind::zipf,
        .keys = 100,
        .requests = 100000,
        .alpha = 0.0,
        .seed = 3}}) {
    INFO(purecache::sim::to_string(config.kind));
    std::vector<std::uint64_t> counts(100, 0);
    for (const auto key : draw(config, config.requests)) {
      REQUIRE(key < 100);
      ++counts[key];
    }
    // Mean 1000, standard deviation ~31: every key is seen and none is far off.
    CHECK(*std::min_element(counts.begin(), counts.end()) > 850);
    CHECK(*std::max_element(counts.begin(), counts.end()) < 1150);
  }
}

TEST_CASE("loop cycles through the keys and scan never repeats one", "[trace][generator]") {
  CHECK(text_keys({.kind = GeneratorKind::loop, .keys = 3, .requests = 7}) ==
        std::vector<std::uint64_t>{0, 1, 2, 0, 1, 2, 0});
  CHECK(text_keys({.kind = GeneratorKind::scan, .keys = 3, .requests = 5}) ==
        std::vector<std::uint64_t>{0, 1, 2, 3, 4});
  CHECK(generate({.kind = GeneratorKind::loop, .keys = 2, .requests = 3}, GeneratorOutput::text) ==
        "0\n1\n0\n");
}

TEST_CASE("mix sends a tenth of requests to fresh keys in order", "[trace][generator]") {
  constexpr std::uint64_t kKeys = 100;
  const auto keys =
      draw({.kind = GeneratorKind::mix, .keys = kKeys, .requests = 100000, .seed = 9}, 100000);
  std::uint64_t next_fresh = kKeys;
  for (const auto key : keys) {
    if (key >= kKeys) {
      REQUIRE(key == next_fresh);
      ++next_fresh;
    }
  }
  const std::uint64_t fresh = next_fresh - kKeys;
  CHECK(fresh > 9400);  // 10000 expected, standard deviation 95
  CHECK(fresh < 10600);
}

TEST_CASE("csv rows carry synthetic time, a size derived from the key and get",
          "[trace][generator]") {
  const GeneratorConfig config{
      .kind = GeneratorKind::uniform, .keys = 50, .requests = 2500, .seed = 4};
  const auto keys = text_keys(config);
  std::istringstream in(generate(config, GeneratorOutput::csv));
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "timestamp,key,size,op");
  std::size_t i = 0;
  while (std::getline(in, line)) {
    REQUIRE(i < keys.size());
    const std::uint32_t size = purecache::sim::synthetic_object_size(keys[i]);
    CHECK(line == std::to_string(i / 1000) + "," + std::to_string(keys[i]) + "," +
                      std::to_string(size) + ",get");
    CHECK(size % 1024 == 0);
    CHECK(size >= 1024);
    CHECK(size <= 65536);
    ++i;
  }
  CHECK(i == 2500);
}

TEST_CASE("synthetic sizes spread over 1..64 KiB", "[trace][generator]") {
  std::map<std::uint32_t, int> seen;
  for (std::uint64_t key = 0; key < 10000; ++key) {
    ++seen[purecache::sim::synthetic_object_size(key)];
  }
  CHECK(seen.size() == 64);
  CHECK(seen.begin()->first == 1024);
  CHECK(seen.rbegin()->first == 65536);
}

TEST_CASE("oracle_general next_access_vtime matches a naive recomputation", "[trace][generator]") {
  // mix exercises fresh keys; uniform over many keys exercises the sparse (hash map) path.
  for (const auto& config :
       {GeneratorConfig{.kind = GeneratorKind::mix, .keys = 20, .requests = 3000, .seed = 8},
        GeneratorConfig{.kind = GeneratorKind::uniform, .keys = 5000, .requests = 500, .seed = 8},
        GeneratorConfig{.kind = GeneratorKind::loop, .keys = 4, .requests = 10}}) {
    INFO(purecache::sim::to_string(config.kind));
    const auto records = oracle_records(config);
    const auto keys = text_keys(config);
    REQUIRE(records.size() == config.requests);
    std::size_t repeats = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      REQUIRE(records[i].id == keys[i]);
      CHECK(records[i].timestamp == i / 1000);
      CHECK(records[i].size == purecache::sim::synthetic_object_size(keys[i]));
      std::int64_t expected = -1;
      for (std::size_t j = i + 1; j < keys.size(); ++j) {
        if (keys[j] == keys[i]) {
          expected = static_cast<std::int64_t>(j + 1);
          break;
        }
      }
      REQUIRE(records[i].next == expected);
      repeats += expected == -1 ? 0 : 1;
    }
    CHECK(repeats > 0);
  }
  const auto loop = oracle_records({.kind = GeneratorKind::loop, .keys = 4, .requests = 10});
  CHECK(loop[0].next == 5);
  CHECK(loop[9].next == -1);
}

TEST_CASE("generator configs are validated with exact messages", "[trace][generator]") {
  const GeneratorConfig good{.kind = GeneratorKind::zipf, .keys = 10, .requests = 10};
  CHECK(config_error(good) == "no error");
  auto with = [&](auto change) {
    GeneratorConfig config = good;
    change(config);
    return config_error(config);
  };
  CHECK(with([](auto& c) { c.keys = 0; }) == "keys must be >= 1, got 0");
  CHECK(with([](auto& c) { c.keys = (1ULL << 32) + 1; }) ==
        "keys must be <= 4294967296, got 4294967297");
  CHECK(with([](auto& c) { c.requests = 0; }) == "requests must be >= 1, got 0");
  CHECK(with([](auto& c) { c.alpha = -0.5; }) == "alpha must be >= 0, got -0.5");
  CHECK(with([](auto& c) { c.alpha = std::numeric_limits<double>::infinity(); }) ==
        "alpha must be finite, got inf");
  CHECK(with([](auto& c) { c.alpha = std::numeric_limits<double>::quiet_NaN(); }) ==
        "alpha must be finite, got nan");

  std::ostringstream out;
  CHECK_THROWS_WITH(
      purecache::sim::generate_trace({.keys = 0, .requests = 1}, GeneratorOutput::text, out),
      "keys must be >= 1, got 0");
  CHECK_THROWS_WITH(TraceGenerator({.keys = 1, .requests = 0}), "requests must be >= 1, got 0");
  CHECK(out.str().empty());
}

TEST_CASE("the largest key count is accepted", "[trace][generator]") {
  const auto keys =
      draw({.kind = GeneratorKind::uniform, .keys = 1ULL << 32, .requests = 100}, 100);
  CHECK(std::all_of(keys.begin(), keys.end(), [](std::uint64_t k) { return k < (1ULL << 32); }));
  CHECK(std::any_of(keys.begin(), keys.end(), [](std::uint64_t k) { return k >= (1ULL << 31); }));
}

TEST_CASE("generator words parse and print as the CLI spells them", "[trace][generator]") {
  for (const auto kind : {GeneratorKind::zipf, GeneratorKind::uniform, GeneratorKind::scan,
                          GeneratorKind::loop, GeneratorKind::mix}) {
    CHECK(purecache::sim::parse_generator_kind(purecache::sim::to_string(kind)) == kind);
  }
  for (const auto output :
       {GeneratorOutput::text, GeneratorOutput::csv, GeneratorOutput::oracle_general}) {
    CHECK(purecache::sim::parse_generator_output(purecache::sim::to_string(output)) == output);
  }
  CHECK(purecache::sim::to_string(GeneratorOutput::oracle_general) == "oracle-general");
  CHECK_THROWS_WITH(purecache::sim::parse_generator_kind("zipfian"),
                    "kind must be one of zipf, uniform, scan, loop, mix, got 'zipfian'");
  CHECK_THROWS_WITH(purecache::sim::parse_generator_output("bin"),
                    "format must be one of text, csv, oracle-general, got 'bin'");
}

TEST_CASE("generating into a path writes the same bytes as into a stream", "[trace][generator]") {
  // Per process: other checkouts may run this test at the same time.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("purecache-generator-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "trace.bin";
  const GeneratorConfig config{.kind = GeneratorKind::mix, .keys = 30, .requests = 500, .seed = 2};
  purecache::sim::generate_trace(config, GeneratorOutput::oracle_general, path);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  CHECK(bytes == generate(config, GeneratorOutput::oracle_general));

  const auto missing = dir / "no-such-dir" / "trace.txt";
  CHECK_THROWS_WITH(purecache::sim::generate_trace(config, GeneratorOutput::text, missing),
                    missing.string() + ": cannot write the trace: No such file or directory");
  // A bad config is reported before the file is touched.
  CHECK_THROWS_AS(
      purecache::sim::generate_trace({.keys = 0, .requests = 1}, GeneratorOutput::text, path),
      ConfigError);
  CHECK(std::filesystem::file_size(path) == 500 * 24);
  std::filesystem::remove_all(dir);
}
