#include "backend_footprint.hpp"

#include <string>

#include "purecache/async/sync_wait.hpp"
#include "purecache/backend/make_backend.hpp"

namespace purecache::sim {

namespace {

// std::string keeps up to 15 characters inline (libstdc++); longer ones own length + 1 on the
// heap, before the allocator's own rounding.
constexpr std::size_t kInlineChars = 15;

template <class K, class KeyOf>
std::uint64_t fill_and_measure(BackendKind kind, const CoreConfig& config, std::uint64_t entries,
                               KeyOf&& key_of) {
  const auto backend = make_backend<K, std::uint32_t>(kind, config);
  for (std::uint64_t id = 0; id < entries; ++id) {
    (void)sync_wait(backend->set(key_of(static_cast<KeyId>(id)), 0, Duration{0}));
  }
  return sync_wait(backend->stats()).memory.current_bytes;
}

}  // namespace

BackendFootprint measure_footprint(BackendKind kind, const CoreConfig& config,
                                   const TraceReader& reader, bool string_keys,
                                   std::uint64_t entries) {
  BackendFootprint footprint{.entries = entries};
  if (string_keys) {
    std::string text;
    footprint.backend_bytes =
        fill_and_measure<std::string>(kind, config, entries, [&](KeyId id) -> const std::string& {
          reader.key_text(id, text);
          if (text.size() > kInlineChars) footprint.key_heap_bytes += text.size() + 1;
          return text;
        });
  } else {
    footprint.backend_bytes = fill_and_measure<std::uint64_t>(
        kind, config, entries, [&](KeyId id) { return reader.key_number(id).value_or(id); });
  }
  return footprint;
}

}  // namespace purecache::sim
