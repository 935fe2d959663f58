#pragma once
// A generated csv trace with every kind of request, for tests that compare replays.

#include <cstdint>
#include <string>

#include "support/split_mix64.hpp"

namespace purecache::test {

/// A csv trace of gets, sets and deletes with per-request TTLs, over numeric keys or names.
inline std::string mixed_trace(bool names) {
  std::string text = "timestamp,key,size,op,ttl\n";
  purecache::test::SplitMix64 random(7);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t r = random.next();
    const std::uint64_t key = (r >> 8) % 700;
    const char* op = (r & 15) < 11 ? "get" : ((r & 15) < 14 ? "set" : "delete");
    text += std::to_string(i / 10) + "." + std::to_string(i % 10) + "," +
            (names ? "user:" : "") + std::to_string(key) + "," + std::to_string(100 + key) + "," +
            op + "," + std::to_string((r >> 40) % 30) + "\n";
  }
  return text;
}

}  // namespace purecache::test
