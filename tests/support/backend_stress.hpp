#pragma once
// Many client coroutines on a thread pool issuing random get / set / erase on one backend or
// Cache, and the checks that its final state is a valid one.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"
#include "purecache/backend/ibackend.hpp"
#include "support/split_mix64.hpp"

namespace purecache::test {

// How hard to push. The defaults take well under a second under ThreadSanitizer.
struct StressShape {
  std::size_t threads = 4;
  int clients = 16;
  int ops_per_client = 400;
  std::uint64_t keys = 64;  // key space; larger than the tested capacities, so entries are evicted
};

// What the clients saw, summed over all of them.
struct StressTally {
  std::atomic<std::uint64_t> gets{0};
  std::atomic<std::uint64_t> hits{0};
  std::atomic<std::uint64_t> misses{0};
  std::atomic<std::uint64_t> sets{0};
  std::atomic<std::uint64_t> inserts{0};  // sets that reported a new key
  std::atomic<std::uint64_t> erases{0};
  std::atomic<std::uint64_t> removed{0};  // erases that reported a live key
  std::atomic<std::uint64_t> corrupt{0};  // hits whose value belongs to another key
};

// A value records its key in the high half, so a hit can be checked against the key it came from.
inline std::uint64_t stress_value(std::uint64_t key, std::uint64_t serial) {
  return key << 32 | (serial & 0xffff'ffffU);
}

// One client: random operations on `target` (an IBackend or a Cache of u64 to u64), sometimes
// hopping to another worker between or inside its awaits.
template <class Target>
Task<> stress_client(ThreadPool& pool, Target& target, std::uint64_t seed, const StressShape& shape,
                     StressTally& tally) {
  SplitMix64 random(seed);
  for (int op = 0; op < shape.ops_per_client; ++op) {
    const std::uint64_t key = random.below(shape.keys);
    const std::uint64_t dice = random.below(10);
    if (dice < 6) {
      const std::optional<std::uint64_t> value = co_await target.get(key);
      tally.gets.fetch_add(1, std::memory_order_relaxed);
      (value ? tally.hits : tally.misses).fetch_add(1, std::memory_order_relaxed);
      if (value && *value >> 32 != key) tally.corrupt.fetch_add(1, std::memory_order_relaxed);
    } else if (dice < 9) {
      const bool inserted = co_await target.set(key, stress_value(key, random.next()));
      tally.sets.fetch_add(1, std::memory_order_relaxed);
      if (inserted) tally.inserts.fetch_add(1, std::memory_order_relaxed);
    } else {
      const bool erased = co_await target.erase(key);
      tally.erases.fetch_add(1, std::memory_order_relaxed);
      if (erased) tally.removed.fetch_add(1, std::memory_order_relaxed);
    }
    if (random.below(4) == 0) co_await pool.schedule();
  }
}

// Aborts the test binary if it is still alive after `limit`: a deadlock or a lost wake-up then
// fails the run instead of hanging it.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit)
      : thread_([this, limit] {
          std::unique_lock lock(mutex_);
          if (!stopped_.wait_for(lock, limit, [this] { return done_; })) {
            std::fputs("stress test: no progress, deadlock or lost wake-up\n", stderr);
            std::abort();
          }
        }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    stopped_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool done_ = false;
  std::thread thread_;  // started last, after the fields it reads
};

// Runs shape.clients clients on a pool of shape.threads workers against `target` until all
// finished (at most 60 s, else the binary aborts).
template <class Target>
void run_stress(Target& target, const StressShape& shape, StressTally& tally) {
  const Watchdog watchdog(std::chrono::seconds(60));
  ThreadPool pool(shape.threads);
  std::vector<Task<>> clients;
  for (int c = 0; c < shape.clients; ++c)
    clients.push_back(
        stress_client(pool, target, 0x5eed0000U + static_cast<std::uint64_t>(c), shape, tally));
  sync_wait_all(pool, std::move(clients));
}

// The keys of [0, keys) that `backend` holds, each checked to carry its own value; counted with
// get, so every entry the size counts must be reachable through the index.
inline std::size_t reachable_keys(IBackend<std::uint64_t, std::uint64_t>& backend,
                                  std::uint64_t keys, std::size_t& corrupt) {
  std::size_t found = 0;
  for (std::uint64_t key = 0; key < keys; ++key) {
    if (const std::optional<std::uint64_t> value = sync_wait(backend.get(key))) {
      ++found;
      if (*value >> 32 != key) ++corrupt;
    }
  }
  return found;
}

// The final state of `backend`, bounded by `capacity` entries, after the clients of `tally` ran
// on it is a valid one, and their counts add up.
inline void check_final_state(IBackend<std::uint64_t, std::uint64_t>& backend, std::size_t capacity,
                              const StressShape& shape, const StressTally& tally) {
  using U64 = std::uint64_t;
  const U64 gets = tally.gets;
  const U64 sets = tally.sets;
  const U64 erases = tally.erases;
  CHECK(tally.hits + tally.misses == gets);
  CHECK(gets + sets + erases ==
        static_cast<U64>(shape.clients) * static_cast<U64>(shape.ops_per_client));
  CHECK(tally.corrupt.load() == 0);
  const BackendStats stats = sync_wait(backend.stats());
  CHECK(stats.size <= capacity);
  // Every entry came from a reported insert and left through a reported erase or an eviction.
  CHECK(tally.inserts - tally.removed - stats.evictions.capacity == U64{stats.size});
  std::size_t corrupt = 0;
  CHECK(reachable_keys(backend, shape.keys, corrupt) == stats.size);
  CHECK(corrupt == 0);
}

}  // namespace purecache::test
