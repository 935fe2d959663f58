#include "purecache/sim/trace/loaded_trace.hpp"

#include <algorithm>
#include <atomic>

#include "purecache/sim/trace/trace_hash.hpp"

namespace purecache::sim {

TraceFacts TraceFacts::of(const TraceReader& reader) {
  return TraceFacts{.path = reader.path(),
                    .format = reader.format(),
                    .compressed = reader.compressed(),
                    .has_timestamps = reader.has_timestamps(),
                    .has_sizes = reader.has_sizes(),
                    .has_ttls = reader.has_ttls(),
                    .has_ops = reader.has_ops(),
                    .requests = reader.requests_read(),
                    .distinct_keys = reader.distinct_keys(),
                    .distinct_bytes = reader.distinct_bytes(),
                    .bytes = reader.total_bytes(),
                    .skipped = reader.skipped(),
                    .ignored = reader.ignored(),
                    .error_locations = reader.error_locations(),
                    .hash = {}};
}

std::optional<LoadedTrace> LoadedTrace::load(TraceReader& reader, std::size_t memory_limit,
                                             const std::atomic<int>* stop_signal, bool with_hash) {
  constexpr std::size_t kBatch = 4096;
  const std::size_t max_requests = memory_limit / sizeof(Request);
  LoadedTrace trace;
  TraceHash hash;
  // An uncompressed oracleGeneral file says how many records it has: no regrowth, no copy.
  constexpr std::size_t kOracleRecordBytes = 24;
  if (reader.format() == TraceFormat::oracle_general && !reader.compressed()) {
    const std::size_t records = reader.total_bytes() / kOracleRecordBytes + kReadAhead;
    if (records + kBatch <= max_requests) {
      // Every page of it will be written: map them in one call rather than fault them in.
      trace.requests_ = RequestArray(detail::PopulatedAllocator<Request>(true));
      trace.requests_.reserve(records + kBatch);
    }
  }
  for (;;) {
    if (stop_signal != nullptr && stop_signal->load(std::memory_order_relaxed) != 0) {
      trace.complete_ = false;
      break;
    }
    const std::size_t used = trace.requests_.size();
    if (used + kBatch + kReadAhead > trace.requests_.capacity()) {
      // Doubling, but never past the limit: the array itself stays within it.
      const std::size_t grown = std::min(std::max<std::size_t>(2 * used, 1 << 16), max_requests);
      if (used + kBatch + kReadAhead > grown) return std::nullopt;
      trace.requests_.reserve(grown);
    }
    trace.requests_.resize(used + kBatch);
    const std::size_t n = reader.read(std::span(trace.requests_).subspan(used));
    trace.requests_.resize(used + n);
    if (with_hash) hash.update(std::span(trace.requests_).subspan(used));
    if (n == 0) break;
  }
  trace.requests_.resize(trace.requests_.size() + kReadAhead);  // zero requests
  trace.facts_ = TraceFacts::of(reader);
  if (with_hash) trace.facts_.hash = hash.hex();
  return trace;
}

LoadedTrace LoadedTrace::sampled(const SpatialSampler& sampler) const {
  LoadedTrace sample;
  sample.facts_ = facts_;
  sample.complete_ = complete_;
  for (const Request& request : requests()) {
    if (sampler.keeps(request.key)) sample.requests_.push_back(request);
  }
  sample.requests_.resize(sample.requests_.size() + kReadAhead);
  sample.requests_.shrink_to_fit();
  return sample;
}

}  // namespace purecache::sim
