// What every eviction core does alike, below capacity and before any TTL runs out.

#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/arc_core.hpp"
#include "purecache/core/belady_core.hpp"
#include "purecache/core/clock_core.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/fifo_core.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/s3fifo_core.hpp"
#include "purecache/core/sieve_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "purecache/core/wtinylfu_core.hpp"
#include "support/core_printers.hpp"
#include "support/test_values.hpp"

namespace {

using purecache::CoreConfig;
using purecache::EvictionCounts;
using purecache::kDefaultTTL;
using purecache::Timestamp;
using purecache::test::Blob;
using purecache::test::make_key;
using purecache::test::make_value;

// Room for every key a test here uses, and a TTL no test here reaches. At least 20, so that
// S3-FIFO's small queue (10%) holds 2 and admits a key of weight 1 (as libCacheSim, it admits
// only keys lighter than that queue).
constexpr std::size_t kCapacity = 20;
const CoreConfig kConfig{.capacity = kCapacity, .ttl = std::chrono::hours(1)};
constexpr Timestamp kNow{1'000};

using AllCores = std::tuple<
    purecache::LRUCore<std::uint64_t, std::string>, purecache::LFUCore<std::uint64_t, std::string>,
    purecache::TTLCore<std::uint64_t, std::string>,
    purecache::LRUTTLCore<std::uint64_t, std::string>, purecache::LRUCore<std::string, Blob>,
    purecache::LFUCore<std::string, Blob>, purecache::TTLCore<std::string, Blob>,
    purecache::LRUTTLCore<std::string, Blob>, purecache::BeladyCore<std::uint64_t, std::string>,
    purecache::BeladyCore<std::string, Blob>, purecache::LRUCore<std::uint32_t, std::uint64_t>,
    purecache::LFUCore<std::uint32_t, std::uint64_t>,
    // A hash that is not avalanching (the identity on libstdc++): the index mixes it.
    purecache::LRUCore<std::uint64_t, std::uint64_t, std::hash<std::uint64_t>>,
    purecache::LFUCore<std::uint64_t, std::uint64_t, std::hash<std::uint64_t>>,
    // Policies added later run once each, to keep the suite's compile time down.
    purecache::S3FIFOCore<std::uint64_t, std::string>, purecache::ARCCore<std::uint64_t, std::string>,
    purecache::FIFOCore<std::uint64_t, std::string>,
    purecache::ClockCore<std::uint64_t, std::string>,
    purecache::SieveCore<std::uint64_t, std::string>,
    purecache::WTinyLFUCore<std::uint64_t, std::string>>;

template <class Core>
using Key = typename Core::key_type;
template <class Core>
using Value = typename Core::mapped_type;

/// Sets keys 0..count-1 to values 100..100+count-1.
template <class Core>
void fill(Core& core, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    core.set(make_key<Key<Core>>(i), make_value<Value<Core>>(100 + i), kNow, kDefaultTTL);
  }
}

/// Hashes and compares ASCII strings ignoring case, to check a core uses the functors it is given.
struct CaseInsensitiveHash {
  std::uint64_t operator()(const std::string& key) const noexcept {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a
    for (const char c : key) {
      h ^= static_cast<std::uint64_t>(std::tolower(static_cast<unsigned char>(c)));
      h *= 1099511628211ULL;
    }
    return h * 0x9E3779B97F4A7C15ULL;  // move the entropy into the high bits too
  }
};
struct CaseInsensitiveEqual {
  bool operator()(const std::string& a, const std::string& b) const noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
};

using CaseInsensitiveCores =
    std::tuple<purecache::LRUCore<std::string, int, CaseInsensitiveHash, CaseInsensitiveEqual>,
               purecache::LFUCore<std::string, int, CaseInsensitiveHash, CaseInsensitiveEqual>,
               purecache::TTLCore<std::string, int, CaseInsensitiveHash, CaseInsensitiveEqual>,
               purecache::LRUTTLCore<std::string, int, CaseInsensitiveHash, CaseInsensitiveEqual>>;

template <class Core, class Cores>
constexpr bool kListed = false;
template <class Core, class... Cores>
constexpr bool kListed<Core, std::tuple<Cores...>> = (std::is_same_v<Core, Cores> || ...);

}  // namespace

