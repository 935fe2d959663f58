#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "async/async_test_support.hpp"
#include "purecache/async/frame_allocator.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/error.hpp"

using namespace purecache;

namespace {

// A backend whose get and set first park on a HopQueue, so they finish on whichever thread
// drains it; a negative key makes get throw once resumed.
class HoppingBackend final : public IBackend<int, int> {
 public:
  explicit HoppingBackend(test::HopQueue& queue) : queue_(queue) {}

  Task<std::optional<int>> get(const int& key) override {
    co_await queue_.hop();
    if (key < 0) throw std::runtime_error("backend failure");
    co_return key;
  }
  Task<bool> set(const int& /*key*/, int /*value*/, Duration /*ttl*/) override {
    co_await queue_.hop();
    co_return true;
  }
  Task<bool> erase(const int& key) override { co_return key >= 0; }
  Task<void> clear() override { co_return; }
  Task<std::size_t> purge() override { co_return 0; }
  Task<std::size_t> size() override { co_return 0; }
  Task<BackendStats> stats() override { co_return BackendStats{}; }

 private:
  test::HopQueue& queue_;  // where get and set wait
};

Task<> get_into(Cache<int, int>& cache, int key, std::optional<int>& out) {
  out = co_await cache.get(key);
}

Task<> set_then_get(Cache<std::uint64_t, std::uint64_t>& cache, std::uint64_t first,
                    std::uint64_t count) {
  for (std::uint64_t key = first; key < first + count; ++key) {
    (void)co_await cache.set(key, key);
    (void)co_await cache.get(key);              // a hit
    (void)co_await cache.get(key + (1 << 30));  // a miss: never set
    (void)co_await cache.erase(key);
  }
}

}  // namespace

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

TEST_CASE("one cache used from several threads counts every operation exactly", "[cache]") {
  const int threads = GENERATE(2, 4);
  constexpr std::uint64_t kPerThread = 20'000;
  Cache<std::uint64_t, std::uint64_t> cache(
      make_backend<std::uint64_t, std::uint64_t>(BackendKind::lru, {.capacity = 4 * kPerThread}));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&cache, t] {
      sync_wait(set_then_get(cache, static_cast<std::uint64_t>(t) * kPerThread, kPerThread));
    });
  }
  for (std::thread& thread : pool)
    thread.join();
  const auto total = static_cast<std::uint64_t>(threads) * kPerThread;
  const CacheCounters counters = cache.counters();
  CHECK(counters.hits == total);
  CHECK(counters.misses == total);
  CHECK(counters.sets == total);
  CHECK(counters.erases == total);
}

TEST_CASE("an operation that finishes on another thread is counted once, when it finishes",
          "[cache][concurrency]") {
  test::HopQueue queue;
  Cache<int, int> cache(
      std::unique_ptr<IBackend<int, int>>(std::make_unique<HoppingBackend>(queue)));
  std::atomic<std::size_t> finished{0};
  std::optional<int> value;
  test::spawn(get_into(cache, 7, value), finished);
  CHECK(cache.counters().hits == 0);  // parked in the backend

  std::thread other([&queue] { REQUIRE(queue.run_one()); });
  other.join();
  CHECK(finished.load() == 1);
  CHECK(value == std::optional<int>(7));
  CHECK(cache.counters().hits == 1);
  CHECK(cache.counters().misses == 0);
}

TEST_CASE("a failed operation reaches the caller and is not counted", "[cache]") {
  test::HopQueue queue;
  Cache<int, int> cache(
      std::unique_ptr<IBackend<int, int>>(std::make_unique<HoppingBackend>(queue)));
  std::thread driver([&queue] {
    while (!queue.run_one())
      std::this_thread::yield();
  });
  CHECK_THROWS_WITH(sync_wait(cache.get(-1)), "backend failure");
  driver.join();
  const CacheCounters counters = cache.counters();
  CHECK(counters.hits == 0);
  CHECK(counters.misses == 0);
}

TEST_CASE("steady-state cache operations allocate no coroutine frames", "[cache][frame]") {
  Cache<std::uint64_t, std::uint64_t> cache(
      make_backend<std::uint64_t, std::uint64_t>(BackendKind::lfu, {.capacity = 100}));
  sync_wait(set_then_get(cache, 0, 10));
  const std::uint64_t before = detail::frame_allocator_stats().fresh_allocations;
  sync_wait(set_then_get(cache, 0, 10'000));
  CHECK(detail::frame_allocator_stats().fresh_allocations == before);
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
