#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

TEST_CASE("namespaces keep two caches apart on one shared backend", "[cache]") {
  const std::shared_ptr<IBackend<std::string, int>> backend =
      make_backend<std::string, int>(BackendKind::lfu, {.capacity = 4});
  Cache<std::string, int> users(backend, {.key_namespace = "users:"});
  Cache<std::string, int> sessions(backend, {.key_namespace = "sessions:"});
  CHECK(&users.backend() == backend.get());
  CHECK(&sessions.backend() == backend.get());

  CHECK(sync_wait(users.set("k", 1)));
  CHECK(sync_wait(sessions.set("k", 2)));  // new: the other namespace's "k" is another key
  CHECK(sync_wait(users.get("k")) == std::optional<int>(1));
  CHECK(sync_wait(sessions.get("k")) == std::optional<int>(2));
  CHECK(sync_wait(backend->size()) == 2);
  // The namespace reaches the backend: the backend holds the prefixed keys.
  CHECK(sync_wait(backend->get("users:k")) == std::optional<int>(1));
  CHECK(sync_wait(backend->get("sessions:k")) == std::optional<int>(2));
  CHECK_FALSE(sync_wait(backend->get("k")).has_value());

  CHECK(sync_wait(users.erase("k")));
  CHECK_FALSE(sync_wait(users.get("k")).has_value());
  CHECK(sync_wait(sessions.get("k")) == std::optional<int>(2));
  CHECK(sync_wait(backend->size()) == 1);

  // Each cache counts its own operations only.
  CHECK(users.counters().sets == 1);
  CHECK(users.counters().hits == 1);
  CHECK(users.counters().misses == 1);
  CHECK(users.counters().erases == 1);
  CHECK(sessions.counters().sets == 1);
  CHECK(sessions.counters().hits == 2);
  CHECK(sessions.counters().misses == 0);
  CHECK(sessions.counters().erases == 0);
}

TEST_CASE("clear through one cache empties a shared backend in every namespace", "[cache]") {
  const std::shared_ptr<IBackend<std::string, int>> backend =
      make_backend<std::string, int>(BackendKind::lru, {.capacity = 4});
  Cache<std::string, int> users(backend, {.key_namespace = "users:"});
  Cache<std::string, int> sessions(backend, {.key_namespace = "sessions:"});
  (void)sync_wait(users.set("k", 1));
  (void)sync_wait(sessions.set("k", 2));
  sync_wait(users.clear());
  CHECK(sync_wait(backend->size()) == 0);
  CHECK_FALSE(sync_wait(sessions.get("k")).has_value());
}

TEST_CASE("a shared backend lives as long as its last holder", "[cache]") {
  std::weak_ptr<IBackend<std::string, int>> watch;
  std::optional<Cache<std::string, int>> sessions;
  {
    const std::shared_ptr<IBackend<std::string, int>> backend =
        make_backend<std::string, int>(BackendKind::lru, {.capacity = 4});
    watch = backend;
    Cache<std::string, int> users(backend, {.key_namespace = "users:"});
    sessions.emplace(backend, CacheOptions<std::string>{.key_namespace = "sessions:"});
    (void)sync_wait(users.set("k", 1));
  }
  REQUIRE_FALSE(watch.expired());
  CHECK(sync_wait(sessions->backend().size()) == 1);
  CHECK(sync_wait(sessions->backend().get("users:k")) == std::optional<int>(1));
  sessions.reset();
  CHECK(watch.expired());
}

TEST_CASE("caches sharing a backend can be used from several threads at once", "[cache]") {
  constexpr int kKeys = 500;
  const std::shared_ptr<IBackend<std::string, int>> backend =
      make_backend<std::string, int>(BackendKind::lru, {.capacity = 2 * kKeys});
  Cache<std::string, int> users(backend, {.key_namespace = "users:"});
  Cache<std::string, int> sessions(backend, {.key_namespace = "sessions:"});
  // Each thread writes then reads back its own namespace; Catch2 asserts only after the join.
  auto work = [](Cache<std::string, int>& cache, int offset, int& wrong) {
    for (int i = 0; i < kKeys; ++i)
      (void)sync_wait(cache.set(std::to_string(i), offset + i));
    for (int i = 0; i < kKeys; ++i) {
      if (sync_wait(cache.get(std::to_string(i))) != std::optional<int>(offset + i)) ++wrong;
    }
  };
  int users_wrong = 0;
  int sessions_wrong = 0;
  std::thread other(work, std::ref(sessions), 1'000'000, std::ref(sessions_wrong));
  work(users, 0, users_wrong);
  other.join();
  CHECK(users_wrong == 0);
  CHECK(sessions_wrong == 0);
  CHECK(sync_wait(backend->size()) == 2 * kKeys);
  CHECK(users.counters().hits == kKeys);
  CHECK(sessions.counters().hits == kKeys);
}

TEST_CASE("the cache rejects a null backend and a namespace on integer keys", "[cache]") {
  CHECK_THROWS_WITH((Cache<int, int>(std::unique_ptr<IBackend<int, int>>())),
                    "backend must not be null");
  CHECK_THROWS_WITH((Cache<int, int>(std::shared_ptr<IBackend<int, int>>())),
                    "backend must not be null");
  CHECK_THROWS_WITH((Cache<int, int>(make_backend<int, int>(BackendKind::lru, {.capacity = 1}),
                                     {.key_namespace = "x"})),
                    "key_namespace requires std::string keys, got 'x'");
}
