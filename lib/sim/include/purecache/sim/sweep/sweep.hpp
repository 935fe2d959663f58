#pragma once
/// Many fast-engine replays of one trace on worker threads: from memory, or streamed.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/spatial_sampler.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::sim {

/// Called once per finished run with its position in `runs` and its result, from a worker
/// thread but never from two at once. A run stopped by the stop signal reports complete = false.
using SweepRunDone = std::function<void(std::size_t run, ReplayResult&& result)>;

/// Replays every config of `runs` (fast engine) over `trace`, `jobs` at a time, each run on one
/// thread from start to end. The trace is shared read-only. Throws the first run's exception
/// (ConfigError for the synthetic clock's end) once every thread has stopped. Offline runs
/// (Belady) read `next_access` (next_access_positions of the trace's requests), computed once
/// here if empty.
void sweep_loaded(const LoadedTrace& trace, std::span<const ReplayConfig> runs, unsigned jobs,
                  const SweepRunDone& on_done, std::span<const std::uint64_t> next_access = {});

/// Gets among `requests` past the first `warmup`: the whole trace's count a miniature
/// simulation's sample stands for.
[[nodiscard]] std::uint64_t counted_gets(std::span<const Request> requests,
                                         std::uint64_t warmup) noexcept;

/// What a streamed sweep's pass learnt about the whole trace.
struct SweepPass {
  TraceFacts facts;               // the hash included
  std::uint64_t counted_gets = 0;  // gets past the runs' warm-up, sampled or not
};

/// The same without holding the trace: one reader streams it once, batch by batch, to every
/// run at the same time, the runs split over `jobs` threads. Each run's wall_seconds is the
/// whole pass's. `sampler`, if set, keeps only the requests of its keys. Throws what the reader
/// throws. Stops, runs incomplete, when `*stop_signal` is non-zero (may be null). Cannot run an
/// offline policy (Belady: ConfigError), which needs the whole trace in memory.
[[nodiscard]] SweepPass sweep_streaming(const TraceSource& source, const TraceOptions& options,
                                         std::span<const ReplayConfig> runs, unsigned jobs,
                                         const std::optional<SpatialSampler>& sampler,
                                         const std::atomic<int>* stop_signal,
                                         const SweepRunDone& on_done);

/// Replays every config of `runs` with the library engine (config.key_type u64 or string), each
/// run reading the trace with its own reader, `jobs` runs at a time. Lock holds are timed while
/// other runs share the machine: docs/sweeps.md says what that means for them.
void sweep_library(const TraceSource& source, const TraceOptions& options,
                   std::span<const ReplayConfig> runs, unsigned jobs, const SweepRunDone& on_done);

}  // namespace purecache::sim
