#pragma once
/// A trace input opened once, from which several TraceReaders read: a file, a pipe or stdin.

#include <cstdint>
#include <memory>
#include <string>

namespace purecache::sim {

namespace detail {
class SourceState;
}

/// How to open a TraceSource. Set with designated initializers.
struct TraceSourceOptions {
  /// Most bytes of a pipe or device kept in memory for readers that start after the first;
  /// 0: a quarter of the memory available when the source is opened (MemAvailable, or the
  /// cgroup's limit if lower).
  std::uint64_t max_memory_bytes = 0;
};

/// One trace input, opened once; each TraceReader made from it reads all of it from the start.
/// A regular file is read in place; a pipe, stdin or device is read once and kept in memory, up
/// to max_memory_bytes, while a copy of the source lives (docs/trace-formats.md). Copies share
/// the input; readers made from one source may run on different threads.
class TraceSource {
 public:
  /// Opens `path`; "-" is standard input. Throws TraceError "FILE: cannot open: ...",
  /// "FILE: is a directory". Reads nothing yet (a FIFO's open still waits for a writer). Reading
  /// past max_memory_bytes of a kept input throws TraceError "FILE: not a regular file, ...".
  explicit TraceSource(std::string path, const TraceSourceOptions& options = {});

  /// The path as given.
  [[nodiscard]] const std::string& path() const noexcept;
  /// True for a regular file (read in place), false for an input that is read once and kept.
  [[nodiscard]] bool regular_file() const noexcept;

 private:
  friend class TraceReader;
  // Shared with copies and readers; a reader that finds itself its only owner knows that no
  // reader can come after it. Null only after a move.
  std::shared_ptr<detail::SourceState> state_;
};

}  // namespace purecache::sim
