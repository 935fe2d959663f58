#pragma once
/// Validation shared by the cores' constructors.

#include <cstddef>
#include <string>
#include <string_view>

#include "purecache/core/core_config.hpp"
#include "purecache/error.hpp"

namespace purecache::detail {

/// Bounded cores need room for at least one entry.
inline std::size_t checked_capacity(const CoreConfig& config) {
  if (config.capacity == 0) throw_config_error("capacity", "0", "must be >= 1");
  return config.capacity;
}

/// Expiring cores need a positive default TTL.
inline Duration checked_ttl(const CoreConfig& config) {
  if (config.ttl <= Duration::zero()) {
    throw_config_error("ttl", std::to_string(config.ttl.count()) + " ns", "must be > 0 ns");
  }
  return config.ttl;
}

/// Policies without knobs refuse any: a misspelt knob must not pass silently.
inline void check_no_parameters(std::string_view policy, const CoreConfig& config) {
  if (!config.parameters.empty()) {
    throw_config_error(std::string(policy) + " parameters", detail::quoted(config.parameters),
                       "must be empty: the policy has no knobs");
  }
}

}  // namespace purecache::detail