TEST_CASE("the suite runs the core of every registered policy", "[core]") {
  for (const auto& row : purecache::kBackendKinds) {
    INFO(row.name);
    CHECK(purecache::with_core_type<std::uint64_t, std::string>(
        row.kind, []<class Core>(std::type_identity<Core>) { return kListed<Core, AllCores>; }));
  }
}

TEMPLATE_LIST_TEST_CASE("every core satisfies the EvictionCore concept", "[core]", AllCores) {
  STATIC_REQUIRE(purecache::EvictionCore<TestType>);
}

TEMPLATE_LIST_TEST_CASE("an empty core misses every key", "[core]", AllCores) {
  TestType core(kConfig);
  CHECK(core.size() == 0);
  for (std::uint64_t i = 0; i < 4; ++i) {
    CHECK(core.get(make_key<Key<TestType>>(i), kNow) == nullptr);
    CHECK_FALSE(core.erase(make_key<Key<TestType>>(i), kNow));
  }
  CHECK(core.size() == 0);
  CHECK(core.evictions() == EvictionCounts{});
}

TEMPLATE_LIST_TEST_CASE("a key that was set reads back its value", "[core]", AllCores) {
  TestType core(kConfig);
  const auto key = make_key<Key<TestType>>(7);
  CHECK(core.set(key, make_value<Value<TestType>>(70), kNow, kDefaultTTL));
  CHECK(core.size() == 1);
  const auto* value = core.get(key, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == make_value<Value<TestType>>(70));
  CHECK(core.get(make_key<Key<TestType>>(8), kNow) == nullptr);
}

TEMPLATE_LIST_TEST_CASE("overwriting a key returns false and replaces its value", "[core]",
                        AllCores) {
  TestType core(kConfig);
  const auto key = make_key<Key<TestType>>(3);
  REQUIRE(core.set(key, make_value<Value<TestType>>(1), kNow, kDefaultTTL));
  CHECK_FALSE(core.set(key, make_value<Value<TestType>>(2), kNow, kDefaultTTL));
  CHECK(core.size() == 1);
  const auto* value = core.get(key, kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == make_value<Value<TestType>>(2));
  CHECK(core.evictions() == EvictionCounts{});
}

TEMPLATE_LIST_TEST_CASE("erase removes a present key and reports an absent one", "[core]",
                        AllCores) {
  TestType core(kConfig);
  fill(core, 3);
  const auto key = make_key<Key<TestType>>(1);
  CHECK(core.erase(key, kNow));
  CHECK(core.size() == 2);
  CHECK(core.get(key, kNow) == nullptr);
  CHECK_FALSE(core.erase(key, kNow));
  CHECK_FALSE(core.erase(make_key<Key<TestType>>(99), kNow));
  CHECK(core.size() == 2);
  // The neighbours of the erased key are untouched, and erasing is not an eviction.
  for (const std::uint64_t i : {0U, 2U}) {
    const auto* value = core.get(make_key<Key<TestType>>(i), kNow);
    REQUIRE(value != nullptr);
    CHECK(*value == make_value<Value<TestType>>(100 + i));
  }
  CHECK(core.evictions() == EvictionCounts{});
  // An erased key can come back as new.
  CHECK(core.set(key, make_value<Value<TestType>>(5), kNow, kDefaultTTL));
  CHECK(core.size() == 3);
}

TEMPLATE_LIST_TEST_CASE("clear empties the cache, which can then be refilled", "[core]", AllCores) {
  TestType core(kConfig);
  fill(core, kCapacity);
  core.clear();
  CHECK(core.size() == 0);
  for (std::uint64_t i = 0; i < kCapacity; ++i) {
    CHECK(core.get(make_key<Key<TestType>>(i), kNow) == nullptr);
  }
  CHECK(core.evictions() == EvictionCounts{});
  fill(core, kCapacity);
  CHECK(core.size() == kCapacity);
  const auto* value = core.get(make_key<Key<TestType>>(kCapacity - 1), kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == make_value<Value<TestType>>(100 + kCapacity - 1));
}

