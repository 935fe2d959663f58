#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <vector>

#include "async/async_test_support.hpp"
#include "purecache/async/executor.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"
#include "purecache/error.hpp"

namespace {

using purecache::Executor;
using purecache::sync_wait_all;
using purecache::Task;
using purecache::ThreadPool;

struct Landing {
  std::thread::id thread;
  Executor* executor = nullptr;
};

Task<Landing> land_on(ThreadPool& pool) {
  co_await pool.schedule();
  co_return Landing{std::this_thread::get_id(), purecache::current_executor()};
}

// Hops around the pool, counting on the way.
Task<> hop_and_count(ThreadPool& pool, std::atomic<long>& counter, int hops) {
  for (int hop = 0; hop < hops; ++hop) {
    co_await pool.schedule();
    counter.fetch_add(1, std::memory_order_relaxed);
  }
}

Task<> fail_on_pool() {
  throw std::runtime_error("client failed");
  co_return;
}

}  // namespace

TEST_CASE("schedule() moves a coroutine onto a worker thread of the pool",
          "[async][thread_pool][concurrency]") {
  ThreadPool pool(2);
  REQUIRE(pool.size() == 2);
  CHECK(purecache::current_executor() == nullptr);
  const Landing landing = purecache::sync_wait(land_on(pool));
  CHECK(landing.thread != std::this_thread::get_id());
  CHECK((landing.executor == &pool.worker(0) || landing.executor == &pool.worker(1)));
}

TEST_CASE("sync_wait_all runs every client on the pool and waits for all of them",
          "[async][thread_pool][concurrency]") {
  const std::size_t threads = GENERATE(std::size_t{1}, std::size_t{4});
  constexpr int kClients = 16;
  constexpr int kHops = 50;
  ThreadPool pool(threads);
  std::atomic<long> counter{0};
  std::vector<Task<>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(hop_and_count(pool, counter, kHops));
  sync_wait_all(pool, std::move(clients));
  CHECK(counter.load() == long{kClients} * kHops);
}

TEST_CASE("sync_wait_all rethrows a client's exception once all clients finished",
          "[async][thread_pool][concurrency]") {
  ThreadPool pool(2);
  std::atomic<long> counter{0};
  std::vector<Task<>> clients;
  clients.push_back(hop_and_count(pool, counter, 20));
  clients.push_back(fail_on_pool());
  clients.push_back(hop_and_count(pool, counter, 20));
  CHECK_THROWS_WITH(sync_wait_all(pool, std::move(clients)), "client failed");
  CHECK(counter.load() == 40);
}

TEST_CASE("a thread pool needs a thread", "[async][thread_pool]") {
  CHECK_THROWS_AS(ThreadPool(0), purecache::ConfigError);
}

TEST_CASE("destroying a pool runs the work still queued on it first",
          "[async][thread_pool][concurrency]") {
  std::atomic<long> counter{0};
  std::atomic<std::size_t> finished{0};
  {
    ThreadPool pool(2);
    for (int c = 0; c < 8; ++c)
      purecache::test::spawn(hop_and_count(pool, counter, 1), finished);
  }
  CHECK(finished.load() == 8);
  CHECK(counter.load() == 8);
}
