#pragma once
/// The one configuration every core and backend is built from.

#include <cstddef>

#include "purecache/core/time.hpp"

namespace purecache {

/// Set with designated initializers: `CoreConfig{.capacity = 1000, .ttl =
/// std::chrono::seconds(60)}`. Each core validates what it uses and throws ConfigError naming the
/// parameter and value: bounded cores (LRU, LFU, LRU+TTL) need capacity >= 1; expiring cores (TTL,
/// LRU+TTL) need ttl > 0. Cores ignore fields they do not use.
struct CoreConfig {
  std::size_t capacity = 0;  // maximum number of entries (bounded cores)
  Duration ttl{0};           // default time to live (expiring cores)
};

}  // namespace purecache
