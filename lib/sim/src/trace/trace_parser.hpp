#pragma once
/// Base of the per-format parsers: the buffer, counters and error policy they share.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/key_interner.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/input_buffer.hpp"

namespace purecache::sim::detail {

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
  /// The value of key `id` if it is a number (see TraceReader::key_number).
  [[nodiscard]] virtual std::optional<std::uint64_t> key_number(KeyId id) const noexcept = 0;
  /// Replaces `out` with the text of key `id`.
  virtual void key_text(KeyId id, std::string& out) const = 0;
  /// See TraceReader::key_numbers: empty unless the format's keys are all numbers.
  [[nodiscard]] virtual std::span<const std::uint64_t> key_numbers() const noexcept { return {}; }
  /// Bytes held by the key interner.
  [[nodiscard]] virtual std::size_t keys_memory_bytes() const noexcept = 0;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] TraceFormat format() const noexcept { return format_; }
  [[nodiscard]] const TraceFields& fields() const noexcept { return fields_; }
  [[nodiscard]] const InputBuffer& input() const noexcept { return input_; }
  [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }
  [[nodiscard]] std::uint64_t ignored() const noexcept { return ignored_; }
  [[nodiscard]] const std::vector<std::string>& error_locations() const noexcept {
    return error_locations_;
  }

  [[nodiscard]] std::uint64_t requests_read() const noexcept { return requests_read_; }
  /// Called by TraceReader::read with each batch's count.
  void count_requests(std::size_t n) noexcept { requests_read_ += n; }

  /// Set when the format was guessed from the content: `note` (" (format detected as ...)") is
  /// appended to the message of a malformed record at a position <= `up_to`, the part of the
  /// trace the guess was made from, where a wrong guess shows.
  void set_detection_note(std::uint64_t up_to, std::string note) {
    note_up_to_ = up_to;
    note_ = std::move(note);
  }

 protected:
  /// The batch loop of the line-based formats. `parse_row(line, request, key)` validates one
  /// line, fills `request` except its key and sets `key`; false for a blank or rejected line.
  /// Keys are interned in groups: hash and prefetch the group's slots first, then look them up,
  /// so the table's cache misses overlap instead of stalling one request at a time.
  template <class RowParser>
  std::size_t read_rows(LineReader& lines, StringKeyInterner& keys, std::span<Request> out,
                        RowParser&& parse_row);

  /// A fatal problem at `position` (line or record from 1): throws regardless of skip_errors.
  [[noreturn, gnu::cold]] void fail(std::uint64_t position, std::string reason) const;
  /// A malformed record: throws unless skip_errors, else counts it and keeps its message.
  [[gnu::cold, gnu::noinline]] void reject(std::uint64_t position, std::string reason);
  /// reject() with "invalid NAME 'VALUE'".
  [[gnu::cold, gnu::noinline]] void reject_value(std::uint64_t position, std::string_view name,
                                                 std::string_view value);
  /// reject() for a field of seconds that did not parse into at most `max_nanos`: "NAME 'VALUE'
  /// exceeds S seconds" for a number too large, else "invalid NAME 'VALUE'".
  [[gnu::cold, gnu::noinline]] void reject_seconds(std::uint64_t position, std::string_view name,
                                                   std::string_view value, std::int64_t max_nanos);
  /// After LineStatus::too_long at `position`: reject() with "line longer than N bytes", then
  /// skips the line, or fails when it goes on past kMaxSkippedLineBytes without a newline.
  [[gnu::cold, gnu::noinline]] void reject_long_line(LineReader& lines, std::uint64_t position);
  /// "line longer than N bytes" for `lines`' limit.
  [[nodiscard]] static std::string long_line_reason(const LineReader& lines);
  /// reject() with "expected N fields, got M".
  [[gnu::cold, gnu::noinline]] void reject_field_count(std::uint64_t position, std::size_t expected,
                                                       std::size_t got);

  std::string path_;           // as given, prefix of every message
  InputBuffer input_;          // the bytes being parsed
  TraceFields fields_;         // set by the derived constructor
  std::uint64_t ignored_ = 0;  // well-formed records the format drops
  std::size_t max_keys_;       // for the derived parser's interner

 private:
  TraceFormat format_;                        // never auto_detect
  bool binary_;                               // positions are records, not lines
  bool skip_errors_;                          // from TraceOptions
  std::size_t max_error_locations_;           // from TraceOptions
  std::uint64_t requests_read_ = 0;           // returned by read() so far
  std::uint64_t skipped_ = 0;                 // rejected records
  std::vector<std::string> error_locations_;  // at most max_error_locations_
  std::uint64_t note_up_to_ = 0;              // 0: no detection note
  std::string note_;                          // appended to early reject() messages
};

template <class RowParser>
std::size_t TraceParser::read_rows(LineReader& lines, StringKeyInterner& keys,
                                   std::span<Request> out, RowParser&& parse_row) {
  constexpr std::size_t kGroup = 16;  // enough misses in flight to cover memory latency
  struct Pending {
    std::string_view key;  // into the input buffer: valid until the next refill
    KeyProbe probe;
    std::uint64_t line;
  };
  std::array<Pending, kGroup> pending;
  std::size_t filled = 0;
  std::uint64_t at = 0;  // line being interned, for a key-limit error
  std::string_view line;
  std::string_view key;
  try {
    while (filled < out.size()) {
      const std::size_t want = std::min(kGroup, out.size() - filled);
      std::size_t n = 0;
      try {
        while (n < want && lines.next_buffered(line)) {
          if (parse_row(line, out[filled + n], key)) {
            const KeyProbe probe = StringKeyInterner::probe(key);
            keys.prefetch(probe);
            pending[n++] = Pending{key, probe, lines.line_number()};
          }
        }
      } catch (const TraceError&) {
        // A malformed row behind rows not interned yet: one of those may pass the key limit,
        // and the error of the earlier line must be the one reported.
        for (std::size_t i = 0; i < n; ++i) {
          at = pending[i].line;
          out[filled + i].key = keys.intern(pending[i].key, pending[i].probe);
        }
        throw;
      }
      for (std::size_t i = 0; i < n; ++i) {
        at = pending[i].line;
        out[filled + i].key = keys.intern(pending[i].key, pending[i].probe);
      }
      filled += n;
      if (n == want) {
        continue;
      }
      // No complete line left in the buffer: one line the slow way (refill, last line, end).
      const LineStatus status = lines.next(line);
      if (status == LineStatus::end) {
        break;
      }
      at = lines.line_number();
      if (status == LineStatus::too_long) {
        reject_long_line(lines, at);
      } else if (parse_row(line, out[filled], key)) {
        out[filled++].key = keys.intern(key);
      }
    }
  } catch (const KeyLimitError& e) {
    fail(at, e.what());
  }
  return filled;
}

}  // namespace purecache::sim::detail
