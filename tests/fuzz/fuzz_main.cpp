// libFuzzer's entry point for the target PURECACHE_FUZZ_TARGET (a row of kFuzzTargets). A broken
// check is a crash: the explanation goes to stderr, then __builtin_trap() so that libFuzzer saves
// the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem =
      purecache::fuzz::run_fuzz_target(PURECACHE_FUZZ_TARGET, std::span(data, size));
  if (!problem.empty()) {
    // Messages quote input bytes: show control bytes (NUL above all) as \xNN.
    std::fprintf(stderr, "\n==fuzz target %s: ", PURECACHE_FUZZ_TARGET);
    for (const char c : problem) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7F) {
        std::fprintf(stderr, "\\x%02X", byte);
      } else {
        std::fputc(c, stderr);
      }
    }
    std::fputc('\n', stderr);
    std::fflush(stderr);
    __builtin_trap();
  }
  return 0;
}
