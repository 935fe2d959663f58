#pragma once
/// A cache size as the command line gives it: entries, or a share of the trace's distinct keys.

#include <cstdint>
#include <string_view>

namespace purecache::sim {

/// "N" entries or "P%" of the distinct keys.
struct CapacitySpec {
  std::uint64_t entries = 0;  // when !is_percent, >= 1
  double percent = 0;         // when is_percent, in (0, 100]
  bool is_percent = false;
};

/// Parses "N" (N >= 1) or "P%" (0 < P <= 100). Throws ConfigError naming `option`:
/// "capacity must be >= 1, got '0'".
[[nodiscard]] CapacitySpec parse_capacity(std::string_view text,
                                          std::string_view option = "capacity");

/// The entries `spec` stands for with `distinct_keys` keys: N, or floor(keys * P / 100), at
/// least 1.
[[nodiscard]] std::uint64_t capacity_entries(const CapacitySpec& spec,
                                             std::uint64_t distinct_keys) noexcept;

}  // namespace purecache::sim
