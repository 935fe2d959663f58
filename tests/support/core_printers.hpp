#pragma once
/// How Catch prints the cores' stats types in failed assertions (instead of "{?}").

#include <catch2/catch.hpp>

#include <string>

#include "purecache/core/core_stats.hpp"

namespace Catch {

/// "{capacity 3, expired 1}".
template <>
struct StringMaker<purecache::EvictionCounts> {
  static std::string convert(const purecache::EvictionCounts& counts) {
    return "{capacity " + std::to_string(counts.capacity) + ", expired " +
           std::to_string(counts.expired) + "}";
  }
};

}  // namespace Catch
