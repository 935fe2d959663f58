#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

fs::path source_path(const char* relative) { return fs::path(PURECACHE_SOURCE_DIR) / relative; }

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir))
    entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::vector<std::uint8_t> bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs every file under root/<target>/ through the fuzz target of that name, as the fuzzer
/// would: no crash, no exception other than a caught TraceError, no broken check.
void replay_through_targets(const fs::path& root) {
  for (const fs::path& dir : sorted_entries(root)) {
    const std::string name = dir.filename().string();
    INFO("target " << name);
    const purecache::fuzz::FuzzTarget* target = purecache::fuzz::find_fuzz_target(name);
    REQUIRE(target != nullptr);
    for (const fs::path& file : sorted_entries(dir)) {
      INFO("input " << file.string());
      std::string problem;
      REQUIRE_NOTHROW(problem = target->run(bytes_of(file)));
      CHECK(problem == "");
    }
  }
}

}  // namespace

TEST_CASE("every fuzz target has a seed corpus, and every corpus a target", "[trace][fuzz]") {
  std::set<std::string> corpora;
  for (const fs::path& dir : sorted_entries(source_path("tests/fuzz/corpus"))) {
    corpora.insert(dir.filename().string());
    CHECK_FALSE(fs::is_empty(dir));
  }
  std::set<std::string> targets;
  for (const auto& target : purecache::fuzz::kFuzzTargets)
    targets.emplace(target.name);
  CHECK(corpora == targets);
}

TEST_CASE("the seed corpora pass every fuzz target's checks", "[trace][fuzz]") {
  replay_through_targets(source_path("tests/fuzz/corpus"));
}

TEST_CASE("inputs the fuzzers found replay to success or a clean TraceError", "[trace][fuzz]") {
  REQUIRE(fs::is_directory(source_path("tests/data/fuzz")));
  replay_through_targets(source_path("tests/data/fuzz"));
}
