#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/error.hpp"

using namespace purecache;

TEST_CASE("the cache counts hits, misses, sets and erases", "[cache]") {
  Cache<std::uint64_t, std::uint64_t> cache(
      make_backend<std::uint64_t, std::uint64_t>(BackendKind::lru, {.capacity = 2}));
  CHECK_FALSE(sync_wait(cache.get(1)).has_value());
  CHECK(sync_wait(cache.set(1, 100)));
  CHECK(sync_wait(cache.get(1)) == std::optional<std::uint64_t>(100));
  CHECK(sync_wait(cache.erase(1)));
  CHECK_FALSE(sync_wait(cache.erase(1)));
  const CacheCounters counters = cache.counters();
  CHECK(counters.hits == 1);
  CHECK(counters.misses == 1);
  CHECK(counters.sets == 1);
  CHECK(counters.erases == 2);
}

TEST_CASE("swapping the policy is one line and changes which key survives", "[cache]") {
  auto run = [](BackendKind kind) {
    Cache<std::string, int> cache(make_backend<std::string, int>(kind, {.capacity = 2}));
    (void)sync_wait(cache.set("a", 1));
    (void)sync_wait(cache.set("b", 2));
    (void)sync_wait(cache.get("a"));
    (void)sync_wait(cache.get("a"));
    (void)sync_wait(cache.get("b"));
    (void)sync_wait(
        cache.set("c", 3));  // LRU evicts a (b is more recent); LFU evicts b (a is hotter)
    return sync_wait(cache.get("a")).has_value();
  };
  CHECK_FALSE(run(BackendKind::lru));
  CHECK(run(BackendKind::lfu));
}

TEST_CASE("the observer hears every operation with the caller's key", "[cache]") {
  std::vector<std::string> log;
  CacheOptions<std::string> options{
      .key_namespace = "users:", .observer = [&](const CacheEvent<std::string>& e) {
        log.push_back(std::to_string(static_cast<int>(e.op)) + (e.key ? *e.key : std::string("-")) +
                      (e.hit ? "+" : "."));
      }};
  Cache<std::string, int> cache(make_backend<std::string, int>(BackendKind::lru, {.capacity = 4}),
                                options);
  (void)sync_wait(cache.set("ann", 1));
  (void)sync_wait(cache.get("ann"));
  (void)sync_wait(cache.get("bob"));
  (void)sync_wait(cache.erase("ann"));
  sync_wait(cache.clear());
  CHECK(log == std::vector<std::string>{"1ann+", "0ann+", "0bob.", "2ann+", "3-."});
}

TEST_CASE("namespaces keep two caches on one key space apart", "[cache]") {
  // The namespace reaches the backend: the backend holds the prefixed key.
  Cache<std::string, int> cache(make_backend<std::string, int>(BackendKind::lfu, {.capacity = 4}),
                                {.key_namespace = "a:"});
  (void)sync_wait(cache.set("k", 1));
  CHECK(sync_wait(cache.backend().get("a:k")) == std::optional<int>(1));
  CHECK_FALSE(sync_wait(cache.backend().get("k")).has_value());
  CHECK(sync_wait(cache.get("k")) == std::optional<int>(1));
}

TEST_CASE("the cache rejects a null backend and a namespace on integer keys", "[cache]") {
  CHECK_THROWS_WITH((Cache<int, int>(nullptr)), "backend must not be null");
  CHECK_THROWS_WITH((Cache<int, int>(make_backend<int, int>(BackendKind::lru, {.capacity = 1}),
                                     {.key_namespace = "x"})),
                    "key_namespace requires std::string keys, got 'x'");
}
