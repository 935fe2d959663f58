#include "fuzz/fuzz_targets.hpp"

#include <cstdio>
#include <cstdlib>

namespace purecache::fuzz {

std::string run_fuzz_target(std::string_view name, std::span<const std::uint8_t> input) {
  const FuzzTarget* const target = find_fuzz_target(name);
  if (target == nullptr) {
    std::fprintf(stderr, "no fuzz target named '%.*s'\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return target->run(input);
}

}  // namespace purecache::fuzz
