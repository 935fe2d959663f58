#pragma once
/// The fast engine's replay of one cache, fed batch by batch: by a reader, by an in-memory trace,
/// or by a sweep that streams one trace to many caches at once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/request.hpp"
#include "replay/next_access_view.hpp"

namespace purecache::sim::detail {

/// Requests past the end of a batch that consume() may read (prefetch hints only): the caller's
/// buffer must hold them, whatever they contain.
inline constexpr std::size_t kFastReadAhead = 16;

/// Which fields of the trace's requests carry values.
struct TraceTraits {
  bool timestamps = false;
  bool ttls = false;
};

/// One policy core replaying one trace. One virtual call per batch, none per request.
class FastRun {
 public:
  virtual ~FastRun() = default;
  /// Replays `requests`, the next requests of the trace in order. The kFastReadAhead Requests
  /// after requests.end() must be readable.
  virtual void consume(std::span<const Request> requests) = 0;
  /// Replays requests [from, from + n) of `trace`, the next requests of the trace in order,
  /// reading its columns in place. Only for an offline run without a timeline.
  virtual void consume(const OfflineTrace& trace, std::size_t from, std::size_t n) = 0;
  /// The counts so far, as a finished replay reports them (complete as given; memory and final
  /// size from the core). reader_bytes and wall_seconds are the caller's to fill.
  [[nodiscard]] virtual ReplayResult finish(bool complete) = 0;
};

/// A run of config.policy over config.core; the engine and key type are fast and interned.
/// `next_access` holds, for every request the run will consume, the position of its key's next
/// request (next_access_positions, or an OfflineTrace's); only an offline policy reads it, and
/// for one it must cover the whole trace (none for a trace stopped before its first request) and
/// outlive the run: without it (a streamed replay) make_fast_run throws ConfigError.
[[nodiscard]] std::unique_ptr<FastRun> make_fast_run(const ReplayConfig& config,
                                                     TraceTraits traits,
                                                     NextAccessView next_access = {});

}  // namespace purecache::sim::detail
