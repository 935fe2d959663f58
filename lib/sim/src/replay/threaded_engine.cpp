// The library engine on a thread pool: closed-loop clients sharing one Cache.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/parameters_in_effect.hpp"
#include "purecache/cache.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/uint128.hpp"
#include "purecache/sim/metrics/latency_histogram.hpp"
#include "purecache/sim/metrics/tick_clock.hpp"
#include "replay/application_keys.hpp"
#include "replay/replay_backend.hpp"
#include "replay/replay_steps.hpp"
#include "replay/sampled_hold_timer.hpp"
#include "replay/sampled_wait_timer.hpp"
#include "replay/thread_lock_figures.hpp"
#include "replay/tick_summary.hpp"

namespace purecache::sim::detail {

namespace {

constexpr std::size_t kKeyPrefetchAhead = 8;   // as the single-threaded engine
constexpr std::size_t kStopCheckEvery = 4096;  // requests between reads of the stop signal

/// One request as a client issues it: what the cache call needs, 12 bytes.
struct ClientRequest {
  KeyId key = 0;
  std::uint32_t size = 0;
  Op op = Op::get;
};

/// What one client counted. A cache line of its own: clients on different threads never write
/// to a shared line.
struct alignas(64) ClientCounts {
  std::uint64_t requests = 0;
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t sets = 0;
  std::uint64_t erases = 0;
  std::uint64_t fills = 0;
  std::uint64_t get_bytes = 0;
  std::uint64_t hit_bytes = 0;
  bool stopped = false;  // left before its last request: the stop signal was set
};

/// The application's key of each id, read-only while the clients run.
template <class K>
class KeyTable;

/// Numeric keys: the table ApplicationKeys built (or borrowed from the reader) while loading.
template <>
class KeyTable<std::uint64_t> {
 public:
  explicit KeyTable(std::span<const std::uint64_t> numbers) noexcept : numbers_(numbers) {}
  void prefetch(KeyId id) const noexcept { __builtin_prefetch(&numbers_[id]); }
  [[nodiscard]] const std::uint64_t& operator()(KeyId id,
                                                std::uint64_t& /*buffer*/) const noexcept {
    return numbers_[id];
  }

 private:
  std::span<const std::uint64_t> numbers_;  // by id, complete
};

/// Text keys: each key's spelling once, copied into the client's own buffer per request, as the
/// single-threaded engine copies it out of the reader (an application receiving keys as bytes).
template <>
class KeyTable<std::string> {
 public:
  explicit KeyTable(std::vector<std::string> texts) noexcept : texts_(std::move(texts)) {}
  void prefetch(KeyId id) const noexcept { __builtin_prefetch(&texts_[id]); }
  [[nodiscard]] const std::string& operator()(KeyId id, std::string& buffer) const {
    buffer.assign(texts_[id]);
    return buffer;
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    std::size_t bytes = texts_.capacity() * sizeof(std::string);
    for (const std::string& text : texts_)
      bytes += text.capacity();
    return bytes;
  }

 private:
  std::vector<std::string> texts_;  // by id
};

/// The trace in memory, split into each client's requests in the order it issues them.
struct ClientLists {
  std::vector<std::vector<ClientRequest>> requests;  // by client
  bool complete = true;                              // false: the stop signal cut the reading

  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    std::size_t bytes = requests.capacity() * sizeof(requests.front());
    for (const auto& list : requests)
      bytes += list.capacity() * sizeof(ClientRequest);
    return bytes;
  }
};

/// The client that issues requests of key `id` under partition key: a hash of the id scaled to
/// the client count by a multiply.
std::size_t client_of_key(KeyId id, std::size_t clients) noexcept {
  const std::uint64_t mixed = purecache::detail::mix64(static_cast<std::uint64_t>(id) + 1);
  return static_cast<std::size_t>((static_cast<purecache::detail::Uint128>(mixed) * clients) >> 64);
}

/// Reads the whole trace, handing each request to its client; `on_request(request, index)`
/// (index from 1) sees each one first (the u64 key check).
template <class OnRequest>
ClientLists load_clients(TraceReader& reader, const ReplayConfig& config, OnRequest on_request) {
  const ConcurrencyConfig& concurrency = config.concurrency;
  ClientLists lists;
  lists.requests.resize(concurrency.clients);
  std::vector<Request> batch(kReplayBatch);
  std::uint64_t index = 0;
  for (;;) {
    if (stop_requested(config)) [[unlikely]] {
      lists.complete = false;
      break;
    }
    const std::size_t n = reader.read(batch);
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      const Request& request = batch[i];
      on_request(request, ++index);
      const std::size_t client = concurrency.partition == ClientPartition::key
                                     ? client_of_key(request.key, concurrency.clients)
                                     : static_cast<std::size_t>((index - 1) % concurrency.clients);
      lists.requests[client].push_back({request.key, request.size, request.op});
    }
    if (config.on_batch) config.on_batch(reader);
  }
  return lists;
}

