#pragma once
/// The trace encodings the reader understands, and their command-line words.

#include <array>
#include <cstdint>
#include <string_view>

namespace purecache::sim {

/// A trace encoding; see docs/trace-formats.md. Enumerators match the CLI words, with `-` as `_`
/// (`auto_detect` is the word `auto`).
enum class TraceFormat : std::uint8_t { auto_detect, text, csv, oracle_general, twitter };

/// The CLI words, in enumerator order, for help text.
inline constexpr std::array<std::string_view, 5> kTraceFormatNames{"auto", "text", "csv",
                                                                   "oracle-general", "twitter"};

/// The format named by a CLI word. Throws ConfigError
/// "format must be one of auto, text, csv, oracle-general, twitter, got 'x'" for anything else.
[[nodiscard]] TraceFormat parse_trace_format(std::string_view word);

/// The CLI word of `format` (the inverse of parse_trace_format).
[[nodiscard]] std::string_view to_string(TraceFormat format) noexcept;

}  // namespace purecache::sim
