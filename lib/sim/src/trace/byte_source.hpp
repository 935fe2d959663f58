#pragma once
/// Where trace bytes come from: a TraceSource's input, plain or through zstd.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::sim::detail {

/// A forward-only stream of (decompressed) trace bytes. One virtual call per buffer fill.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to dst.size() bytes; 0 only at end of data. Throws TraceError "FILE: reason".
  virtual std::size_t read(std::span<char> dst) = 0;
  /// Input bytes read so far (compressed bytes for zstd).
  [[nodiscard]] virtual std::uint64_t bytes_consumed() const noexcept = 0;
  /// Input size (compressed for zstd); 0 if unknown: a pipe or device before its end was read.
  [[nodiscard]] virtual std::uint64_t total_bytes() const noexcept = 0;
  /// True for zstd decompression.
  [[nodiscard]] virtual bool compressed() const noexcept = 0;
};

/// The open input behind a TraceSource, shared by its copies and by the readers made from it.
/// A regular file is read in place with pread(2); any other input is read from its descriptor
/// once, in chunks kept for the readers that have not reached them (see TraceSource).
class SourceState {
 public:
  /// Opens `path` ("-": a duplicate of standard input). Throws TraceError.
  SourceState(std::string path, const TraceSourceOptions& options);
  SourceState(const SourceState&) = delete;
  SourceState& operator=(const SourceState&) = delete;
  ~SourceState();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] bool regular() const noexcept { return regular_; }

  /// Up to dst.size() bytes from `offset` (from the start of the input); 0 only at its end.
  /// `sole_reader`: no TraceSource and no other reader refers to this state any more, so bytes
  /// before `offset` may be freed and new ones need not be kept.
  std::size_t read_at(std::uint64_t offset, std::span<char> dst, bool sole_reader);
  /// The input's size: a regular file's from where reading starts; otherwise 0 until the end of
  /// the input has been read.
  [[nodiscard]] std::uint64_t size() const noexcept {
    return size_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

  /// ::read, retried on EINTR. Not regular only.
  std::size_t read_descriptor(char* dst, std::size_t n);
  std::size_t copy_stored(std::uint64_t offset, std::span<char> dst) const noexcept;
  /// Reads once from the descriptor into the last chunk; false at the end of the input.
  bool store_more();

  std::string path_;                    // as given, for messages
  int fd_ = -1;                         // owned, open for the state's lifetime
  bool regular_ = false;                // S_ISREG: pread at start_ + offset
  std::uint64_t start_ = 0;             // regular: where the data begins (stdin may be mid-file)
  std::atomic<std::uint64_t> size_{0};  // see size()
  std::uint64_t max_memory_ = 0;        // not regular: most bytes chunks_ may hold
  std::mutex mutex_;                    // not regular: guards the members below
  std::deque<std::unique_ptr<char[]>> chunks_;  // kChunkBytes each; the last one may be partial
  std::uint64_t first_chunk_ = 0;               // index of chunks_.front() in the input
  std::uint64_t read_ = 0;                      // bytes taken from the descriptor so far
  bool end_ = false;                            // the descriptor reported end of input
};

/// A reader's view of `state`, with zstd decompression when `state`'s path ends in ".zst" or its
/// data starts with the zstd magic 28 B5 2F FD.
[[nodiscard]] std::unique_ptr<ByteSource> open_byte_source(std::shared_ptr<SourceState> state);

}  // namespace purecache::sim::detail
