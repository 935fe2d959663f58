#pragma once
/// The registry of backend kinds: names for the CLI and the one kind-to-type switch.

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "purecache/core/lfu_core.hpp"
#include "purecache/core/lru_core.hpp"
#include "purecache/core/lru_ttl_core.hpp"
#include "purecache/core/ttl_core.hpp"
#include "purecache/core/wtinylfu_core.hpp"

namespace purecache {

enum class BackendKind { lru, lfu, ttl, lru_ttl, wtinylfu };

struct BackendKindInfo {
  BackendKind kind;
  std::string_view name;     // the CLI word
  std::string_view summary;  // one line for --help
  bool bounded;              // needs CoreConfig::capacity
  bool expiring;             // needs CoreConfig::ttl
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
    BackendKindInfo{BackendKind::wtinylfu, "wtinylfu",
                    "W-TinyLFU: LRU window, segmented LRU main, frequency-sketch admission, bounded",
                    true, false},
};

/// The registry row of `kind`.
[[nodiscard]] const BackendKindInfo& info(BackendKind kind) noexcept;
/// The CLI word of `kind`.
[[nodiscard]] std::string_view to_string(BackendKind kind) noexcept;
/// "lru, lfu, ttl, lru-ttl".
[[nodiscard]] std::string backend_kind_names();
/// Parses a CLI word; throws ConfigError "policy must be one of lru, lfu, ttl, lru-ttl, got 'x'".
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
    case BackendKind::wtinylfu:
      return std::forward<F>(f)(std::type_identity<WTinyLFUCore<K, V, HashFn>>{});
  }
  std::abort();  // unreachable: every enumerator is handled above
}

}  // namespace purecache
