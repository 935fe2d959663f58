#pragma once
/// TraceFormat::auto_detect: pick a format from the file name, then from the first bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim::detail {

/// Bytes of the (decompressed) trace start that content sniffing looks at.
inline constexpr std::size_t kDetectionBytes = 4096;

/// What detect_format decided, and on what evidence.
struct Detection {
  TraceFormat format = TraceFormat::text;  // never auto_detect
  /// Empty when the name or a header line decided; else why the content suggested `format`,
  /// e.g. "the first line has 7 comma-separated fields and no header".
  std::string guess{};
  /// With a guess: the line (record for binary data) the guess was made from, from 1. An error
  /// there or before it may mean the guess was wrong.
  std::uint64_t evidence_position = 0;
};

/// The format of the trace at `path` whose data starts with `head` (up to kDetectionBytes, BOM
/// removed). `plain_size` is the uncompressed file size, or 0 if unknown (compressed, a pipe).
/// Rules in docs/trace-formats.md. Throws TraceError "FILE: cannot detect trace format: ...".
[[nodiscard]] Detection detect_format(const std::string& path, std::string_view head,
                                      std::uint64_t plain_size);

}  // namespace purecache::sim::detail