TEMPLATE_LIST_TEST_CASE("size counts distinct keys", "[core]", AllCores) {
  TestType core(kConfig);
  for (std::uint64_t i = 0; i < 5; ++i) {
    core.set(make_key<Key<TestType>>(i), make_value<Value<TestType>>(i), kNow, kDefaultTTL);
    CHECK(core.size() == i + 1);
  }
  core.set(make_key<Key<TestType>>(0), make_value<Value<TestType>>(50), kNow, kDefaultTTL);
  core.set(make_key<Key<TestType>>(4), make_value<Value<TestType>>(54), kNow, kDefaultTTL);
  CHECK(core.size() == 5);
}

TEMPLATE_LIST_TEST_CASE("memory is counted once an entry exists", "[core]", AllCores) {
  TestType core(kConfig);
  fill(core, 1);
  const auto one = core.memory();
  CHECK(one.current_bytes > 0);
  CHECK(one.peak_bytes >= one.current_bytes);
  fill(core, kCapacity);
  const auto full = core.memory();
  CHECK(full.current_bytes > 0);
  CHECK(full.peak_bytes >= full.current_bytes);
  CHECK(full.peak_bytes >= one.peak_bytes);
  CHECK(full.index_bytes > 0);  // part of the total: the slab holds the rest
  CHECK(full.index_bytes < full.current_bytes);
}

TEMPLATE_LIST_TEST_CASE("get returns a pointer to the value of the key asked for", "[core]",
                        AllCores) {
  TestType core(kConfig);
  fill(core, kCapacity);
  // Read in an order unlike insertion order, so a core returning a neighbour's slot is caught.
  for (const std::uint64_t i : {5U, 0U, 7U, 2U, 6U, 1U, 4U, 3U}) {
    const auto* value = core.get(make_key<Key<TestType>>(i), kNow);
    REQUIRE(value != nullptr);
    CHECK(*value == make_value<Value<TestType>>(100 + i));
  }
}

TEMPLATE_LIST_TEST_CASE("a moved core keeps its entries and counters", "[core]", AllCores) {
  TestType core(kConfig);
  fill(core, 4);
  TestType moved(std::move(core));
  CHECK(moved.size() == 4);
  CHECK(moved.memory().current_bytes > 0);
  const auto* value = moved.get(make_key<Key<TestType>>(2), kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == make_value<Value<TestType>>(102));

  // Into a core that holds entries of its own: its buffers are freed through its own counter.
  TestType assigned(kConfig);
  for (std::uint64_t i = 50; i < 53; ++i) {
    (void)assigned.set(make_key<Key<TestType>>(i), make_value<Value<TestType>>(i), kNow, kDefaultTTL);
    (void)assigned.get(make_key<Key<TestType>>(i), kNow);
  }
  assigned = std::move(moved);
  CHECK(assigned.size() == 4);
  CHECK(
      assigned.set(make_key<Key<TestType>>(9), make_value<Value<TestType>>(9), kNow, kDefaultTTL));
  value = assigned.get(make_key<Key<TestType>>(3), kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == make_value<Value<TestType>>(103));
}

TEMPLATE_LIST_TEST_CASE("a core finds keys with the hash and equality it is given", "[core]",
                        CaseInsensitiveCores) {
  TestType core(kConfig);
  CHECK(core.set("Alpha", 1, kNow, kDefaultTTL));
  CHECK(core.set("beta", 2, kNow, kDefaultTTL));
  CHECK_FALSE(core.set("ALPHA", 3, kNow, kDefaultTTL));
  CHECK(core.size() == 2);
  const int* value = core.get("alpha", kNow);
  REQUIRE(value != nullptr);
  CHECK(*value == 3);
  CHECK(core.erase("BETA", kNow));
  CHECK(core.get("beta", kNow) == nullptr);
  CHECK(core.size() == 1);
}
