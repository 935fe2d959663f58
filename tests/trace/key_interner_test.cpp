#include "purecache/sim/trace/key_interner.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "purecache/error.hpp"

using purecache::sim::IdKeyInterner;
using purecache::sim::KeyId;
using purecache::sim::KeyLimitError;
using purecache::sim::StringKeyInterner;

TEST_CASE("string keys get dense ids in order of first appearance", "[trace]") {
  StringKeyInterner keys;
  CHECK(keys.intern("b") == 0);
  CHECK(keys.intern("a") == 1);
  CHECK(keys.intern("b") == 0);
  CHECK(keys.intern("") == 2);
  CHECK(keys.intern(std::string_view("a\0b", 3)) == 3);
  CHECK(keys.intern("a") == 1);
  CHECK(keys.size() == 4);
  CHECK(keys.key(0) == "b");
  CHECK(keys.key(2).empty());
  CHECK(keys.key(3) == std::string_view("a\0b", 3));
}

TEST_CASE("a string key is found through a view of a different buffer", "[trace]") {
  StringKeyInterner keys;
  std::string original = "object:42";
  const KeyId id = keys.intern(original);
  original[0] = 'X';  // the interner owns a copy
  const std::string other = "xx object:42 yy";
  CHECK(keys.intern(std::string_view(other).substr(3, 9)) == id);
  CHECK(keys.key(id) == "object:42");
}

TEST_CASE("string interner agrees with a hash map over many keys and table growths", "[trace]") {
  StringKeyInterner keys;
  std::unordered_map<std::string, KeyId> model;
  std::mt19937_64 rng(7);
  std::string key;
  for (int i = 0; i < 200'000; ++i) {
    const auto n = rng() % 60'000;
    key.assign(1, 'k')
        .append(std::to_string(n))
        .append(n % 23, 'x');  // 2..28 bytes: crosses 8/16/24
    const auto [it, inserted] = model.try_emplace(key, static_cast<KeyId>(model.size()));
    REQUIRE(keys.intern(key) == it->second);
  }
  CHECK(keys.size() == model.size());
  for (const auto& [k, id] : model) {
    REQUIRE(keys.key(id) == k);
  }
  CHECK(keys.memory_bytes() > model.size() * 16);
}

TEST_CASE("decimal and other string keys share one id sequence, spelling by spelling", "[trace]") {
  // Canonical decimals are interned by value: each must still be told from every other spelling.
  StringKeyInterner keys;
  const std::vector<std::string> spellings = {"10",
                                              "abc",
                                              "010",
                                              "0",
                                              "00",
                                              "9999999999999999999",
                                              "18446744073709551615",
                                              "18446744073709551616",
                                              "-1",
                                              "1.0",
                                              " 1",
                                              "1 ",
                                              "+1",
                                              "1a",
                                              "a1",
                                              "",
                                              "1"};
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    CHECK(keys.intern(spellings[i]) == i);
  }
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    CHECK(keys.intern(spellings[i]) == i);
    CHECK(keys.key(static_cast<KeyId>(i)) == spellings[i]);
  }
  CHECK(keys.size() == spellings.size());
}

TEST_CASE("string interner agrees with a hash map on mixed numeric and other keys", "[trace]") {
  StringKeyInterner keys;
  std::unordered_map<std::string, KeyId> model;
  std::mt19937_64 rng(19);
  std::string key;
  for (int i = 0; i < 300'000; ++i) {
    const auto n = rng() % 80'000;
    switch (n % 4) {
      case 0:
        key = std::to_string(n * 1'000'003);
        break;  // canonical decimal
      case 1:
        key.assign("0").append(std::to_string(n));
        break;  // leading zero: a string key
      case 2:
        key.assign("key").append(std::to_string(n));
        break;
      default:
        key = std::to_string(n);
        break;  // decimal, overlaps case 0's spellings
    }
    const auto [it, inserted] = model.try_emplace(key, static_cast<KeyId>(model.size()));
    REQUIRE(keys.intern(key) == it->second);
  }
  CHECK(keys.size() == model.size());
  for (const auto& [k, id] : model) {
    REQUIRE(keys.key(id) == k);
  }
}

TEST_CASE("string keys longer than an arena block are stored whole", "[trace]") {
  StringKeyInterner keys;
  const std::string big(200'000, 'q');
  CHECK(keys.intern("small") == 0);
  CHECK(keys.intern(big) == 1);
  CHECK(keys.intern("after") == 2);
  CHECK(keys.intern(big) == 1);
  CHECK(keys.key(1) == big);
  CHECK(keys.key(2) == "after");
}

TEST_CASE("id keys get dense ids and agree with a hash map", "[trace]") {
  IdKeyInterner keys;
  CHECK(keys.intern(0) == 0);
  CHECK(keys.intern(~std::uint64_t{0}) == 1);
  CHECK(keys.intern(0) == 0);
  CHECK(keys.key(1) == ~std::uint64_t{0});

  std::unordered_map<std::uint64_t, KeyId> model{{0, 0}, {~std::uint64_t{0}, 1}};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300'000; ++i) {
    // Strided ids (like block numbers) stress the mixer more than random ones.
    const std::uint64_t id = (rng() % 100'000) * 4096;
    const auto [it, inserted] = model.try_emplace(id, static_cast<KeyId>(model.size()));
    REQUIRE(keys.intern(id) == it->second);
  }
  CHECK(keys.size() == model.size());
  for (const auto& [k, id] : model) {
    REQUIRE(keys.key(id) == k);
  }
}

TEST_CASE("interning past max_keys throws KeyLimitError and keeps the table intact", "[trace]") {
  StringKeyInterner strings(2);
  CHECK(strings.intern("a") == 0);
  CHECK(strings.intern("b") == 1);
  CHECK_THROWS_MATCHES(strings.intern("c"), KeyLimitError,
                       Catch::Message("too many distinct keys (limit 2)"));
  CHECK(strings.intern("a") == 0);
  CHECK(strings.size() == 2);

  StringKeyInterner mixed(2);  // the limit counts numeric and other keys together
  CHECK(mixed.intern("1") == 0);
  CHECK(mixed.intern("x") == 1);
  CHECK_THROWS_AS(mixed.intern("2"), KeyLimitError);
  CHECK_THROWS_AS(mixed.intern("y"), KeyLimitError);
  CHECK(mixed.intern("1") == 0);
  CHECK(mixed.intern("x") == 1);

  IdKeyInterner ids(1);
  CHECK(ids.intern(5) == 0);
  CHECK_THROWS_MATCHES(ids.intern(6), KeyLimitError,
                       Catch::Message("too many distinct keys (limit 1)"));
  CHECK(ids.intern(5) == 0);
}

TEST_CASE("max_keys outside 1..2^32-1 is a ConfigError", "[trace]") {
  CHECK_THROWS_MATCHES(StringKeyInterner(0), purecache::ConfigError,
                       Catch::Message("max_keys must be between 1 and 4294967295, got 0"));
  CHECK_THROWS_MATCHES(IdKeyInterner(purecache::sim::kMaxKeyCount + 1), purecache::ConfigError,
                       Catch::Message("max_keys must be between 1 and 4294967295, got 4294967296"));
}
