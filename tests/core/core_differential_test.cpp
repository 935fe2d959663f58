// Each core against its naive reference model over long seeded random operation sequences.
// Every result, size and eviction count is compared after every operation; the first difference
// is shrunk to a short failing sequence, which the failure message prints.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "purecache/core/eviction_core.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "support/core_differential.hpp"
#include "support/test_values.hpp"

namespace {

using namespace purecache::test::differential;

/// Every key collides: one hash for all, in the last slot's home so probing wraps around.
struct ConstantHash {
  using is_avalanching = void;  // placed exactly as written, not mixed
  std::uint64_t operator()(std::uint64_t /*key*/) const noexcept { return ~std::uint64_t{0}; }
};

/// Four hash values only, two homed at the end of the table and two elsewhere, so clusters of
/// different homes interleave and wrap around.
struct FourWayHash {
  using is_avalanching = void;  // placed exactly as written, not mixed
  std::uint64_t operator()(std::uint64_t key) const noexcept {
    constexpr std::uint64_t kHashes[] = {~std::uint64_t{0}, ~std::uint64_t{0} - (1ULL << 32), 0,
                                         1ULL << 63};
    return kHashes[key % 4];
  }
};

}  // namespace

TEST_CASE("LRU matches the reference model over random operations", "[core][lru][differential]") {
  using purecache::LRUCore;
  using purecache::test::LRUModel;
  for (const std::size_t capacity : kCapacities) {
    const Workload workload = workload_for(capacity, false);
    const Replay result = check_against_model<LRUCore<std::uint64_t, std::string>,
                                              LRUModel<std::uint64_t, std::string>>(
        "LRUCore", workload, seed_for(1, capacity), kOperations);
    if (!result.mismatch) {  // else the counts mean nothing
      CHECK(result.evictions.capacity > 1'000);
      CHECK(result.hits > 1'000);
    }
  }
  check_against_model<LRUCore<std::string, std::string>, LRUModel<std::string, std::string>>(
      "LRUCore<string>", workload_for(7, false), seed_for(11, 7), kOperations);
  check_against_model<LRUCore<std::uint64_t, std::string>, LRUModel<std::uint64_t, std::string>>(
      "LRUCore", workload_for(kLargeCapacity, false), seed_for(1, kLargeCapacity),
      kLargeOperations);
}

TEST_CASE("LFU matches the reference model over random operations", "[core][lfu][differential]") {
  using purecache::LFUCore;
  using purecache::test::LFUModel;
  for (const std::size_t capacity : kCapacities) {
    const Workload workload = workload_for(capacity, false);
    const Replay result = check_against_model<LFUCore<std::uint64_t, std::string>,
                                              LFUModel<std::uint64_t, std::string>>(
        "LFUCore", workload, seed_for(2, capacity), kOperations);
    if (!result.mismatch) {  // else the counts mean nothing
      CHECK(result.evictions.capacity > 1'000);
      CHECK(result.hits > 1'000);
    }
  }
  check_against_model<LFUCore<std::string, std::string>, LFUModel<std::string, std::string>>(
      "LFUCore<string>", workload_for(7, false), seed_for(12, 7), kOperations);
  check_against_model<LFUCore<std::uint64_t, std::string>, LFUModel<std::uint64_t, std::string>>(
      "LFUCore", workload_for(kLargeCapacity, false), seed_for(2, kLargeCapacity),
      kLargeOperations);
}

TEST_CASE("TTL matches the reference model over random operations", "[core][ttl][differential]") {
  using purecache::TTLCore;
  using purecache::test::TTLModel;
  for (const std::size_t capacity : kCapacities) {
    const Workload workload = workload_for(capacity, true);
    const Replay result = check_against_model<TTLCore<std::uint64_t, std::string>,
                                              TTLModel<std::uint64_t, std::string>>(
        "TTLCore", workload, seed_for(3, capacity), kOperations);
    if (!result.mismatch) {  // else the counts mean nothing
      CHECK(result.evictions.capacity == 0);
      CHECK(result.evictions.expired > 1'000);
      CHECK(result.hits > 1'000);
    }
  }
  check_against_model<TTLCore<std::string, std::string>, TTLModel<std::string, std::string>>(
      "TTLCore<string>", workload_for(7, true), seed_for(13, 7), kOperations);
  check_against_model<TTLCore<std::uint64_t, std::string>, TTLModel<std::uint64_t, std::string>>(
      "TTLCore", workload_for(kLargeCapacity, true), seed_for(3, kLargeCapacity), kLargeOperations);
}

TEST_CASE("LRU+TTL matches the reference model over random operations",
          "[core][lru-ttl][differential]") {
  using purecache::LRUTTLCore;
  using purecache::test::LRUTTLModel;
  for (const std::size_t capacity : kCapacities) {
    const Workload workload = workload_for(capacity, true);
    const Replay result = check_against_model<LRUTTLCore<std::uint64_t, std::string>,
                                              LRUTTLModel<std::uint64_t, std::string>>(
        "LRUTTLCore", workload, seed_for(4, capacity), kOperations);
    if (!result.mismatch) {  // else the counts mean nothing
      CHECK(result.evictions.capacity > 1'000);
      CHECK(result.evictions.expired > 1'000);
      CHECK(result.hits > 1'000);
    }
  }
  check_against_model<LRUTTLCore<std::string, std::string>, LRUTTLModel<std::string, std::string>>(
      "LRUTTLCore<string>", workload_for(7, true), seed_for(14, 7), kOperations);
  check_against_model<LRUTTLCore<std::uint64_t, std::string>,
                      LRUTTLModel<std::uint64_t, std::string>>(
      "LRUTTLCore", workload_for(kLargeCapacity, true), seed_for(4, kLargeCapacity),
      kLargeOperations);
}

TEST_CASE("every core matches its model when keys collide in the hash index",
          "[core][differential]") {
  using purecache::test::LFUModel;
  using purecache::test::LRUModel;
  using purecache::test::LRUTTLModel;
  using purecache::test::TTLModel;
  using K = std::uint64_t;
  using V = std::string;
  using Eq = std::equal_to<K>;
  for (const std::size_t capacity : {std::size_t{7}, std::size_t{64}}) {
    const Workload bounded = workload_for(capacity, false);
    const Workload expiring = workload_for(capacity, true);
    check_against_model<purecache::LRUCore<K, V, ConstantHash, Eq>, LRUModel<K, V>>(
        "LRUCore<ConstantHash>", bounded, seed_for(21, capacity), kCollisionOperations);
    check_against_model<purecache::LRUCore<K, V, FourWayHash, Eq>, LRUModel<K, V>>(
        "LRUCore<FourWayHash>", bounded, seed_for(31, capacity), kCollisionOperations);
    check_against_model<purecache::LFUCore<K, V, ConstantHash, Eq>, LFUModel<K, V>>(
        "LFUCore<ConstantHash>", bounded, seed_for(22, capacity), kCollisionOperations);
    check_against_model<purecache::LFUCore<K, V, FourWayHash, Eq>, LFUModel<K, V>>(
        "LFUCore<FourWayHash>", bounded, seed_for(32, capacity), kCollisionOperations);
    check_against_model<purecache::TTLCore<K, V, ConstantHash, Eq>, TTLModel<K, V>>(
        "TTLCore<ConstantHash>", expiring, seed_for(23, capacity), kCollisionOperations);
    check_against_model<purecache::TTLCore<K, V, FourWayHash, Eq>, TTLModel<K, V>>(
        "TTLCore<FourWayHash>", expiring, seed_for(33, capacity), kCollisionOperations);
    check_against_model<purecache::LRUTTLCore<K, V, ConstantHash, Eq>, LRUTTLModel<K, V>>(
        "LRUTTLCore<ConstantHash>", expiring, seed_for(24, capacity), kCollisionOperations);
    check_against_model<purecache::LRUTTLCore<K, V, FourWayHash, Eq>, LRUTTLModel<K, V>>(
        "LRUTTLCore<FourWayHash>", expiring, seed_for(34, capacity), kCollisionOperations);
  }
}
