#pragma once
/// Base of the per-format parsers: the buffer, counters and error policy they share.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "purecache/trace/request.hpp"
#include "purecache/trace/trace_format.hpp"
#include "purecache/trace/trace_reader.hpp"
#include "trace/input_buffer.hpp"

namespace purecache::detail {

/// Which Request fields a format fills.
struct TraceFields {
  bool timestamps = false;
  bool sizes = false;
  bool ttls = false;
  bool ops = false;
};

/// One parser per open trace. TraceReader makes one virtual call per batch into it.
class TraceParser {
 public:
  TraceParser(std::string path, const TraceOptions& options, InputBuffer input, TraceFormat format,
              bool binary);
  TraceParser(const TraceParser&) = delete;
  TraceParser& operator=(const TraceParser&) = delete;
  virtual ~TraceParser() = default;

  /// Fills up to out.size() requests (out non-empty); 0 at end of trace.
  virtual std::size_t read(std::span<Request> out) = 0;
  [[nodiscard]] virtual std::size_t distinct_keys() const noexcept = 0;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] TraceFormat format() const noexcept { return format_; }
  [[nodiscard]] const TraceFields& fields() const noexcept { return fields_; }
  [[nodiscard]] const InputBuffer& input() const noexcept { return input_; }
  [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }
  [[nodiscard]] std::uint64_t ignored() const noexcept { return ignored_; }
  [[nodiscard]] const std::vector<std::string>& error_locations() const noexcept {
    return error_locations_;
  }

  std::uint64_t requests_read = 0;  // updated by TraceReader::read

 protected:
  /// A fatal problem at `position` (line or record from 1): throws regardless of skip_errors.
  [[noreturn, gnu::cold]] void fail(std::uint64_t position, std::string reason) const;
  /// A malformed record: throws unless skip_errors, else counts it and keeps its message.
  [[gnu::cold, gnu::noinline]] void reject(std::uint64_t position, std::string reason);
  /// reject() with "invalid NAME 'VALUE'".
  [[gnu::cold, gnu::noinline]] void reject_value(std::uint64_t position, std::string_view name,
                                                 std::string_view value);
  /// reject() with "line longer than N bytes" (N = the buffer size).
  [[gnu::cold, gnu::noinline]] void reject_long_line(std::uint64_t position);
  /// reject() with "expected N fields, got M".
  [[gnu::cold, gnu::noinline]] void reject_field_count(std::uint64_t position, std::size_t expected,
                                                       std::size_t got);

  std::string path_;             // as given, prefix of every message
  InputBuffer input_;            // the bytes being parsed
  TraceFields fields_;           // set by the derived constructor
  std::uint64_t ignored_ = 0;    // well-formed records the format drops
  std::size_t max_keys_;         // for the derived parser's interner

 private:
  TraceFormat format_;                    // never auto_detect
  bool binary_;                           // positions are records, not lines
  bool skip_errors_;                      // from TraceOptions
  std::size_t max_error_locations_;       // from TraceOptions
  std::uint64_t skipped_ = 0;             // rejected records
  std::vector<std::string> error_locations_;  // at most max_error_locations_
};

/// Quotes a value for a message, cut to 40 bytes so a garbage line cannot flood the terminal.
[[nodiscard]] std::string quoted(std::string_view value);

}  // namespace purecache::detail
