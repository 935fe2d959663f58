// The generator's up-front checks (memory, disk) and its file output: replaced whole or not at
// all.

#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "purecache-sim/cli.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_generator.hpp"
#include "support/temp_files.hpp"

using purecache::sim::GeneratorConfig;
using purecache::sim::GeneratorKind;
using purecache::sim::GeneratorOutput;
using purecache::test::read_text;
using purecache::test::TempFolder;
using purecache::test::write_text;

namespace {
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
constexpr std::uint64_t kMaxKeys = std::uint64_t{1} << 32;
}  // namespace

TEST_CASE("the generator's memory estimate covers the zipf table and oracle-general's pass",
          "[trace][generator]") {
  using purecache::sim::generator_memory_bytes;
  const GeneratorConfig zipf{.kind = GeneratorKind::zipf, .keys = kMaxKeys, .requests = 10};
  CHECK(generator_memory_bytes(zipf, GeneratorOutput::text) == 36 * kMaxKeys);
  const GeneratorConfig loop{.kind = GeneratorKind::loop, .keys = 1000, .requests = 1'000'000};
  CHECK(generator_memory_bytes(loop, GeneratorOutput::text) == 0);
  CHECK(generator_memory_bytes(loop, GeneratorOutput::oracle_general) == 8'000'000 + 8'000);
  // Far more keys than requests: a hash map of the keys drawn, not a table of all keys.
  const GeneratorConfig sparse{.kind = GeneratorKind::uniform, .keys = kMaxKeys, .requests = 10};
  CHECK(generator_memory_bytes(sparse, GeneratorOutput::oracle_general) == 80 + 10 * 48);
  const GeneratorConfig huge{.kind = GeneratorKind::mix, .keys = 10, .requests = UINT64_MAX};
  CHECK(generator_memory_bytes(huge, GeneratorOutput::oracle_general) == UINT64_MAX);
  CHECK(purecache::sim::minimum_trace_bytes(huge, GeneratorOutput::text) == UINT64_MAX);
  CHECK(purecache::sim::minimum_trace_bytes(loop, GeneratorOutput::csv) == 22 + 13'000'000);
  CHECK(purecache::sim::minimum_trace_bytes(loop, GeneratorOutput::oracle_general) == 24'000'000);
}

TEST_CASE("the generator refuses what does not fit, saying how much it needs and has",
          "[trace][generator]") {
  using purecache::sim::check_generator_resources;
  const GeneratorConfig zipf{.kind = GeneratorKind::zipf, .keys = kMaxKeys, .requests = 10};
  CHECK_THROWS_AS(check_generator_resources(zipf, GeneratorOutput::text, 16 * kGiB, UINT64_MAX),
                  purecache::ConfigError);
  CHECK_THROWS_WITH(
      check_generator_resources(zipf, GeneratorOutput::text, 16 * kGiB, UINT64_MAX),
      "generating this trace needs about 144.0 GiB of memory, but 16.0 GiB is available");
  CHECK_NOTHROW(check_generator_resources(zipf, GeneratorOutput::text, 200 * kGiB, 1000));
  const GeneratorConfig loop{.kind = GeneratorKind::loop, .keys = 10, .requests = 1'000'000};
  CHECK_THROWS_WITH(
      check_generator_resources(loop, GeneratorOutput::oracle_general, UINT64_MAX, 1'000'000),
      "the trace needs at least 22.9 MiB of disk, but 976.6 KiB is free there");
  CHECK_NOTHROW(
      check_generator_resources(loop, GeneratorOutput::oracle_general, 9'000'000, 24'000'000));
}

TEST_CASE("zipf and mix at the maximum --keys run where the memory is, or are refused up front",
          "[trace][generator]") {
  const GeneratorConfig config{.kind = GeneratorKind::zipf, .keys = kMaxKeys, .requests = 1};
  const std::uint64_t needed =
      purecache::sim::generator_memory_bytes(config, GeneratorOutput::text);
  if (purecache::sim::available_memory_bytes() >= needed) {
    WARN("skipped: this machine could build the 144 GiB table, which takes minutes");
    return;
  }
  const TempFolder folder;
  for (const std::string kind : {"zipf", "mix"}) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = purecache::sim::run_cli({"gen", kind, "--keys", "4294967296", "--requests",
                                              "1", "--seed", "1", "-o", folder.file("t.txt")},
                                             out, err);
    CHECK(code == 2);
    CHECK(err.str().rfind(
              "purecache-sim: error: generating this trace needs about 144.0 GiB of memory, but ",
              0) == 0);
  }
  CHECK(folder.names().empty());
}

TEST_CASE("a stopped generator writes nothing and leaves its target as it was",
          "[trace][generator]") {
  const TempFolder folder;
  const std::string target = folder.file("t.bin");
  const std::atomic<int> stop{SIGINT};
  const GeneratorConfig config{.kind = GeneratorKind::zipf, .keys = 100, .requests = 100'000};
  for (const auto output :
       {GeneratorOutput::text, GeneratorOutput::csv, GeneratorOutput::oracle_general}) {
    CHECK_FALSE(purecache::sim::generate_trace(config, output, target, &stop));
    CHECK(folder.names().empty());
  }
  write_text(target, "old");
  CHECK_FALSE(purecache::sim::generate_trace(config, GeneratorOutput::text, target, &stop));
  CHECK(read_text(target) == "old");
  CHECK(folder.names() == std::vector<std::string>{"t.bin"});

  const std::atomic<int> no_stop{0};
  CHECK(purecache::sim::generate_trace(config, GeneratorOutput::text, target, &no_stop));
  std::ostringstream expected;
  purecache::sim::generate_trace(config, GeneratorOutput::text, expected);
  CHECK(read_text(target) == expected.str());
  CHECK(folder.names() == std::vector<std::string>{"t.bin"});
}
