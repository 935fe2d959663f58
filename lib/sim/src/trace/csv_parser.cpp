#include <array>
#include <limits>
#include <string>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/key_interner.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "trace/field_parsing.hpp"
#include "trace/make_parser.hpp"

namespace purecache::sim::detail {

namespace {

constexpr std::size_t kNoColumn = std::numeric_limits<std::size_t>::max();

// Field numbers: the order of CsvParser::columns_ and of kFieldNames, the words users map in
// TraceOptions::csv_columns.
constexpr std::size_t kTimestamp = 0;
constexpr std::size_t kKey = 1;
constexpr std::size_t kSize = 2;
constexpr std::size_t kOp = 3;
constexpr std::size_t kTTL = 4;
constexpr std::size_t kFieldCount = 5;
constexpr std::array<std::string_view, kFieldCount> kFieldNames{"timestamp", "key", "size", "op",
                                                                "ttl"};

struct ColumnWanted {
  std::string name;       // column name to find in the header; empty = field not read
  bool required = false;  // missing from the header is an error
};

/// Resolves TraceOptions::csv_columns into the column name each field reads from.
std::array<ColumnWanted, kFieldCount> wanted_columns(const TraceOptions& options) {
  std::array<ColumnWanted, kFieldCount> wanted;
  if (options.csv_columns.empty()) {
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      wanted[f] = ColumnWanted{std::string(kFieldNames[f]), f == kKey};
    }
    return wanted;
  }
  std::string listed;
  for (const auto& [field, column] : options.csv_columns) {
    std::size_t f = 0;
    while (f < kFieldCount && kFieldNames[f] != field) {
      ++f;
    }
    if (f == kFieldCount) {
      purecache::detail::throw_config_error("csv column field", "'" + field + "'",
                                            "must be one of timestamp, key, size, op, ttl");
    }
    if (!wanted[f].name.empty()) {
      purecache::detail::throw_config_error("csv column field", "'" + field + "' twice",
                                            "must be mapped at most once");
    }
    if (column.empty()) {
      purecache::detail::throw_config_error("csv column for " + field, "''", "must not be empty");
    }
    wanted[f] = ColumnWanted{column, true};
    listed.append(listed.empty() ? "" : ",").append(field).append("=").append(column);
  }
  if (wanted[kKey].name.empty()) {
    purecache::detail::throw_config_error("csv columns", "'" + listed + "'", "must map key");
  }
  return wanted;
}

bool parse_op(std::string_view word, Op& op) noexcept {
  if (word == "get") {
    op = Op::get;
  } else if (word == "set") {
    op = Op::set;
  } else if (word == "delete") {
    op = Op::erase;
  } else {
    return false;
  }
  return true;
}

class CsvParser final : public TraceParser {
 public:
  CsvParser(std::string path, const TraceOptions& options, InputBuffer input)
      : TraceParser(std::move(path), options, std::move(input), TraceFormat::csv, false),
        lines_(input_),
        keys_(max_keys_) {
    read_header(wanted_columns(options));
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
  static bool is_blank(std::string_view line) noexcept {
    return line.empty() || ((line[0] == ' ' || line[0] == '\t') && trim(line).empty());
  }

  void read_header(const std::array<ColumnWanted, kFieldCount>& wanted) {
    std::string_view line;
    LineStatus status;
    do {
      status = lines_.next(line);
    } while (status == LineStatus::line && is_blank(line));
    if (status == LineStatus::end) {
      throw TraceError(path_, "csv trace has no header line");
    }
    const std::uint64_t at = lines_.line_number();
    if (status == LineStatus::too_long) {
      fail(at, long_line_reason(lines_));
    }
    row_.resize(split_fields(line, nullptr, 0));
    (void)split_fields(line, row_.data(), row_.size());
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      columns_[f] = kNoColumn;
      if (wanted[f].name.empty()) {
        continue;
      }
      for (std::size_t c = 0; c < row_.size(); ++c) {
        if (row_[c] != wanted[f].name) {
          continue;
        }
        if (columns_[f] != kNoColumn) {
          fail(at, "duplicate column " + purecache::detail::quoted(wanted[f].name) + " in header");
        }
        columns_[f] = c;
      }
      if (columns_[f] == kNoColumn && wanted[f].required) {
        std::string reason =
            "header has no " + purecache::detail::quoted(wanted[f].name) + " column";
        if (wanted[f].name != kFieldNames[f]) {
          reason.append(" for ").append(kFieldNames[f]);
        }
        fail(at, std::move(reason));
      }
    }
    fields_ = TraceFields{.timestamps = columns_[kTimestamp] != kNoColumn,
                          .sizes = columns_[kSize] != kNoColumn,
                          .ttls = columns_[kTTL] != kNoColumn,
                          .ops = columns_[kOp] != kNoColumn};
  }

  /// Parses one data row into `request` (all but the key) and `key`; false if blank or rejected.
  bool parse_row(std::string_view line, Request& request, std::string_view& key) {
    if (is_blank(line)) {
      return false;
    }
    const std::uint64_t at = lines_.line_number();
    const std::size_t count = split_fields(line, row_.data(), row_.size());
    if (count != row_.size()) [[unlikely]] {
      reject_field_count(at, row_.size(), count);
      return false;
    }
    key = row_[columns_[kKey]];
    if (key.empty()) [[unlikely]] {
      reject(at, "empty key");
      return false;
    }
    std::int64_t time = 0;
    if (columns_[kTimestamp] != kNoColumn && !parse_timestamp(row_[columns_[kTimestamp]], time))
        [[unlikely]] {
      reject_seconds(at, "timestamp", row_[columns_[kTimestamp]], kMaxTimestampNanos);
      return false;
    }
    std::uint32_t size = 0;
    if (columns_[kSize] != kNoColumn && !parse_unsigned(row_[columns_[kSize]], size)) [[unlikely]] {
      reject_value(at, "size", row_[columns_[kSize]]);
      return false;
    }
    Op op = Op::get;
    if (columns_[kOp] != kNoColumn && !parse_op(row_[columns_[kOp]], op)) [[unlikely]] {
      reject(at, "unknown op " + purecache::detail::quoted(row_[columns_[kOp]]) +
                     " (expected get, set or delete)");
      return false;
    }
    std::int64_t ttl = 0;
    if (columns_[kTTL] != kNoColumn && !parse_seconds(row_[columns_[kTTL]], ttl)) [[unlikely]] {
      reject_seconds(at, "ttl", row_[columns_[kTTL]], std::numeric_limits<std::int64_t>::max());
      return false;
    }
    request.time = Timestamp(time);
    request.ttl = Duration(ttl);
    request.key = 0;  // interned by read_rows, after validation: a rejected row interns nothing
    request.size = size;
    request.op = op;
    return true;
  }

  LineReader lines_;                                // over input_
  StringKeyInterner keys_;                          // key column values
  std::vector<std::string_view> row_;               // one per header column; reused per row
  std::array<std::size_t, kFieldCount> columns_{};  // header index per Field, or kNoColumn
};

}  // namespace

std::unique_ptr<TraceParser> make_csv_parser(std::string path, const TraceOptions& options,
                                             InputBuffer input) {
  return std::make_unique<CsvParser>(std::move(path), options, std::move(input));
}

}  // namespace purecache::sim::detail
