#include "capacity_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "purecache/error.hpp"

namespace purecache::sim {

CapacitySpec parse_capacity(std::string_view text, std::string_view option) {
  const auto reject = [&](std::string_view requirement) {
    purecache::detail::throw_config_error(option, purecache::detail::quoted(text), requirement);
  };
  CapacitySpec spec;
  const bool is_percent = !text.empty() && text.back() == '%';
  const std::string_view number = is_percent ? text.substr(0, text.size() - 1) : text;
  const char* end = number.data() + number.size();
  if (is_percent) {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.percent);
    if (ec != std::errc{} || ptr != end || !(spec.percent > 0) || spec.percent > 100) {
      reject("percentage must be in (0, 100]");
    }
    spec.is_percent = true;
  } else {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.entries);
    if (ec != std::errc{} || ptr != end || number.empty()) {
      reject("must be a positive number of entries or a percentage like 10%");
    }
    if (spec.entries == 0) reject("must be >= 1");
  }
  return spec;
}

std::uint64_t capacity_entries(const CapacitySpec& spec, std::uint64_t distinct_keys) noexcept {
  if (!spec.is_percent) return spec.entries;
  const auto share = static_cast<double>(distinct_keys) * spec.percent / 100.0;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::floor(share + 1e-9)));
}

}  // namespace purecache::sim
