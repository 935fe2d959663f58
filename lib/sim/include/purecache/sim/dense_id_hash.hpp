#pragma once
/// The key hash the simulator gives a core whose keys are interned trace ids.

#include <cstdint>

#include "purecache/sim/dense_key_index.hpp"

namespace purecache::sim {

/// For keys that are already small dense numbers (interned trace keys 0, 1, 2, ...). Its
/// `index_type` tells the core's entry table to index entries by an array of the key range
/// instead of a hash table: a lookup is one load.
struct DenseIdHash {
  using index_type = DenseKeyIndex;
  [[nodiscard]] std::uint64_t operator()(std::uint32_t id) const noexcept { return id; }
};

}  // namespace purecache::sim
