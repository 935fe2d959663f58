#include <array>
#include <limits>
#include <string>

#include "purecache/sim/trace/key_interner.hpp"
#include "trace/field_parsing.hpp"
#include "trace/make_parser.hpp"

namespace purecache::sim::detail {

namespace {

// timestamp, anonymized key, key size, value size, client id, operation, TTL
constexpr std::size_t kTwitterFields = 7;

/// Twemcache's commands folded onto our three ops: reads, writes of any kind, delete.
bool parse_twitter_op(std::string_view word, Op& op) noexcept {
  if (word == "get" || word == "gets") {
    op = Op::get;
  } else if (word == "set" || word == "add" || word == "replace" || word == "cas" ||
             word == "append" || word == "prepend" || word == "incr" || word == "decr") {
    op = Op::set;
  } else if (word == "delete") {
    op = Op::erase;
  } else {
    return false;
  }
  return true;
}

class TwitterParser final : public TraceParser {
 public:
  TwitterParser(std::string path, const TraceOptions& options, InputBuffer input)
      : TraceParser(std::move(path), options, std::move(input), TraceFormat::twitter, false),
        lines_(input_),
        keys_(max_keys_) {
    fields_ = TraceFields{.timestamps = true, .sizes = true, .ttls = true, .ops = true};
  }

  std::size_t read(std::span<Request> out) override {
    return read_rows(lines_, keys_, out,
                     [this](std::string_view line, Request& request, std::string_view& key) {
                       return parse_row(line, request, key);
                     });
  }

  std::size_t distinct_keys() const noexcept override { return keys_.size(); }
  std::optional<std::uint64_t> key_number(KeyId id) const noexcept override {
    return keys_.number(id);
  }
  void key_text(KeyId id, std::string& out) const override { out.assign(keys_.key(id)); }
  std::size_t keys_memory_bytes() const noexcept override { return keys_.memory_bytes(); }

 private:
  /// Parses one row into `request` (all but the key) and `key`; false if blank or rejected.
  bool parse_row(std::string_view line, Request& request, std::string_view& key) {
    if (line.empty() || ((line[0] == ' ' || line[0] == '\t') && trim(line).empty())) {
      return false;
    }
    const std::uint64_t at = lines_.line_number();
    std::array<std::string_view, kTwitterFields> f;
    const std::size_t count = split_fields(line, f.data(), f.size());
    if (count != kTwitterFields) [[unlikely]] {
      reject_field_count(at, kTwitterFields, count);
      return false;
    }
    std::int64_t time = 0;
    if (!parse_timestamp(f[0], time)) [[unlikely]] {
      reject_seconds(at, "timestamp", f[0], kMaxTimestampNanos);
      return false;
    }
    if (f[1].empty()) [[unlikely]] {
      reject(at, "empty key");
      return false;
    }
    std::uint32_t key_size = 0;
    if (!parse_unsigned(f[2], key_size)) [[unlikely]] {
      reject_value(at, "key size", f[2]);
      return false;
    }
    std::uint32_t value_size = 0;
    if (!parse_unsigned(f[3], value_size)) [[unlikely]] {
      reject_value(at, "value size", f[3]);
      return false;
    }
    // f[4], the client id, is not used; its format differs between trace releases.
    Op op = Op::get;
    if (!parse_twitter_op(f[5], op)) [[unlikely]] {
      reject(at, "unknown op " + purecache::detail::quoted(f[5]));
      return false;
    }
    std::int64_t ttl = 0;
    if (!parse_seconds(f[6], ttl)) [[unlikely]] {
      reject_seconds(at, "ttl", f[6], std::numeric_limits<std::int64_t>::max());
      return false;
    }
    const std::uint64_t size = std::uint64_t{key_size} + value_size;
    if (size > std::numeric_limits<std::uint32_t>::max()) [[unlikely]] {
      reject(at, "size " + std::to_string(size) + " (key size + value size) exceeds 4294967295");
      return false;
    }
    request.time = Timestamp(time);
    request.ttl = Duration(ttl);
    request.key = 0;  // interned by read_rows, after validation: a rejected row interns nothing
    key = f[1];
    request.size = static_cast<std::uint32_t>(size);
    request.op = op;
    return true;
  }

  LineReader lines_;        // over input_
  StringKeyInterner keys_;  // anonymized keys
};

}  // namespace

std::unique_ptr<TraceParser> make_twitter_parser(std::string path, const TraceOptions& options,
                                                 InputBuffer input) {
  return std::make_unique<TwitterParser>(std::move(path), options, std::move(input));
}

}  // namespace purecache::sim::detail
