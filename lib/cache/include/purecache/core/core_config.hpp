#pragma once
/// The one configuration every core and backend is built from.

#include <cstddef>
#include <cstdint>
#include <string>

#include "purecache/core/time.hpp"

namespace purecache {

/// Set with designated initializers: `CoreConfig{.capacity = 1000, .ttl =
/// std::chrono::seconds(60)}`. Each core validates what it uses and throws ConfigError naming the
/// parameter and value. Bounded cores are bounded either by entries (capacity >= 1) or by weight
/// (max_weight >= 1, with a Weigher passed beside the config), never both. Expiring cores (TTL,
/// LRU+TTL) need ttl > 0. Cores ignore fields they do not use.
struct CoreConfig {
  std::size_t capacity = 0;      // maximum number of entries (bounded cores, count mode)
  Duration ttl{0};               // default time to live (expiring cores)
  std::uint64_t max_weight = 0;  // > 0: bounded by the sum of the weigher's weights instead
  /// Policy parameters as "name=value" pairs separated by commas, for cores that have knobs
  /// (docs/policies.md); empty: the policy's defaults. Cores without knobs require it empty.
  std::string parameters{};
};

}  // namespace purecache
