#pragma once
/// A whole trace held compactly for one replay of an offline policy (Belady), with each
/// request's next access found while it loads.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "purecache/core/time.hpp"
#include "purecache/sim/detail/populated_allocator.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// The requests of a trace in columns, for an offline policy replayed once: key, size,
/// operation and next access, at most 13 bytes per request (21 with times), where a LoadedTrace
/// takes 32 and its next accesses 8 more. The size and operation columns stay empty while every
/// request has size 0 and is a get (a trace without sizes or operations): 8 bytes per request.
/// An offline policy never reads a request's TTL, so none is kept, and times only when asked
/// for (a timeline's windows). Positions are 32-bit: a trace may have at most kMaxRequests
/// requests.
class OfflineTrace {
 public:
  /// next_access() of a request whose key is never requested again.
  static constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint64_t kMaxRequests = kNever - 1;
  /// Keys that may be read past the end of keys(): the fast engine prefetches that far ahead
  /// without a bounds check.
  static constexpr std::size_t kReadAhead = 16;
  /// Bytes per request without and with times, at most: what the memory limit is checked
  /// against.
  static constexpr std::size_t kRequestBytes = 3 * sizeof(std::uint32_t) + sizeof(Op);
  static constexpr std::size_t kTimedRequestBytes = kRequestBytes + sizeof(Timestamp);

  /// Reads `reader` to its end, keeping times if `with_times`. Returns nullopt, having read
  /// only part of it, as soon as the columns would take more than `memory_limit` bytes.
  /// Throws ConfigError past `max_requests` requests (at most kMaxRequests; tests lower it), and
  /// what TraceReader::read throws. Stops early, with complete() false, once `*stop_signal` is
  /// non-zero (may be null).
  [[nodiscard]] static std::optional<OfflineTrace> load(TraceReader& reader,
                                                        std::size_t memory_limit,
                                                        const std::atomic<int>* stop_signal,
                                                        bool with_times,
                                                        std::uint64_t max_requests = kMaxRequests);

  [[nodiscard]] std::size_t size() const noexcept { return next_.size(); }
  /// The columns, for a replay that reads them in place. kReadAhead zero keys follow keys();
  /// sizes() is empty when every size is 0, ops() when every request is a get.
  [[nodiscard]] std::span<const KeyId> keys() const noexcept { return std::span(keys_).first(size()); }
  [[nodiscard]] std::span<const std::uint32_t> sizes() const noexcept { return sizes_; }
  [[nodiscard]] std::span<const Op> ops() const noexcept { return ops_; }
  /// For each request, the position (from 0) of the next request to the same key, whatever
  /// its operation, or kNever: what next_access_positions finds, 32 bits wide.
  [[nodiscard]] std::span<const std::uint32_t> next_access() const noexcept { return next_; }
  /// Writes requests [from, from + out.size()) into `out`; places past the end get zero
  /// requests (key 0, a get). Times are 0 unless loaded with them; TTLs are always 0.
  void fill(std::size_t from, std::span<Request> out) const noexcept;
  /// Bytes of the columns.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// False when a stop signal cut the load short.
  [[nodiscard]] bool complete() const noexcept { return complete_; }

 private:
  OfflineTrace() = default;
  /// Fills next_ from keys_; `distinct_keys` sizes the scratch table (keys above it still work).
  void find_next_accesses(std::uint64_t distinct_keys);

  template <class T>
  using Column = std::vector<T, detail::PopulatedAllocator<T>>;
  Column<KeyId> keys_;           // then kReadAhead zero keys, once loaded
  Column<std::uint32_t> sizes_;  // empty while every size is 0
  Column<Op> ops_;               // empty while every request is a get
  Column<std::uint32_t> next_;
  Column<Timestamp> times_;  // empty unless loaded with times
  bool complete_ = true;
};

}  // namespace purecache::sim
