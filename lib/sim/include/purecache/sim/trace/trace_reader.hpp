#pragma once
/// Streaming, batch-oriented trace reader: file, pipe or stdin (optionally zstd) -> Requests.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "purecache/sim/trace/key_interner.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/sim/trace/trace_hash.hpp"
#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::sim {

namespace detail {
class TraceParser;
}

/// How to open a trace. Set with designated initializers.
struct TraceOptions {
  TraceFormat format = TraceFormat::auto_detect;  // auto: by file name, then by content
  /// csv only: {field, column name} pairs, field in timestamp|key|size|op|ttl, e.g.
  /// {{"key", "lbn"}, {"timestamp", "time"}}. Empty: each field is the column of the same name.
  /// Non-empty: exactly the listed fields are read (key must be listed), other columns ignored.
  std::vector<std::pair<std::string, std::string>> csv_columns{};
  bool skip_errors = false;             // skip malformed records instead of throwing
  std::size_t max_error_locations = 5;  // messages kept by error_locations() when skipping
  std::size_t max_keys = kMaxKeyCount;  // distinct keys allowed; more is a TraceError
  bool hash_content = false;            // keep a TraceHash of the requests read: content_hash()
};

/// Reads a trace in batches. Memory is O(distinct keys) (the interner) plus a 1 MiB buffer,
/// whatever the trace length (a pipe read more than once: see TraceSource). Formats, detection,
/// limits and messages: docs/trace-formats.md. Not thread-safe; one reader per thread.
class TraceReader {
 public:
  /// Opens `path` ("-": standard input) and detects compression and (for auto_detect) the format
  /// from the first bytes. Throws TraceError for whole-file problems ("FILE: cannot open: No such
  /// file or directory", "FILE: is a directory", "FILE: trace is empty", corrupt zstd, csv header
  /// problems) and ConfigError for bad options. Same as TraceReader(TraceSource(path), options).
  explicit TraceReader(std::string path, const TraceOptions& options = {});
  /// Reads `source` from its start; throws as above. Pass the last copy of a source by move:
  /// then a pipe's bytes are freed as they are parsed instead of kept for another reader.
  explicit TraceReader(TraceSource source, const TraceOptions& options = {});
  /// Same as the constructor.
  [[nodiscard]] static TraceReader open(std::string path, const TraceOptions& options = {});

  TraceReader(TraceReader&&) noexcept;
  TraceReader& operator=(TraceReader&&) noexcept;
  ~TraceReader();

  /// Fills out[0..n) with the next n <= out.size() requests; n == 0 only at end of trace
  /// (out must not be empty). Fewer than out.size() may come back before the end.
  /// One virtual call per batch, none per request. Throws TraceError "FILE:LINE: reason" or
  /// "FILE:record N: reason" for a malformed record unless skip_errors; after a throw the
  /// reader's position is unspecified and it should be discarded.
  [[nodiscard]] std::size_t read(std::span<Request> out);

  /// The path as given.
  [[nodiscard]] const std::string& path() const noexcept;
  /// The format in use (never auto_detect).
  [[nodiscard]] TraceFormat format() const noexcept;
  /// True when the file is zstd-compressed.
  [[nodiscard]] bool compressed() const noexcept;
  /// Whether Request::time / size / ttl / op carry values from the trace (else they are zero/get).
  [[nodiscard]] bool has_timestamps() const noexcept;
  [[nodiscard]] bool has_sizes() const noexcept;
  [[nodiscard]] bool has_ttls() const noexcept;
  [[nodiscard]] bool has_ops() const noexcept;

  /// Distinct keys interned so far (ids handed out are < this).
  [[nodiscard]] std::size_t distinct_keys() const noexcept;
  /// The sum over the distinct keys so far of each one's size at its first request: the bytes
  /// a byte capacity of 100% holds (libCacheSim's working-set size). 0 without sizes.
  [[nodiscard]] std::uint64_t distinct_bytes() const noexcept;
  /// The value of the key interned as `id` (id < distinct_keys()) if the key is a number: every
  /// oracleGeneral object id; a text, csv or twitter key spelled as a canonical decimal below
  /// 10^19 (digits only, no leading zero but in "0"). Else nullopt. O(1), or O(key length).
  [[nodiscard]] std::optional<std::uint64_t> key_number(KeyId id) const noexcept;
  /// The value of every key interned so far, by id, when the format's keys are all numbers
  /// (oracleGeneral); empty otherwise. The interner's own table, so no copy: valid until the
  /// next read().
  [[nodiscard]] std::span<const std::uint64_t> key_numbers() const noexcept;
  /// Replaces `out` with the key interned as `id` (id < distinct_keys()) as the trace spells it;
  /// an oracleGeneral id in decimal. Allocates only when `out` must grow.
  void key_text(KeyId id, std::string& out) const;
  /// Bytes the reader holds: its key interner and its input buffer.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Requests returned by read() so far.
  [[nodiscard]] std::uint64_t requests_read() const noexcept;
  /// Input bytes read so far (compressed bytes for .zst); runs ahead of parsing by up to one
  /// buffer. With total_bytes(), drives a progress bar.
  [[nodiscard]] std::uint64_t bytes_consumed() const noexcept;
  /// Input size in bytes (compressed size for .zst). For a pipe or device: 0 until its end has
  /// been read (by this reader or an earlier one of the same TraceSource), then its length.
  [[nodiscard]] std::uint64_t total_bytes() const noexcept;
  /// Malformed records skipped (skip_errors only).
  [[nodiscard]] std::uint64_t skipped() const noexcept;
  /// Well-formed records the format says to drop: oracleGeneral records of size 0, as
  /// libCacheSim does. Not counted in skipped().
  [[nodiscard]] std::uint64_t ignored() const noexcept;
  /// The first max_error_locations messages of skipped records, each "FILE:LINE: reason".
  [[nodiscard]] const std::vector<std::string>& error_locations() const noexcept;
  /// With TraceOptions::hash_content: the TraceHash of the requests read so far (16 hex digits),
  /// the same value a sweep or curve of the trace reports as trace.hash. Else "".
  [[nodiscard]] std::string content_hash() const;

 private:
  std::unique_ptr<detail::TraceParser> parser_;  // never null except after a move
  std::uint64_t distinct_bytes_ = 0;  // first sizes of keys with ids below first_unseen_
  KeyId first_unseen_ = 0;            // ids are handed out in order of first request
  bool hashing_ = false;              // TraceOptions::hash_content
  TraceHash hash_;                    // every request read, when hashing_
};

}  // namespace purecache::sim
