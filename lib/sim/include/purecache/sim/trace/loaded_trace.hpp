#pragma once
/// A whole trace decoded into memory once, to be replayed many times (sweeps) without parsing.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "purecache/sim/detail/populated_allocator.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/spatial_sampler.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// What a complete read of a trace learnt about it, apart from the requests themselves.
struct TraceFacts {
  std::string path;
  TraceFormat format = TraceFormat::text;
  bool compressed = false;
  bool has_timestamps = false;
  bool has_sizes = false;
  bool has_ttls = false;
  bool has_ops = false;
  std::uint64_t requests = 0;       // requests read
  std::uint64_t distinct_keys = 0;  // ids are below this
  std::uint64_t distinct_bytes = 0;  // each distinct key's first size, summed
  std::uint64_t bytes = 0;          // input size (compressed size for .zst)
  std::uint64_t skipped = 0;        // malformed records skipped (--on-error skip)
  std::uint64_t ignored = 0;        // records the format drops (oracleGeneral size 0)
  std::vector<std::string> error_locations;
  std::string hash;  // TraceHash of the requests (16 hex digits)

  /// Everything `reader` knows once it has been read to its end; `hash` is the caller's.
  [[nodiscard]] static TraceFacts of(const TraceReader& reader);
};

/// The requests of a trace in one array, read-only once loaded, so any number of threads may
/// replay it at once. 32 bytes per request.
class LoadedTrace {
 public:
  /// Requests that may be read past the end of requests(): the fast engine prefetches that far
  /// ahead without a bounds check.
  static constexpr std::size_t kReadAhead = 16;

  /// Reads `reader` to its end. Returns nullopt, having read only part of it, as soon as the
  /// requests would take more than `memory_limit` bytes. Throws what TraceReader::read throws.
  /// Stops early, with complete() false, once `*stop_signal` is non-zero (may be null).
  /// facts().hash is left empty unless `with_hash` (hashing costs about 1 ns per request).
  [[nodiscard]] static std::optional<LoadedTrace> load(TraceReader& reader,
                                                       std::size_t memory_limit,
                                                       const std::atomic<int>* stop_signal,
                                                       bool with_hash = true);

  /// The requests to keys that `sampler` keeps, in trace order (SHARDS); facts keep the whole
  /// trace's counts and hash.
  [[nodiscard]] LoadedTrace sampled(const SpatialSampler& sampler) const;

  [[nodiscard]] std::span<const Request> requests() const noexcept {
    return std::span(requests_).first(requests_.size() - kReadAhead);
  }
  [[nodiscard]] const TraceFacts& facts() const noexcept { return facts_; }
  /// Bytes of the request array.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return requests_.capacity() * sizeof(Request);
  }
  /// False when a stop signal cut the load short.
  [[nodiscard]] bool complete() const noexcept { return complete_; }

 private:
  LoadedTrace() = default;

  using RequestArray = std::vector<Request, detail::PopulatedAllocator<Request>>;
  RequestArray requests_;  // the trace, then kReadAhead zero requests
  TraceFacts facts_;
  bool complete_ = true;
};

}  // namespace purecache::sim
