// The policy cores as the simulator builds them: interned dense key ids indexed by an array
// (sim::DenseIdHash), checked against the same reference models as the library's cores.

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "purecache/sim/dense_id_hash.hpp"
#include "support/core_differential.hpp"

namespace {
using namespace purecache::test::differential;
}  // namespace

TEST_CASE("every core matches its model when keys are dense ids indexed by array",
          "[core][differential][dense]") {
  using purecache::sim::DenseIdHash;
  using purecache::test::LFUModel;
  using purecache::test::LRUModel;
  using purecache::test::LRUTTLModel;
  using purecache::test::TTLModel;
  using K = std::uint32_t;  // what the simulator's interned trace keys are
  using V = std::string;
  using Eq = std::equal_to<K>;
  for (const std::size_t capacity : kCapacities) {
    const Workload bounded = workload_for(capacity, false);
    const Workload expiring = workload_for(capacity, true);
    check_against_model<purecache::LRUCore<K, V, DenseIdHash, Eq>, LRUModel<K, V>>(
        "LRUCore<DenseIdHash>", bounded, seed_for(41, capacity), kOperations);
    check_against_model<purecache::LFUCore<K, V, DenseIdHash, Eq>, LFUModel<K, V>>(
        "LFUCore<DenseIdHash>", bounded, seed_for(42, capacity), kOperations);
    check_against_model<purecache::TTLCore<K, V, DenseIdHash, Eq>, TTLModel<K, V>>(
        "TTLCore<DenseIdHash>", expiring, seed_for(43, capacity), kOperations);
    check_against_model<purecache::LRUTTLCore<K, V, DenseIdHash, Eq>, LRUTTLModel<K, V>>(
        "LRUTTLCore<DenseIdHash>", expiring, seed_for(44, capacity), kOperations);
  }
  check_against_model<purecache::LFUCore<K, V, DenseIdHash, Eq>, LFUModel<K, V>>(
      "LFUCore<DenseIdHash>", workload_for(kLargeCapacity, false), seed_for(42, kLargeCapacity),
      kLargeOperations);
}
