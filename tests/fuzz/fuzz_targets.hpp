#pragma once
// The registry of fuzz targets: one row per target, used by the libFuzzer entry point
// (fuzz_main.cpp, built once per row) and by tests/trace/fuzz_regression_test.cpp, which replays
// the corpora and the saved findings. The names are those of tests/fuzz/corpus/<name>/ and of the
// executables fuzz_<name>. docs/fuzzing.md.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fuzz/cli_fuzz.hpp"
#include "fuzz/reader_fuzz.hpp"
#include "fuzz/trace_model.hpp"
#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::fuzz {

/// One input through one target: "" if every check held. A crash or an escaping exception is a
/// finding too.
using FuzzEntry = std::string (*)(std::span<const std::uint8_t> input);

struct FuzzTarget {
  std::string_view name;  // corpus directory and executable suffix
  FuzzEntry run;
};

template <sim::TraceFormat kFormat>
std::string forced_format(std::span<const std::uint8_t> input) {
  // The name has no .zst, so only the zstd magic makes the reader decompress.
  return run_reader_target({"input.trace", kFormat}, input);
}

inline std::string zstd_framing(std::span<const std::uint8_t> input) {
  return run_reader_target({"input.zst", sim::TraceFormat::auto_detect}, input);
}

inline std::string detection(std::span<const std::uint8_t> input) {
  // No extension: the name rules pass, so the content decides.
  return run_reader_target({"input", sim::TraceFormat::auto_detect}, input);
}

inline constexpr std::array kFuzzTargets{
    FuzzTarget{"text", forced_format<sim::TraceFormat::text>},
    FuzzTarget{"csv", forced_format<sim::TraceFormat::csv>},
    FuzzTarget{"oracle_general", forced_format<sim::TraceFormat::oracle_general>},
    FuzzTarget{"twitter", forced_format<sim::TraceFormat::twitter>},
    FuzzTarget{"zstd", zstd_framing},
    FuzzTarget{"detect", detection},
    FuzzTarget{"trace_model", model::check_trace_model},
    FuzzTarget{"cli", run_cli_input},
};

/// The row named `name`, or nullptr.
inline const FuzzTarget* find_fuzz_target(std::string_view name) noexcept {
  for (const FuzzTarget& target : kFuzzTargets) {
    if (target.name == name) return &target;
  }
  return nullptr;
}

/// find_fuzz_target(name)->run(input), compiled once (fuzz_targets.cpp) for every fuzz_<name>
/// executable. Aborts on an unknown name.
std::string run_fuzz_target(std::string_view name, std::span<const std::uint8_t> input);

}  // namespace purecache::fuzz
