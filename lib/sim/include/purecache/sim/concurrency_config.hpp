#pragma once
/// How a library-engine replay spreads the trace over threads, clients and shards.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "purecache/async/async_mutex.hpp"

namespace purecache::sim {

/// Which client issues each request of the trace (docs/replay-semantics.md, "Threads").
enum class ClientPartition {
  round_robin,  // request i (from 0, in trace order) to client i mod clients
  key,          // every request of a key to the one client a hash of the key picks
};

/// Most worker threads a replay may ask for.
inline constexpr std::uint32_t kMaxReplayThreads = 1024;
/// Most client coroutines a replay may ask for.
inline constexpr std::uint32_t kMaxReplayClients = 1'000'000;

/// The concurrency of a library-engine replay. The default is the single-threaded replay on the
/// calling thread, one client in trace order, one lock.
struct ConcurrencyConfig {
  /// 0: the single-threaded replay on the calling thread (streamed; warm-up, timeline and every
  /// policy supported). >= 1: the trace is read into memory first, then `clients` closed-loop
  /// client coroutines replay it through one shared Cache on a ThreadPool of this many threads.
  std::uint32_t threads = 0;
  std::uint32_t clients = 1;  // >= 1; more than 1 needs threads >= 1
  ClientPartition partition = ClientPartition::round_robin;
  /// >= 1: BackendConfig::shards, the cache split into this many backends with a lock each and
  /// capacity / shards entries each (ShardedBackend). Valid with threads = 0 too.
  std::size_t shards = 1;
  /// Where the backend's mutex runs the waiter it hands the lock to: AsyncMutex (inline) or
  /// ScheduledAsyncMutex (scheduled); docs/concurrency.md.
  HandOff hand_off = HandOff::inline_resume;
};

/// Whether the requests reached the cache in the trace's order.
enum class ReplayOrder {
  trace,        // one client: the trace's order exactly
  interleaved,  // several clients: the trace's order per client (per key with partition key)
};

/// "round_robin" or "key".
[[nodiscard]] std::string_view to_string(ClientPartition partition) noexcept;
/// "inline" or "scheduled".
[[nodiscard]] std::string_view to_string(HandOff hand_off) noexcept;
/// "trace" or "interleaved".
[[nodiscard]] std::string_view to_string(ReplayOrder order) noexcept;
/// Throws ConfigError "partition must be round_robin or key, got 'x'".
[[nodiscard]] ClientPartition parse_client_partition(std::string_view name);
/// Throws ConfigError "hand-off must be inline or scheduled, got 'x'".
[[nodiscard]] HandOff parse_hand_off(std::string_view name);
/// The order a replay with `config` issues its requests in.
[[nodiscard]] ReplayOrder replay_order(const ConcurrencyConfig& config) noexcept;
/// Throws ConfigError if `config` is out of range (clients or shards 0, threads or clients above
/// their maxima, several clients on threads = 0).
void check_concurrency(const ConcurrencyConfig& config);

}  // namespace purecache::sim
