#pragma once
/// The facade applications use: a backend plus everything that is not eviction policy.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "purecache/async/task.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/striped_counters.hpp"
#include "purecache/error.hpp"

namespace purecache {

enum class CacheOp { get, set, erase, clear };

/// What the observer hears after each operation. `key` is the caller's key (before namespacing),
/// null for clear. `hit` is: get found the key / set inserted a new key / erase removed one.
template <class K>
struct CacheEvent {
  CacheOp op;
  const K* key;
  bool hit;
};

/// One Cache's operation counts since its construction, whatever other caches did to a backend
/// they share; hits + misses = gets.
struct CacheCounters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t sets = 0;
  std::uint64_t erases = 0;
};

template <class K>
struct CacheOptions {
  /// Prefix joined to every key before it reaches the backend, so caches sharing one backend do
  /// not collide as long as no namespace is a prefix of another (the empty one is a prefix of
  /// all). Only for std::string keys; costs one string build per operation.
  std::string key_namespace{};
  /// Called after each operation completes, on the thread that completed it. Must be thread-safe
  /// if the cache is used from several threads.
  std::function<void(const CacheEvent<K>&)> observer{};
};

/// Forwards get / set / erase / clear to a backend it owns or shares with caches under other
/// namespaces. Swapping policy is one line: `Cache<K, V> c(make_backend<K, V>(BackendKind::lfu,
/// {.capacity = 1000}));`. Thread-safe when its backend is (every shipped one is), shared or not.
/// Cost: without a namespace or an observer, an operation is the backend's own Task (one virtual
/// call, one recycled frame) plus one atomic increment of a counter when it completes, on a cache
/// line of the calling thread's, so threads do not contend for it; with either, a second
/// recycled frame, and the namespace's string build.
template <class K, class V>
class Cache {
 public:
  /// Takes sole ownership of `backend`. Throws ConfigError if `backend` is null or a namespace is
  /// given for non-string keys.
  explicit Cache(std::unique_ptr<IBackend<K, V>> backend, CacheOptions<K> options = {})
      : Cache(std::shared_ptr<IBackend<K, V>>(std::move(backend)), std::move(options)) {}

  /// Shares `backend` with whoever else holds it, typically caches under other namespaces:
  /// `std::shared_ptr<IBackend<K, V>> backend = make_backend<K, V>(...);`. The backend lives as
  /// long as its last holder. Throws ConfigError as the constructor above.
  explicit Cache(std::shared_ptr<IBackend<K, V>> backend, CacheOptions<K> options = {})
      : backend_(std::move(backend)), options_(std::move(options)) {
    if (!backend_) throw ConfigError("backend must not be null");
    if constexpr (!std::is_same_v<K, std::string>) {
      if (!options_.key_namespace.empty()) {
        throw ConfigError("key_namespace requires std::string keys, got '" +
                          options_.key_namespace + "'");
      }
    }
  }

  /// The live value of `key`, or nullopt. Counts a hit or a miss.
  Task<std::optional<V>> get(const K& key) {
    if (direct()) [[likely]] {
      Task<std::optional<V>> task = backend_->get(key);
      detail::set_success_hook(task, &count_get, this);
      return task;
    }
    return get_adorned(key);
  }

  /// Inserts or overwrites; ttl == kDefaultTTL uses the backend's default. True if `key` was new.
  Task<bool> set(const K& key, V value, Duration ttl = kDefaultTTL) {
    if (direct()) [[likely]] {
      Task<bool> task = backend_->set(key, std::move(value), ttl);
      detail::set_success_hook(task, &count_set, this);
      return task;
    }
    return set_adorned(key, std::move(value), ttl);
  }

  /// Removes `key`; true if it was live.
  Task<bool> erase(const K& key) {
    if (direct()) [[likely]] {
      Task<bool> task = backend_->erase(key);
      detail::set_success_hook(task, &count_erase, this);
      return task;
    }
    return erase_adorned(key);
  }

  /// Removes every entry of the backend, including those of other caches sharing it: namespaces
  /// are not selective.
  Task<void> clear() {
    if (!options_.observer) return backend_->clear();
    return clear_observed();
  }

  /// This cache's counts; caches sharing the backend count apart.
  [[nodiscard]] CacheCounters counters() const noexcept {
    return {counts_.sum(kHits), counts_.sum(kMisses), counts_.sum(kSets), counts_.sum(kErases)};
  }

  /// The backend, for stats(), size() and purge(); these count the entries of every cache
  /// sharing it.
  [[nodiscard]] IBackend<K, V>& backend() noexcept { return *backend_; }

 private:
  // Without a namespace or an observer, an operation is the backend's own Task plus a counting
  // hook: no coroutine frame of the Cache's own.
  [[nodiscard]] bool direct() const noexcept { return !namespaced() && !options_.observer; }

  static void count_get(void* self, const std::optional<V>& value) noexcept {
    Cache& cache = *static_cast<Cache*>(self);
    cache.counts_.add(value ? kHits : kMisses);
  }
  static void count_set(void* self, const bool& /*inserted*/) noexcept {
    static_cast<Cache*>(self)->counts_.add(kSets);
  }
  static void count_erase(void* self, const bool& /*erased*/) noexcept {
    static_cast<Cache*>(self)->counts_.add(kErases);
  }

  // The namespaced or observed paths: coroutines of their own, kept out of the callers.
  [[gnu::noinline]] Task<std::optional<V>> get_adorned(const K& key) {
    std::optional<V> value;
    if (namespaced()) {
      const K full = with_namespace(key);
      value = co_await backend_->get(full);
    } else {
      value = co_await backend_->get(key);
    }
    count_get(this, value);
    notify(CacheOp::get, &key, value.has_value());
    co_return value;
  }
  [[gnu::noinline]] Task<bool> set_adorned(const K& key, V value, Duration ttl) {
    bool inserted = false;
    if (namespaced()) {
      const K full = with_namespace(key);
      inserted = co_await backend_->set(full, std::move(value), ttl);
    } else {
      inserted = co_await backend_->set(key, std::move(value), ttl);
    }
    count_set(this, inserted);
    notify(CacheOp::set, &key, inserted);
    co_return inserted;
  }
  [[gnu::noinline]] Task<bool> erase_adorned(const K& key) {
    bool erased = false;
    if (namespaced()) {
      const K full = with_namespace(key);
      erased = co_await backend_->erase(full);
    } else {
      erased = co_await backend_->erase(key);
    }
    count_erase(this, erased);
    notify(CacheOp::erase, &key, erased);
    co_return erased;
  }
  [[gnu::noinline]] Task<void> clear_observed() {
    co_await backend_->clear();
    notify(CacheOp::clear, nullptr, false);
  }

  [[nodiscard]] bool namespaced() const noexcept {
    if constexpr (std::is_same_v<K, std::string>) {
      return !options_.key_namespace.empty();
    } else {
      return false;
    }
  }
  [[nodiscard]] K with_namespace(const K& key) const {
    if constexpr (std::is_same_v<K, std::string>) {
      return options_.key_namespace + key;
    } else {
      return key;
    }
  }
  void notify(CacheOp op, const K* key, bool hit) const {
    if (options_.observer) options_.observer(CacheEvent<K>{op, key, hit});
  }

  std::shared_ptr<IBackend<K, V>> backend_;  // never null; other caches may hold it too
  CacheOptions<K> options_;                  // fixed after construction
  // Striped by thread: one shared line would cross between cores on every operation.
  enum : std::size_t { kHits, kMisses, kSets, kErases, kCounterCount };
  detail::StripedCounters<kCounterCount> counts_;
};

}  // namespace purecache
