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
#include "support/reference_models.hpp"
#include "support/split_mix64.hpp"
#include "support/test_values.hpp"

namespace {

using purecache::CoreConfig;
using purecache::Duration;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using purecache::test::make_key;
using purecache::test::make_value;
using purecache::test::SplitMix64;

constexpr std::size_t kOperations = 200'000;
constexpr std::size_t kCollisionOperations = 50'000;  // probing is linear when every key collides
constexpr std::size_t kLargeCapacity = 1'000;         // the index and slab grow many times
constexpr std::size_t kLargeOperations = 20'000;      // the models scan every entry per operation
constexpr std::uint64_t kSeed = 0x5EED'C0DE'2024'0611ULL;

enum class OpKind { get, set, erase, purge, clear };

/// One operation. Keys and values are integers turned into the run's types by make_key and
/// make_value; `now` is absolute, so dropping operations while shrinking keeps time monotonic.
struct Op {
  OpKind kind = OpKind::get;
  std::uint64_t key = 0;    // get, set, erase
  std::uint64_t value = 0;  // set
  Timestamp now{0};
  Duration ttl{0};  // set: kDefaultTTL or a per-entry TTL
};

/// How one run draws its operations.
struct Workload {
  std::size_t capacity = 0;   // CoreConfig::capacity
  std::uint64_t keys = 0;     // keys are drawn from [0, keys)
  bool expiring = false;      // emit purge operations
  Duration default_ttl{0};    // CoreConfig::ttl
  std::uint64_t max_ttl = 1;  // per-entry TTLs are drawn from [1, max_ttl] ns
};

/// A workload whose keys span twice the capacity, so that evictions happen all the time, with
/// TTLs of the order of a key's reuse interval, so that entries often expire while cached.
Workload workload_for(std::size_t capacity, bool expiring) {
  const std::uint64_t keys = 2 * capacity + 1;
  return Workload{.capacity = capacity,
                  .keys = keys,
                  .expiring = expiring,
                  .default_ttl = Duration(static_cast<std::int64_t>(4 * keys + 4)),
                  .max_ttl = 8 * keys + 8};
}

std::vector<Op> generate(const Workload& workload, std::uint64_t seed, std::size_t count) {
  SplitMix64 rng(seed);
  std::vector<Op> ops;
  ops.reserve(count);
  Timestamp now{0};
  for (std::size_t i = 0; i < count; ++i) {
    now += Duration(static_cast<std::int64_t>(rng.below(4)));  // 0..3 ns: ties happen too
    Op op{.now = now};
    op.key = rng.below(workload.keys);
    const std::uint64_t roll = rng.below(10'000);
    if (roll < 4'500) {
      op.kind = OpKind::get;
    } else if (roll < 8'000) {
      op.kind = OpKind::set;
      op.value = rng.next() % 1'000'000;
      op.ttl = rng.below(2) == 0
                   ? kDefaultTTL
                   : Duration(static_cast<std::int64_t>(1 + rng.below(workload.max_ttl)));
    } else if (roll < 9'500) {
      op.kind = OpKind::erase;
    } else if (roll < 9'997) {
      op.kind = workload.expiring ? OpKind::purge : OpKind::get;
    } else {
      op.kind = OpKind::clear;
    }
    ops.push_back(op);
  }
  return ops;
}

std::string describe(const Op& op) {
  std::ostringstream out;
  const auto now = op.now.count();
  switch (op.kind) {
    case OpKind::get:
      out << "get(key " << op.key << ", now " << now << ")";
      break;
    case OpKind::set:
      out << "set(key " << op.key << ", value " << op.value << ", now " << now << ", ttl ";
      if (op.ttl == kDefaultTTL) {
        out << "default)";
      } else {
        out << op.ttl.count() << ")";
      }
      break;
    case OpKind::erase:
      out << "erase(key " << op.key << ", now " << now << ")";
      break;
    case OpKind::purge:
      out << "purge(now " << now << ")";
      break;
    case OpKind::clear:
      out << "clear()";
      break;
  }
  return out.str();
}

template <class V>
std::string describe_value(const V* value) {
  if (value == nullptr) return "miss";
  if constexpr (std::is_integral_v<V>) {
    return std::to_string(*value);
  } else if constexpr (std::is_same_v<V, std::string>) {
    return '"' + *value + '"';
  } else {
    return "a value";
  }
}

std::string describe(const EvictionCounts& counts) {
  return "{capacity " + std::to_string(counts.capacity) + ", expired " +
         std::to_string(counts.expired) + "}";
}

/// Outcome of replaying operations on a core and its model.
struct Replay {
  std::optional<std::string> mismatch;  // the first difference, described
  std::size_t failed_at = 0;            // its operation index; ops.size() for the final check
  EvictionCounts evictions;             // the core's, at the end of a clean replay
  std::size_t hits = 0;                 // get hits, to show the workload is not all misses
};

/// Compares a value the core returned against the model's; both may be null.
template <class V>
std::optional<std::string> compare_values(const V* core_value, const V* model_value) {
  if ((core_value == nullptr) == (model_value == nullptr) &&
      (core_value == nullptr || *core_value == *model_value)) {
    return std::nullopt;
  }
  return "core returned " + describe_value(core_value) + ", model " + describe_value(model_value);
}

template <class Core, class Model>
Replay replay(const CoreConfig& config, std::uint64_t keys, const std::vector<Op>& ops) {
  using K = typename Core::key_type;
  using V = typename Core::mapped_type;
  Core core(config);
  Model model(config);
  Replay result;
  auto fail = [&](std::size_t index, const std::string& what) {
    result.mismatch = what;
    result.failed_at = index;
    return result;
  };

  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    const K key = make_key<K>(op.key);
    switch (op.kind) {
      case OpKind::get: {
        const V* core_value = core.get(key, op.now);
        const V* model_value = model.get(key, op.now);
        if (auto diff = compare_values(core_value, model_value)) return fail(i, *diff);
        if (core_value != nullptr) ++result.hits;
        break;
      }
      case OpKind::set: {
        const bool core_new = core.set(key, make_value<V>(op.value), op.now, op.ttl);
        const bool model_new = model.set(key, make_value<V>(op.value), op.now, op.ttl);
        if (core_new != model_new) {
          return fail(i, "core returned " + std::to_string(core_new) + ", model " +
                             std::to_string(model_new));
        }
        break;
      }
      case OpKind::erase: {
        const bool core_erased = core.erase(key, op.now);
        const bool model_erased = model.erase(key, op.now);
        if (core_erased != model_erased) {
          return fail(i, "core returned " + std::to_string(core_erased) + ", model " +
                             std::to_string(model_erased));
        }
        break;
      }
      case OpKind::purge:
        if constexpr (purecache::ExpiringCore<Core>) {
          const std::size_t core_purged = core.purge(op.now);
          const std::size_t model_purged = model.purge(op.now);
          if (core_purged != model_purged) {
            return fail(i, "core purged " + std::to_string(core_purged) + ", model " +
                               std::to_string(model_purged));
          }
        }
        break;
      case OpKind::clear:
        core.clear();
        model.clear();
        break;
    }
    if constexpr (requires { core.frequency(key); }) {
      // LFU exposes its use counts: compare them too, so a wrong count fails where it happens.
      if (core.frequency(key) != model.frequency(key)) {
        return fail(i, "then core frequency(key " + std::to_string(op.key) + ") " +
                           std::to_string(core.frequency(key)) + ", model " +
                           std::to_string(model.frequency(key)));
      }
    }
    if (core.size() != model.size()) {
      return fail(i, "then core size() " + std::to_string(core.size()) + ", model " +
                         std::to_string(model.size()));
    }
    if (core.evictions() != model.evictions()) {
      return fail(i, "then core evictions() " + describe(core.evictions()) + ", model " +
                         describe(model.evictions()));
    }
  }

  // Final contents: every key of the range is in both or in neither, with equal values.
  const Timestamp end = ops.empty() ? Timestamp{0} : ops.back().now;
  for (std::uint64_t k = 0; k < keys; ++k) {
    const K key = make_key<K>(k);
    if (auto diff = compare_values(core.get(key, end), model.get(key, end))) {
      return fail(ops.size(), "final get(key " + std::to_string(k) + ", now " +
                                  std::to_string(end.count()) + "): " + *diff);
    }
  }
  if (core.evictions() != model.evictions() || core.size() != model.size()) {
    return fail(ops.size(), "final evictions() " + describe(core.evictions()) + " size() " +
                                std::to_string(core.size()) + ", model " +
                                describe(model.evictions()) + " size() " +
                                std::to_string(model.size()));
  }
  result.evictions = core.evictions();
  return result;
}

/// Shortens a failing sequence while it still fails: cut after the failing operation, then drop
/// ever smaller chunks. Bounded, so a pathological case cannot hang the suite.
template <class ReplayFn>
std::vector<Op> shrink(std::vector<Op> ops, ReplayFn&& run) {
  auto cut_after_failure = [&](const Replay& r) {
    if (r.failed_at + 1 < ops.size()) ops.resize(r.failed_at + 1);
  };
  cut_after_failure(run(ops));
  int budget = 4'000;
  for (std::size_t chunk = ops.size() / 2; chunk >= 1 && budget > 0; chunk /= 2) {
    for (std::size_t start = 0; start < ops.size() && budget > 0; --budget) {
      std::vector<Op> candidate(ops.begin(), ops.begin() + static_cast<std::ptrdiff_t>(start));
      const std::size_t stop = std::min(ops.size(), start + chunk);
      candidate.insert(candidate.end(), ops.begin() + static_cast<std::ptrdiff_t>(stop), ops.end());
      const Replay r = run(candidate);
      if (r.mismatch) {
        ops = std::move(candidate);
        cut_after_failure(r);
      } else {
        start += chunk;
      }
    }
  }
  return ops;
}

/// Runs one workload on Core and Model; on a difference, fails with a shrunk reproduction.
template <class Core, class Model>
Replay check_against_model(const std::string& name, const Workload& workload, std::uint64_t seed,
                           std::size_t count) {
  const CoreConfig config{.capacity = workload.capacity, .ttl = workload.default_ttl};
  const auto run = [&](const std::vector<Op>& ops) {
    return replay<Core, Model>(config, workload.keys, ops);
  };
  const std::vector<Op> ops = generate(workload, seed, count);
  Replay result = run(ops);
  if (!result.mismatch) return result;

  std::ostringstream message;
  message << name << " differs from its model (capacity " << workload.capacity << ", ttl "
          << workload.default_ttl.count() << " ns, keys 0.." << workload.keys - 1 << ", seed "
          << seed << ")\nfirst at op #" << result.failed_at << ": "
          << (result.failed_at < ops.size() ? describe(ops[result.failed_at]) : "final check")
          << ": " << *result.mismatch << "\nshrunk reproduction:\n";
  const std::vector<Op> small = shrink(ops, run);
  const Replay small_result = run(small);
  for (const Op& op : small)
    message << "  " << describe(op) << "\n";
  message << "  -> " << small_result.mismatch.value_or("(shrinking lost the failure)");
  FAIL_CHECK(message.str());
  return result;
}

/// Seeds differ per core and capacity, and are fixed, so every failure reproduces.
std::uint64_t seed_for(std::uint64_t core_number, std::size_t capacity) {
  return kSeed ^ (core_number << 56) ^ (static_cast<std::uint64_t>(capacity) * 0x9E37'79B9ULL);
}

constexpr std::size_t kCapacities[] = {1, 2, 7, 64};

/// Every key collides: one hash for all, in the last slot's home so probing wraps around.
struct ConstantHash {
  std::uint64_t operator()(std::uint64_t /*key*/) const noexcept { return ~std::uint64_t{0}; }
};

/// Four hash values only, two homed at the end of the table and two elsewhere, so clusters of
/// different homes interleave and wrap around.
struct FourWayHash {
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

TEST_CASE("every core matches its model when keys are dense ids indexed by array",
          "[core][differential][dense]") {
  using purecache::DenseIdHash;
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
