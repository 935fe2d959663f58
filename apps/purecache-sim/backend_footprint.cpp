#include "backend_footprint.hpp"

#include <cmath>
#include <string>

namespace purecache::sim {

namespace {

// std::string keeps up to 15 characters inline (libstdc++); longer ones own length + 1 on the
// heap, before the allocator's own rounding.
constexpr std::size_t kInlineChars = 15;

double mean_key_heap_bytes(const TraceReader& reader) {
  if (reader.distinct_keys() == 0) return 0;
  std::string text;
  std::uint64_t total = 0;
  for (std::size_t id = 0; id < reader.distinct_keys(); ++id) {
    reader.key_text(static_cast<KeyId>(id), text);
    if (text.size() > kInlineChars) total += text.size() + 1;
  }
  return static_cast<double>(total) / static_cast<double>(reader.distinct_keys());
}

}  // namespace

BackendFootprint library_footprint(const TraceSource& source, const TraceOptions& options,
                                   ReplayConfig config) {
  config.engine = ReplayEngine::library;
  config.lock_sample_every = 64;  // the plan reports memory, not lock times
  TraceReader reader(source, options);
  const ReplayResult result = replay(reader, config);
  BackendFootprint footprint{.entries = result.final_size,
                             .backend_bytes = result.memory.current_bytes,
                             .backend_peak_bytes = result.memory.peak_bytes};
  if (config.key_type == ReplayKeyType::string) {
    footprint.key_heap_bytes = static_cast<std::uint64_t>(
        std::llround(mean_key_heap_bytes(reader) * static_cast<double>(result.final_size)));
  }
  return footprint;
}

}  // namespace purecache::sim