/// One client: its requests in order, each awaited before the next (closed loop).
template <class K>
Task<> run_client(Cache<K, ReplayValue>& cache, const KeyTable<K>& keys,
                  std::span<const ClientRequest> requests, ClientCounts& counts,
                  ThreadLockFigures& figures, const ReplayConfig& config) {
  K buffer{};
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i % kStopCheckEvery == 0 && stop_requested(config)) [[unlikely]] {
      counts.stopped = true;
      break;
    }
    if (i + kKeyPrefetchAhead < requests.size()) keys.prefetch(requests[i + kKeyPrefetchAhead].key);
    const ClientRequest& request = requests[i];
    const K& key = keys(request.key, buffer);
    count_request(counts, request.op, request.size);
    // The same calls as the single-threaded replay's (library_engine.cpp); sets carry no TTL,
    // since threaded replays refuse expiring policies.
    if (request.op == Op::get) [[likely]] {
      const bool hit = static_cast<bool>(co_await cache.get(key));
      count_get(counts, request.size, hit, config.demand_fill);
      if (!hit && config.demand_fill) (void)co_await cache.set(key, request.size, Duration{0});
    } else if (request.op == Op::set) {
      (void)co_await cache.set(key, request.size, Duration{0});
    } else {
      (void)co_await cache.erase(key);
    }
    // Counted on the thread the request completed on: with the inline hand-off, not
    // necessarily the one it started on.
    ++figures.local().completed;
  }
}

template <class K>
void replay_clients(const KeyTable<K>& keys, const ClientLists& lists, const ReplayConfig& config,
                    ReplayResult& r) {
  const ConcurrencyConfig& concurrency = config.concurrency;
  const std::uint32_t sample_every = std::max<std::uint32_t>(1, config.lock_sample_every);
  ThreadLockFigures figures;
  const TickClock::Mark ticks_started = TickClock::mark();
  Cache<K, ReplayValue> cache(make_replay_backend<K>(config, VirtualClock{},
                                                     SampledHoldTimer(&figures, sample_every),
                                                     SampledWaitTimer(&figures, sample_every)));
  std::vector<ClientCounts> counts(concurrency.clients);
  {
    ThreadPool pool(concurrency.threads);
    std::vector<Task<>> clients;
    clients.reserve(concurrency.clients);
    for (std::size_t c = 0; c < concurrency.clients; ++c) {
      clients.push_back(run_client(cache, keys, lists.requests[c], counts[c], figures, config));
    }
    const auto started = std::chrono::steady_clock::now();
    sync_wait_all(pool, std::move(clients));
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // Each slot names the worker it belongs to; slots of other threads completed nothing.
    r.thread_requests.assign(pool.size(), 0);
    for (const auto& slot : figures.slots()) {
      for (std::size_t w = 0; w < pool.size(); ++w) {
        if (slot->executor == &pool.worker(w)) r.thread_requests[w] += slot->completed;
      }
    }
  }
  for (const ClientCounts& c : counts) {
    r.requests += c.requests;
    r.gets += c.gets;
    r.hits += c.hits;
    r.misses += c.misses;
    r.sets += c.sets;
    r.erases += c.erases;
    r.fills += c.fills;
    r.get_bytes += c.get_bytes;
    r.hit_bytes += c.hit_bytes;
    if (c.stopped) r.complete = false;
  }
  // Summarised before the stats below, so only the trace's own operations are in them.
  TickClock::calibrate_since(ticks_started);
  LatencyHistogram holds;
  for (const auto& slot : figures.slots())
    holds.merge(slot->hold_ticks);
  r.lock_hold = summarize_ticks(holds);
  r.lock_hold_sampled_every = sample_every;
  summarize_waits(figures, r);
  const BackendStats end = sync_wait(cache.backend().stats());
  r.evictions = end.evictions;
  r.memory = end.memory;
  r.final_size = end.size;
}

}  // namespace

ReplayResult replay_threaded(TraceReader& reader, const ReplayConfig& config) {
  ReplayResult r;
  r.engine = ReplayEngine::library;
  r.key_type =
      config.key_type == ReplayKeyType::string ? ReplayKeyType::string : ReplayKeyType::u64;
  r.policy_parameters = parameters_in_effect(config.policy, config.core);
  r.concurrency = config.concurrency;
  r.order = replay_order(config.concurrency);

  const auto load_started = std::chrono::steady_clock::now();
  const auto loaded = [&] {
    r.load_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  };
  if (r.key_type == ReplayKeyType::u64) {
    ApplicationKeys<std::uint64_t> keys(reader);
    std::uint64_t numbered = 0;  // ids whose number is known
    ClientLists lists = load_clients(reader, config, [&](const Request& request, std::uint64_t i) {
      // The reader numbers keys by first appearance: a new key is the next id.
      if (request.key == numbered) {
        keys.refresh();
        (void)keys(request.key, i);
        ++numbered;
      }
    });
    keys.refresh();
    loaded();
    r.complete = lists.complete;
    if (lists.complete) replay_clients(KeyTable<std::uint64_t>(keys.numbers()), lists, config, r);
    r.reader_bytes = reader.memory_bytes() + keys.memory_bytes() + lists.memory_bytes();
  } else {
    ClientLists lists = load_clients(reader, config, [](const Request&, std::uint64_t) {});
    std::vector<std::string> texts(reader.distinct_keys());
    for (std::size_t id = 0; id < texts.size(); ++id)
      reader.key_text(static_cast<KeyId>(id), texts[id]);
    const KeyTable<std::string> keys(std::move(texts));
    loaded();
    r.complete = lists.complete;
    if (lists.complete) replay_clients(keys, lists, config, r);
    r.reader_bytes = reader.memory_bytes() + keys.memory_bytes() + lists.memory_bytes();
  }
  return r;
}

}  // namespace purecache::sim::detail
