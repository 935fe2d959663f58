// How the cores' key index treats the hash it is given: its home slot and tag come from the
// high 32 bits, so a hash whose high bits never vary must be mixed first.

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <set>

#include "purecache/core/hash.hpp"
#include "purecache/detail/entry_table.hpp"

namespace {

struct Entry {
  std::uint64_t key;
};

/// The identity, declared avalanching: the index must take it at its word.
struct TrustedIdentity {
  using is_avalanching = void;
  std::uint64_t operator()(std::uint64_t key) const noexcept { return key; }
};

template <class HashFn>
using Table = purecache::detail::EntryTable<Entry, std::uint64_t, HashFn, std::equal_to<>>;

template <class HashFn>
std::size_t distinct_tags(const Table<HashFn>& table, std::uint64_t keys) {
  std::set<std::uint64_t> tags;
  for (std::uint64_t key = 0; key < keys; ++key)
    tags.insert(table.hash(key) >> 32);
  return tags.size();
}

}  // namespace

TEST_CASE("an identity hash is mixed, so sequential keys get distinct index tags", "[core][hash]") {
  STATIC_REQUIRE_FALSE(purecache::AvalanchingHash<std::hash<std::uint64_t>>);
  const Table<std::hash<std::uint64_t>> table(0);
  // Unmixed, all 4,096 keys would share tag 0 and one home slot: one probe chain.
  CHECK(distinct_tags(table, 4096) >= 4090);
}

TEST_CASE("the default hash and hashes declared avalanching are used as they are", "[core][hash]") {
  STATIC_REQUIRE(purecache::AvalanchingHash<purecache::Hash<std::uint64_t>>);
  const Table<TrustedIdentity> identity(0);
  CHECK(identity.hash(42) == 42);
  const Table<purecache::Hash<std::uint64_t>> mixed(0);
  CHECK(mixed.hash(42) == purecache::Hash<std::uint64_t>{}(42));
  CHECK(distinct_tags(mixed, 4096) >= 4090);
}
