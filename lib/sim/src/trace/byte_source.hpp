#pragma once
/// Where trace bytes come from: a plain file or a zstd stream over one.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace purecache::sim::detail {

/// A forward-only stream of (decompressed) trace bytes. One virtual call per buffer fill.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to dst.size() bytes; 0 only at end of data. Throws TraceError "FILE: reason".
  virtual std::size_t read(std::span<char> dst) = 0;
  /// File bytes read so far (compressed bytes for zstd).
  [[nodiscard]] virtual std::uint64_t bytes_consumed() const noexcept = 0;
  /// File size (compressed for zstd); 0 if unknown.
  [[nodiscard]] virtual std::uint64_t total_bytes() const noexcept = 0;
  /// True for zstd decompression.
  [[nodiscard]] virtual bool compressed() const noexcept = 0;
};

/// Opens `path` with read(2) and picks zstd decompression when the name ends in ".zst" or the
/// file starts with the zstd magic 28 B5 2F FD. Throws TraceError "FILE: cannot open: ...",
/// "FILE: is a directory".
[[nodiscard]] std::unique_ptr<ByteSource> open_byte_source(const std::string& path);

}  // namespace purecache::sim::detail
