#pragma once
/// The application's key of each request, as the library engine passes it to Cache.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim::detail {

/// The application's key of each interned request key.
template <class K>
class ApplicationKeys;

/// Numeric keys by id. Where the trace's keys are all numbers (oracleGeneral) this reads the
/// reader's own id -> number table, so the replay keeps no second copy of it; elsewhere (text,
/// csv) it copies each number as its id first appears, in order (the reader numbers keys by
/// first appearance). Either way a request costs one array read, not a parse.
template <>
class ApplicationKeys<std::uint64_t> {
 public:
  explicit ApplicationKeys(const TraceReader& reader) : reader_(reader) {}

  /// Call after each read() of the reader: its table may have moved or grown.
  void refresh() noexcept {
    if (copies_.empty()) numbers_ = reader_.key_numbers();
  }
  /// Starts loading the key of `id`, for a request a few steps ahead: the table is as large
  /// as the trace's key set, so a rare key's number is usually out of cache.
  void prefetch(KeyId id) const noexcept {
    if (id < numbers_.size()) __builtin_prefetch(&numbers_[id]);
  }
  [[nodiscard]] const std::uint64_t& operator()(KeyId id, std::uint64_t request) {
    assert(id <= numbers_.size());
    if (id == numbers_.size()) [[unlikely]] add(id, request);
    return numbers_[id];
  }
  /// Every number seen so far, by id: complete once the reader has read the whole trace.
  [[nodiscard]] std::span<const std::uint64_t> numbers() const noexcept { return numbers_; }
  /// The copies only: a borrowed table is counted in the reader's memory.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return copies_.capacity() * sizeof(std::uint64_t);
  }

 private:
  [[gnu::noinline]] void add(KeyId id, std::uint64_t request) {
    const std::optional<std::uint64_t> number = reader_.key_number(id);
    if (!number) {
      std::string text;
      reader_.key_text(id, text);
      throw NonNumericKeyError(reader_.path(), request, text);
    }
    copies_.push_back(*number);
    numbers_ = copies_;
  }

  const TraceReader& reader_;
  std::span<const std::uint64_t> numbers_;  // by id: the reader's table, or copies_
  std::vector<std::uint64_t> copies_;       // by id, dense; empty while the reader's is borrowed
};

/// The key's text, copied into one reused string per request: what an application that receives
/// keys as bytes does. No allocation once the buffer has grown to the longest key.
template <>
class ApplicationKeys<std::string> {
 public:
  explicit ApplicationKeys(const TraceReader& reader) : reader_(reader) {}

  void refresh() noexcept {}
  void prefetch(KeyId /*id*/) const noexcept {}
  [[nodiscard]] const std::string& operator()(KeyId id, std::uint64_t /*request*/) {
    reader_.key_text(id, buffer_);
    return buffer_;
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return buffer_.capacity(); }

 private:
  const TraceReader& reader_;
  std::string buffer_;  // the current request's key
};

}  // namespace purecache::sim::detail
