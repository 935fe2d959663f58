#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include "purecache/sim/trace/key_interner.hpp"
#include "trace/make_parser.hpp"

namespace purecache::sim::detail {

namespace {

// Python struct "<IQIq": u32 timestamp (s), u64 object id, u32 size, i64 next access vtime.
constexpr std::size_t kRecordBytes = 24;
constexpr std::size_t kPrefetchAhead = 32;  // records

template <class T>
T load_le(const char* p) noexcept {
  static_assert(std::endian::native == std::endian::little, "oracleGeneral is little-endian");
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

class OracleGeneralParser final : public TraceParser {
 public:
  OracleGeneralParser(std::string path, const TraceOptions& options, InputBuffer input)
      : TraceParser(std::move(path), options, std::move(input), TraceFormat::oracle_general, true),
        keys_(max_keys_) {
    fields_ = TraceFields{.timestamps = true, .sizes = true};
  }

  std::size_t read(std::span<Request> out) override {
    std::size_t filled = 0;
    while (filled < out.size()) {
      const std::size_t available = input_.size();
      if (available < kRecordBytes) {
        if (input_.refill() > 0) {
          continue;
        }
        if (available > 0) {
          reject(records_ + 1, "truncated record: " + std::to_string(available) + " of 24 bytes");
          input_.consume(available);
        }
        break;
      }
      // Whole records in the buffer, but no more than the batch can take even if none is dropped.
      const std::size_t count = std::min(available / kRecordBytes, out.size() - filled);
      const char* p = input_.data();
      std::size_t i = 0;
      try {
        for (; i < count; ++i, p += kRecordBytes) {
          if (i + kPrefetchAhead < count) {
            // Overlap the table's cache misses: by the time we get there the slot is loaded.
            keys_.prefetch(load_le<std::uint64_t>(p + kPrefetchAhead * kRecordBytes + 4));
          }
          const auto size = load_le<std::uint32_t>(p + 12);
          if (size == 0) [[unlikely]] {
            ++ignored_;  // libCacheSim drops these too; keep miss counts comparable
            continue;
          }
          Request& request = out[filled++];
          request.time = std::chrono::seconds(load_le<std::uint32_t>(p));
          request.ttl = Duration(0);
          request.key = keys_.intern(load_le<std::uint64_t>(p + 4));
          request.size = size;
          request.op = Op::get;
        }
      } catch (const KeyLimitError& e) {
        fail(records_ + i + 1, e.what());
      }
      input_.consume(count * kRecordBytes);
      records_ += count;
    }
    return filled;
  }

  std::size_t distinct_keys() const noexcept override { return keys_.size(); }
  std::optional<std::uint64_t> key_number(KeyId id) const noexcept override {
    return keys_.key(id);
  }
  void key_text(KeyId id, std::string& out) const override {
    std::array<char, 20> digits{};  // 2^64 - 1 has 20
    char* end = std::to_chars(digits.data(), digits.data() + digits.size(), keys_.key(id)).ptr;
    out.assign(digits.data(), end);
  }
  std::span<const std::uint64_t> key_numbers() const noexcept override { return keys_.keys(); }
  std::size_t keys_memory_bytes() const noexcept override { return keys_.memory_bytes(); }

 private:
  IdKeyInterner keys_;         // object ids
  std::uint64_t records_ = 0;  // records consumed, including ignored ones
};

}  // namespace

std::unique_ptr<TraceParser> make_oracle_general_parser(std::string path,
                                                        const TraceOptions& options,
                                                        InputBuffer input) {
  return std::make_unique<OracleGeneralParser>(std::move(path), options, std::move(input));
}

}  // namespace purecache::sim::detail
