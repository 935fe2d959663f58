#pragma once
/// The one read buffer a parser scans, refilled from a ByteSource in large chunks.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "trace/byte_search.hpp"
#include "trace/byte_source.hpp"

namespace purecache::sim::detail {

/// The longest line a text format accepts, in bytes before its newline (a CR before the newline
/// counts).
inline constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
/// Default buffer: large enough that the per-fill virtual call and memmove vanish in the noise,
/// and one byte more than the longest line, so that such a line fits with its newline.
inline constexpr std::size_t kInputBufferBytes = kMaxLineBytes + 1;
/// In skip mode, how far the reader looks for the end of an over-long line before it gives up:
/// input without newlines (a device, binary data read as text) must not be read without bound.
inline constexpr std::uint64_t kMaxSkippedLineBytes = std::uint64_t{16} << 20;

/// A window [data(), end()) of unconsumed bytes over a ByteSource.
class InputBuffer {
 public:
  InputBuffer(std::unique_ptr<ByteSource> source, std::size_t capacity = kInputBufferBytes);

  [[nodiscard]] const char* data() const noexcept { return buffer_.get() + begin_; }
  [[nodiscard]] const char* end() const noexcept { return buffer_.get() + end_; }
  [[nodiscard]] std::size_t size() const noexcept { return end_ - begin_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  /// True once the source has reported end of data; size() may still be > 0.
  [[nodiscard]] bool eof() const noexcept { return eof_; }
  /// True when no byte could be added by refill() without consuming first.
  [[nodiscard]] bool full() const noexcept { return begin_ == 0 && end_ == capacity_; }

  void consume(std::size_t n) noexcept {
    assert(n <= size());
    begin_ += n;
  }
  void consume_to(const char* p) noexcept { consume(static_cast<std::size_t>(p - data())); }

  /// Moves the unconsumed bytes to the front and reads once into the free space. Returns the
  /// number of bytes added; 0 means end of data (eof() becomes true) or full().
  std::size_t refill();

  [[nodiscard]] const ByteSource& source() const noexcept { return *source_; }

 private:
  std::unique_ptr<ByteSource> source_;  // never null
  std::unique_ptr<char[]> buffer_;      // capacity_ bytes
  std::size_t capacity_;                // fixed
  std::size_t begin_ = 0;               // first unconsumed byte
  std::size_t end_ = 0;                 // one past the last valid byte
  bool eof_ = false;                    // source_ returned 0
};

enum class LineStatus { line, too_long, end };

/// Splits an InputBuffer into lines ('\n', with a trailing '\r' dropped); the last line may lack
/// its newline. Counts lines from 1, including blank ones.
class LineReader {
 public:
  explicit LineReader(InputBuffer& input) noexcept : input_(&input) {}

  /// The next line, valid until the next call. too_long: the line is longer than max_line_bytes();
  /// it counts as a line, and the caller either gives up or calls skip_long_line().
  LineStatus next(std::string_view& line) {
    const char* begin = input_->data();
    const char* newline = find_byte(begin, input_->end(), '\n');
    if (newline != nullptr) [[likely]] {
      input_->consume_to(newline + 1);
      ++line_number_;
      line = strip_cr(begin, newline);
      return LineStatus::line;
    }
    return next_slow(line);
  }

  /// Like next() but never refills: false (and nothing consumed) when no complete line is
  /// buffered, so views from earlier calls stay valid.
  bool next_buffered(std::string_view& line) noexcept {
    const char* begin = input_->data();
    const char* newline = find_byte(begin, input_->end(), '\n');
    if (newline == nullptr) {
      return false;
    }
    input_->consume_to(newline + 1);
    ++line_number_;
    line = strip_cr(begin, newline);
    return true;
  }

  /// After too_long: discards the rest of that line through its newline and returns true, or
  /// returns false when no newline comes within `limit` bytes of the line's start (then more than
  /// `limit` bytes, but at most `limit` plus one buffer, have been read and discarded).
  [[nodiscard]] bool skip_long_line(std::uint64_t limit);

  /// The longest line next() returns: one byte less than the buffer, which must hold the newline.
  [[nodiscard]] std::size_t max_line_bytes() const noexcept { return input_->capacity() - 1; }

  /// Number of the line last returned (0 before the first).
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_number_; }

 private:
  static std::string_view strip_cr(const char* begin, const char* end) noexcept {
    if (end != begin && end[-1] == '\r') {
      --end;
    }
    return {begin, static_cast<std::size_t>(end - begin)};
  }
  LineStatus next_slow(std::string_view& line);

  InputBuffer* input_;             // not owned
  std::uint64_t line_number_ = 0;  // lines returned so far
};

}  // namespace purecache::sim::detail
