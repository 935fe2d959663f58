#pragma once
/// One decoded trace request, as the replay consumes it.

#include <cstdint>

#include "purecache/core/time.hpp"

namespace purecache::sim {

/// What a request asks of the cache. Enumerators match the CSV/CLI words ("delete" -> erase).
enum class Op : std::uint8_t { get, set, erase };

/// Dense key id: traces intern their keys (strings or 64-bit ids) to 0, 1, 2, ... in order of
/// first appearance, so backends store 4-byte keys and the id table grows with distinct keys only.
using KeyId = std::uint32_t;

/// Plain 32-byte record; fields a format lacks are zero.
struct Request {
  Timestamp time{0};       // trace time since the trace's epoch (0 when the format has none)
  Duration ttl{0};         // per-request TTL from the trace; 0 = none given
  KeyId key = 0;           // interned key
  std::uint32_t size = 0;  // object size in bytes; 0 = unknown
  Op op = Op::get;
};

}  // namespace purecache::sim
