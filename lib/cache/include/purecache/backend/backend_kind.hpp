#pragma once
/// The registry of backend kinds: names for the CLI and the one kind-to-type switch.

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "purecache/core/arc_core.hpp"
#include "purecache/core/belady_core.hpp"
#include "purecache/core/clock_core.hpp"
#include "purecache/core/fifo_core.hpp"
#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/s3fifo_core.hpp"
#include "purecache/core/sieve_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "purecache/core/wtinylfu_core.hpp"

namespace purecache {

enum class BackendKind { lru, lfu, ttl, lru_ttl, fifo, clock, sieve, s3fifo, arc, wtinylfu, belady };

struct BackendKindInfo {
  BackendKind kind;
  std::string_view name;     // the CLI word
  std::string_view summary;  // one line for --help
  bool bounded;              // needs CoreConfig::capacity
  bool expiring;             // needs CoreConfig::ttl
  /// Needs each request's next access (an OfflineCore): the simulator's fast engine only; no
  /// application can build it (make_backend refuses it).
  bool offline = false;
};

/// Every kind, in the order help texts list them. Adding a policy means adding a row here and a
/// case in with_core_type; the CLI and make_backend pick it up from these two places.
inline constexpr std::array kBackendKinds{
    BackendKindInfo{BackendKind::lru, "lru", "least recently used, bounded", true, false},
    BackendKindInfo{BackendKind::lfu, "lfu", "least frequently used (LRU among ties), bounded",
                    true, false},
    BackendKindInfo{BackendKind::ttl, "ttl", "unbounded, entries expire after their TTL", false,
                    true},
    BackendKindInfo{BackendKind::lru_ttl, "lru-ttl", "least recently used, bounded, entries expire",
                    true, true},
    BackendKindInfo{BackendKind::fifo, "fifo", "first in, first out, bounded", true, false},
    BackendKindInfo{BackendKind::clock, "clock",
                    "FIFO with a reference bit (second chance), bounded", true, false},
    BackendKindInfo{BackendKind::sieve, "sieve",
                    "SIEVE: FIFO with a visited bit and a hand, bounded", true, false},
    BackendKindInfo{BackendKind::s3fifo, "s3fifo",
                    "S3-FIFO: small, main and ghost FIFOs (SOSP'23), bounded", true, false},
    BackendKindInfo{BackendKind::arc, "arc", "adaptive replacement cache (FAST'03), bounded", true,
                    false},
    BackendKindInfo{BackendKind::wtinylfu, "wtinylfu",
                    "W-TinyLFU: LRU window, segmented LRU main, frequency-sketch admission, bounded",
                    true, false},
    BackendKindInfo{BackendKind::belady, "belady",
                    "offline optimal: evicts the key needed farthest ahead (fast engine only)",
                    true, false, true},
};

/// The registry row of `kind`.
[[nodiscard]] const BackendKindInfo& info(BackendKind kind) noexcept;
/// The CLI word of `kind`.
[[nodiscard]] std::string_view to_string(BackendKind kind) noexcept;
/// The CLI words of every kind in registry order: "lru, lfu, ttl, lru-ttl, ...".
[[nodiscard]] std::string backend_kind_names();
/// Throws ConfigError unless an application can run `kind`: an offline kind (Belady) needs each
/// request's next access, which only a replay of a recorded trace knows.
void require_online(BackendKind kind);
/// Parses a CLI word; throws ConfigError "policy must be one of lru, lfu, ..., got 'x'".
[[nodiscard]] BackendKind parse_backend_kind(std::string_view name);

/// The only switch from kind to type: calls `f(std::type_identity<Core>{})` with the core type
/// of `kind` for keys K, values V and key hash HashFn, and returns what f returns.
template <class K, class V, class HashFn = Hash<K>, class F>
decltype(auto) with_core_type(BackendKind kind, F&& f) {
  switch (kind) {
    case BackendKind::lru:
      return std::forward<F>(f)(std::type_identity<LRUCore<K, V, HashFn>>{});
    case BackendKind::lfu:
      return std::forward<F>(f)(std::type_identity<LFUCore<K, V, HashFn>>{});
    case BackendKind::ttl:
      return std::forward<F>(f)(std::type_identity<TTLCore<K, V, HashFn>>{});
    case BackendKind::lru_ttl:
      return std::forward<F>(f)(std::type_identity<LRUTTLCore<K, V, HashFn>>{});
    case BackendKind::fifo:
      return std::forward<F>(f)(std::type_identity<FIFOCore<K, V, HashFn>>{});
    case BackendKind::clock:
      return std::forward<F>(f)(std::type_identity<ClockCore<K, V, HashFn>>{});
    case BackendKind::sieve:
      return std::forward<F>(f)(std::type_identity<SieveCore<K, V, HashFn>>{});
    case BackendKind::s3fifo:
      return std::forward<F>(f)(std::type_identity<S3FIFOCore<K, V, HashFn>>{});
    case BackendKind::arc:
      return std::forward<F>(f)(std::type_identity<ARCCore<K, V, HashFn>>{});
    case BackendKind::belady:
      return std::forward<F>(f)(std::type_identity<BeladyCore<K, V, HashFn>>{});
    case BackendKind::wtinylfu:
      return std::forward<F>(f)(std::type_identity<WTinyLFUCore<K, V, HashFn>>{});
  }
  std::abort();  // unreachable: every enumerator is handled above
}

}  // namespace purecache
