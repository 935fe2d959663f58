#pragma once
/// Belady's MIN in count mode for a replay that knows each request's position: no key lookups.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/config_checks.hpp"
#include "purecache/detail/policy_parameters.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/detail/position_set.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/request.hpp"

namespace purecache::sim {

/// A core told, before each operation, the operation's own position in the trace and its key's
/// next one, rather than only the next (OfflineCore).
template <class C>
concept PositionedCore = requires(C& core, std::uint64_t position) {
  { core.at_request(position, position) } -> std::same_as<void>;
};

/// Belady's MIN with a capacity in entries, counting exactly as BeladyCore does in count mode,
/// for the fast engine only. A cached key is known by when it is next requested: it holds the
/// bit of that position in a PositionSet, or, never requested again, a place in a count. So the
/// request at position p hits exactly when bit p is set, and the farthest-needed key is the
/// set's largest member: no key index, no slab, no heap, and per request one bit tested and one
/// set, plus on a miss in a full cache one largest-member search (one word per level). Keys
/// never requested again go first, which of them being unobservable (none is requested again).
/// The caller must announce every request of the trace, in order, with at_request() before its
/// one operation; the key arguments are not read. Memory: 1 bit per trace position (plus under
/// 2%), whatever the capacity.
class BeladyCountCore {
 public:
  using key_type = KeyId;
  using mapped_type = std::uint32_t;
  static constexpr bool kUsesTime = false;

  /// Positions [0, positions) may be announced. Throws ConfigError for a capacity of 0, a
  /// weight bound (weight mode is BeladyCore's) or any parameter (Belady has none).
  BeladyCountCore(const CoreConfig& config, std::uint64_t positions)
      : capacity_(checked_capacity(config)), cached_(positions) {
    static_cast<void>(purecache::detail::PolicyParameters("belady", config.parameters).finish());
  }

  /// The next operation is the request at `position`, whose key is next requested at `next`
  /// (> position), kNoNextAccess if never.
  void at_request(std::uint64_t position, std::uint64_t next) noexcept {
    position_ = position;
    next_ = next;
  }

  /// Non-null on a hit (pointing at no value in particular: a replay asks only whether it hit);
  /// the key then waits for its next access.
  const mapped_type* get(KeyId /*key*/, Timestamp /*now*/) noexcept {
    if (!cached_.erase(position_)) return nullptr;
    keep();
    return &hit_;
  }

  /// Keeps the key till its next access, first evicting the farthest-needed key if the key is
  /// new and the cache full. Returns true if the key was new.
  bool set(KeyId /*key*/, mapped_type /*value*/, Timestamp /*now*/,
           Duration /*ttl*/ = kDefaultTTL) noexcept {
    if (cached_.erase(position_)) {
      keep();
      return false;
    }
    if (size_ == capacity_) evict();
    keep();
    ++size_;
    return true;
  }

  /// Removes the key; true if it was cached.
  bool erase(KeyId /*key*/, Timestamp /*now*/) noexcept {
    if (!cached_.erase(position_)) return false;
    --size_;
    return true;
  }

  /// Nothing to prefetch: the bits of the positions ahead are read in order.
  void prefetch_slot(KeyId /*key*/) const noexcept {}
  void prefetch_entry(KeyId /*key*/) const noexcept {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::uint64_t weight() const noexcept { return size_; }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  /// The position set, allocated whole up front: current and peak alike; no key index.
  [[nodiscard]] MemoryUsage memory() const noexcept {
    const std::uint64_t bytes = cached_.memory_bytes();
    return {.current_bytes = bytes, .peak_bytes = bytes, .index_bytes = 0};
  }
  /// The parameters in effect: always empty (Belady has no knobs).
  [[nodiscard]] std::string_view parameters() const noexcept { return {}; }

 private:
  static std::size_t checked_capacity(const CoreConfig& config) {
    if (config.max_weight != 0) {
      purecache::detail::throw_config_error(
          "max_weight", std::to_string(config.max_weight),
          "must be 0: this Belady counts entries (BeladyCore weighs them)");
    }
    return purecache::detail::checked_capacity(config);
  }

  /// The announced key stays cached until its next access.
  void keep() noexcept {
    if (next_ == kNoNextAccess) {
      ++never_needed_;
    } else {
      cached_.insert(next_);
    }
  }
  /// Evicts a key never requested again if one is cached, else the one needed farthest ahead.
  void evict() noexcept {
    if (never_needed_ != 0) {
      --never_needed_;
    } else {
      cached_.erase(cached_.max());
    }
    --size_;
    ++evictions_.capacity;
  }

  std::size_t capacity_;                // >= 1
  detail::PositionSet cached_;          // the next access of each cached key needed again
  std::size_t never_needed_ = 0;        // cached keys never requested again
  std::size_t size_ = 0;                // cached keys: cached_'s members plus never_needed_
  std::uint64_t position_ = 0;          // of the announced request
  std::uint64_t next_ = kNoNextAccess;  // its key's next access
  EvictionCounts evictions_{};
  mapped_type hit_ = 0;  // what get() points at on a hit
};

}  // namespace purecache::sim
