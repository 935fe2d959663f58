#include "trace/input_buffer.hpp"

#include <span>

namespace purecache::sim::detail {

InputBuffer::InputBuffer(std::unique_ptr<ByteSource> source, std::size_t capacity)
    : source_(std::move(source)),
      buffer_(std::make_unique_for_overwrite<char[]>(capacity)),
      capacity_(capacity) {}

std::size_t InputBuffer::refill() {
  if (eof_) {
    return 0;
  }
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, size());
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    return 0;
  }
  const std::size_t got = source_->read(std::span<char>(buffer_.get() + end_, capacity_ - end_));
  end_ += got;
  eof_ = got == 0;
  return got;
}

LineStatus LineReader::next_slow(std::string_view& line) {
  for (;;) {
    const std::size_t scanned = input_->size();  // known to hold no newline
    if (input_->full()) {
      // Nothing is discarded here: whether to look for the line's end is the caller's choice,
      // and the input may never have one.
      ++line_number_;
      return LineStatus::too_long;
    }
    if (input_->refill() == 0) {
      if (input_->size() == 0) {
        return LineStatus::end;
      }
      const char* begin = input_->data();
      const char* end = input_->end();
      input_->consume(input_->size());
      ++line_number_;
      line = strip_cr(begin, end);  // last line without newline; bytes stay valid until refill
      return LineStatus::line;
    }
    const auto* newline = static_cast<const char*>(
        std::memchr(input_->data() + scanned, '\n', input_->size() - scanned));
    if (newline != nullptr) {
      const char* begin = input_->data();
      input_->consume_to(newline + 1);
      ++line_number_;
      line = strip_cr(begin, newline);
      return LineStatus::line;
    }
  }
}

bool LineReader::skip_long_line(std::uint64_t limit) {
  std::uint64_t discarded = 0;  // bytes of the line so far, none of them a newline
  for (;;) {
    const auto* newline =
        static_cast<const char*>(std::memchr(input_->data(), '\n', input_->size()));
    if (newline != nullptr) {
      discarded += static_cast<std::uint64_t>(newline - input_->data());
      input_->consume_to(newline + 1);
      return discarded <= limit;
    }
    discarded += input_->size();
    input_->consume(input_->size());
    if (discarded > limit) {
      return false;
    }
    if (input_->refill() == 0) {
      return true;  // the over-long line was the last one
    }
  }
}

}  // namespace purecache::sim::detail
