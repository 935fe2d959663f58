#pragma once
/// TraceFormat::auto_detect: pick a format from the file name, then from the first bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim::detail {

/// Bytes of the (decompressed) trace start that content sniffing looks at.
inline constexpr std::size_t kDetectionBytes = 4096;

/// The format of the trace at `path` whose data starts with `head` (up to kDetectionBytes, BOM
/// removed). `plain_size` is the uncompressed file size, or 0 if unknown (compressed, a pipe).
/// Rules in docs/trace-formats.md. Throws TraceError "FILE: cannot detect trace format: ...".
[[nodiscard]] TraceFormat detect_format(const std::string& path, std::string_view head,
                                        std::uint64_t plain_size);

}  // namespace purecache::sim::detail
