#pragma once
// Differential testing of a core against its reference model: seeded random operations,
// compared after each one, and the first difference shrunk to a short failing sequence.

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

namespace purecache::test::differential {

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
inline Workload workload_for(std::size_t capacity, bool expiring) {
  const std::uint64_t keys = 2 * capacity + 1;
  return Workload{.capacity = capacity,
                  .keys = keys,
                  .expiring = expiring,
                  .default_ttl = Duration(static_cast<std::int64_t>(4 * keys + 4)),
                  .max_ttl = 8 * keys + 8};
}

inline std::vector<Op> generate(const Workload& workload, std::uint64_t seed, std::size_t count) {
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

inline std::string describe(const Op& op) {
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
inline std::string describe_value(const V* value) {
  if (value == nullptr) return "miss";
  if constexpr (std::is_integral_v<V>) {
    return std::to_string(*value);
  } else if constexpr (std::is_same_v<V, std::string>) {
    return '"' + *value + '"';
  } else {
    return "a value";
  }
}

inline std::string describe(const EvictionCounts& counts) {
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
inline std::vector<Op> shrink(std::vector<Op> ops, ReplayFn&& run) {
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
inline std::uint64_t seed_for(std::uint64_t core_number, std::size_t capacity) {
  return kSeed ^ (core_number << 56) ^ (static_cast<std::uint64_t>(capacity) * 0x9E37'79B9ULL);
}

inline constexpr std::size_t kCapacities[] = {1, 2, 7, 64};

}  // namespace purecache::test::differential
