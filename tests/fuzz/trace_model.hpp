#pragma once
// The differential target: a model of docs/trace-formats.md for the text, csv, oracleGeneral and
// twitter formats, written from the document alone (it shares no code with the readers), and
// the check that TraceReader's requests, errors and counters equal the model's. The first input
// byte picks the format (mod 4: text, csv, oracleGeneral, twitter); the rest is the file.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/reader_fuzz.hpp"
#include "fuzz/scratch_dir.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::fuzz::model {

/// One content line or record, as the document says the reader must take it.
struct Row {
  std::uint64_t position = 0;          // line or record number from 1
  bool dropped = false;                // oracleGeneral size 0: neither a request nor an error
  std::vector<std::string> reasons{};  // non-empty: malformed; any one of these may be reported
  std::string key{};                   // the key's identity: its bytes, or the object id's 8 bytes
  sim::Request request{};              // all but the key id
};

/// A whole file, as the document describes it.
struct Trace {
  std::vector<std::string> fatal;  // non-empty: opening fails with one of these messages
  std::vector<Row> rows;           // blank lines, comments and the csv header left out
  bool records = false;            // positions are records (binary), not lines
  bool timestamps = false;         // has_timestamps() and the three below
  bool sizes = false;
  bool ttls = false;
  bool ops = false;
};

/// "FILE:LINE: reason" or "FILE:record N: reason".
inline std::string at(const std::string& path, std::uint64_t position, bool record,
                      std::string_view reason) {
  return path + (record ? ":record " : ":") + std::to_string(position) + ": " + std::string(reason);
}

/// Length of the valid UTF-8 character (RFC 3629) at s[i], or 0: decoded, then checked for
/// overlong forms, surrogates and code points past U+10FFFF.
inline std::size_t utf8_character(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return 1;
  const std::size_t length = lead >= 0xF8   ? 0
                             : lead >= 0xF0 ? 4
                             : lead >= 0xE0 ? 3
                             : lead >= 0xC0 ? 2
                                            : 0;
  if (length == 0 || s.size() - i < length) return 0;
  std::uint32_t code = lead & (0x7Fu >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3Fu);
  }
  constexpr std::array<std::uint32_t, 5> kSmallest{0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

/// Bytes in a message (error.hpp, escaped()): `\` doubled; tab, LF and CR as \t, \n, \r; other
/// C0 controls, DEL, C1 controls and bytes outside valid UTF-8 as \xHH; the rest copied.
inline std::string escaped(std::string_view bytes) {
  std::string out;
  const auto hex = [&out](unsigned char byte) {
    constexpr std::string_view kDigits = "0123456789ABCDEF";
    out += "\\x";
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  };
  for (std::size_t i = 0; i < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    const std::size_t length = utf8_character(bytes, i);
    if (length > 1) {
      const bool c1 = byte == 0xC2 && static_cast<unsigned char>(bytes[i + 1]) < 0xA0;
      for (std::size_t k = 0; k < length; ++k) {
        if (c1) {
          hex(static_cast<unsigned char>(bytes[i + k]));
        } else {
          out += bytes[i + k];
        }
      }
      i += length;
      continue;
    }
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (length == 0 || byte < 0x20 || byte == 0x7F) {
      hex(byte);
    } else {
      out += static_cast<char>(byte);
    }
    ++i;
  }
  return out;
}

/// "Values quoted in messages are cut to 40 bytes": escaped, in single quotes, "...'" when cut;
/// the cut never splits a UTF-8 character (error.hpp, quoted()).
inline std::string quoted(std::string_view value) {
  std::size_t cut = value.size();
  if (value.size() > 40) {
    cut = 0;
    for (;;) {
      const std::size_t length = std::max<std::size_t>(1, utf8_character(value, cut));
      if (cut + length > 40) break;
      cut += length;
    }
  }
  return "'" + escaped(value.substr(0, cut)) + (cut < value.size() ? "...'" : "'");
}

inline std::string_view without_bom(std::string_view data) {
  return data.starts_with("\xEF\xBB\xBF") ? data.substr(3) : data;
}

/// Lines end with \n; a \r before it is dropped; the last line may lack its newline. The document
/// does not say what happens to a \r ending a last line without \n: like the reader, the model
/// drops it (a CRLF file missing its final LF).
inline std::vector<std::string_view> lines_of(std::string_view data) {
  std::vector<std::string_view> lines;
  while (!data.empty()) {
    const std::size_t newline = data.find('\n');
    std::string_view line = data.substr(0, newline);
    data = newline == std::string_view::npos ? std::string_view() : data.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
  }
  return lines;
}

/// Surrounding spaces and tabs removed.
inline std::string_view trimmed(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

/// Split on every comma, no quoting, each field trimmed.
inline std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const std::size_t comma = line.find(',');
    fields.push_back(trimmed(line.substr(0, comma)));
    if (comma == std::string_view::npos) return fields;
    line.remove_prefix(comma + 1);
  }
}

inline bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A decimal integer that fits 64 bits, or nullopt.
inline std::optional<std::uint64_t> decimal(std::string_view s) {
  if (s.empty() || !all_digits(s)) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : s) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

/// "unsigned 32-bit integer".
inline std::optional<std::uint32_t> u32(std::string_view s) {
  const auto value = decimal(s);
  if (!value || *value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

/// The largest timestamp and TTL, in nanoseconds and as the messages write them.
struct SecondsLimit {
  std::int64_t nanos;
  std::string_view text;
};
inline constexpr SecondsLimit kMaxTimestamp{std::numeric_limits<std::int64_t>::max() - 1,
                                            "9223372036.854775806"};
inline constexpr SecondsLimit kMaxTTL{std::numeric_limits<std::int64_t>::max(),
                                      "9223372036.854775807"};

/// A timestamp or TTL field: "seconds: 12, 12.5, up to 9 decimals (more are truncated)", from 0
/// to `limit`, in nanoseconds. Adds the reason to `reasons` and returns nullopt if it is not:
/// "NAME 'v' exceeds LIMIT seconds" for a number of that syntax, else "invalid NAME 'v'".
inline std::optional<std::int64_t> seconds(std::string_view name, std::string_view value,
                                           const SecondsLimit& limit,
                                           std::vector<std::string>& reasons) {
  const std::size_t dot = value.find('.');
  const std::string_view whole_digits = value.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : value.substr(dot + 1);
  if (whole_digits.empty() || !all_digits(whole_digits) ||
      (dot != std::string_view::npos && (fraction.empty() || !all_digits(fraction)))) {
    reasons.push_back("invalid " + std::string(name) + " " + quoted(value));
    return std::nullopt;
  }
  constexpr std::uint64_t kNanos = 1'000'000'000;
  const auto max = static_cast<std::uint64_t>(limit.nanos);
  const auto whole = decimal(whole_digits);  // nullopt: past 2^64
  std::uint64_t nanos = 0;
  bool fits = whole && *whole <= max / kNanos;
  if (fits) {
    nanos = *whole * kNanos;
    std::uint64_t scale = kNanos;
    for (std::size_t i = 0; i < fraction.size() && i < 9; ++i) {
      scale /= 10;
      nanos += static_cast<std::uint64_t>(fraction[i] - '0') * scale;
    }
    fits = nanos <= max;
  }
  if (!fits) {
    reasons.push_back(std::string(name) + " " + quoted(value) + " exceeds " +
                      std::string(limit.text) + " seconds");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(nanos);
}

inline std::vector<std::string> empty_file(const std::string& path) {
  return {path + ": trace is empty"};
}

inline Trace text_trace(std::string_view data, const std::string& path) {
  Trace trace;
  if (data.empty()) {
    trace.fatal = empty_file(path);
    return trace;
  }
  const std::vector<std::string_view> lines = lines_of(without_bom(data));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view key = trimmed(lines[i]);
    if (key.empty() || key.front() == '#') continue;
    trace.rows.push_back(Row{.position = i + 1, .key = std::string(key)});
  }
  return trace;
}

inline Trace csv_trace(std::string_view data, const std::string& path) {
  Trace trace;
  if (data.empty()) {
    trace.fatal = empty_file(path);
    return trace;
  }
  const std::vector<std::string_view> lines = lines_of(without_bom(data));
  std::size_t h = 0;
  while (h < lines.size() && trimmed(lines[h]).empty())
    ++h;
  if (h == lines.size()) {
    trace.fatal = {path + ": csv trace has no header line"};
    return trace;
  }
  const std::vector<std::string_view> header = fields_of(lines[h]);
  constexpr std::array<std::string_view, 5> kFields{"timestamp", "key", "size", "op", "ttl"};
  std::array<std::optional<std::size_t>, 5> column{};
  for (std::size_t f = 0; f < kFields.size(); ++f) {
    const auto count = std::count(header.begin(), header.end(), kFields[f]);
    if (count > 1) {
      trace.fatal.push_back(
          at(path, h + 1, false, "duplicate column " + quoted(kFields[f]) + " in header"));
    }
    if (count > 0) {
      column[f] = static_cast<std::size_t>(std::find(header.begin(), header.end(), kFields[f]) -
                                           header.begin());
    }
  }
  if (!column[1]) trace.fatal.push_back(at(path, h + 1, false, "header has no 'key' column"));
  if (!trace.fatal.empty()) return trace;
  trace.timestamps = column[0].has_value();
  trace.sizes = column[2].has_value();
  trace.ops = column[3].has_value();
  trace.ttls = column[4].has_value();
  for (std::size_t i = h + 1; i < lines.size(); ++i) {
    if (trimmed(lines[i]).empty()) continue;
    Row row{.position = i + 1};
    const std::vector<std::string_view> fields = fields_of(lines[i]);
    if (fields.size() != header.size()) {
      row.reasons.push_back("expected " + std::to_string(header.size()) + " fields, got " +
                            std::to_string(fields.size()));
      trace.rows.push_back(std::move(row));
      continue;
    }
    row.key = std::string(fields[*column[1]]);
    if (row.key.empty()) row.reasons.emplace_back("empty key");
    if (column[0]) {
      if (const auto t = seconds("timestamp", fields[*column[0]], kMaxTimestamp, row.reasons)) {
        row.request.time = purecache::Timestamp(*t);
      }
    }
    if (column[2]) {
      const std::string_view value = fields[*column[2]];
      if (const auto size = u32(value)) {
        row.request.size = *size;
      } else {
        row.reasons.push_back("invalid size " + quoted(value));
      }
    }
    if (column[3]) {
      const std::string_view value = fields[*column[3]];
      if (value == "get") {
        row.request.op = sim::Op::get;
      } else if (value == "set") {
        row.request.op = sim::Op::set;
      } else if (value == "delete") {
        row.request.op = sim::Op::erase;
      } else {
        row.reasons.push_back("unknown op " + quoted(value) + " (expected get, set or delete)");
      }
    }
    if (column[4]) {
      if (const auto ttl = seconds("ttl", fields[*column[4]], kMaxTTL, row.reasons)) {
        row.request.ttl = purecache::Duration(*ttl);
      }
    }
    trace.rows.push_back(std::move(row));
  }
  return trace;
}

inline Trace twitter_trace(std::string_view data, const std::string& path) {
  Trace trace;
  trace.timestamps = trace.sizes = trace.ttls = trace.ops = true;
  if (data.empty()) {
    trace.fatal = empty_file(path);
    return trace;
  }
  const std::vector<std::string_view> lines = lines_of(without_bom(data));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trimmed(lines[i]).empty()) continue;
    Row row{.position = i + 1};
    const std::vector<std::string_view> f = fields_of(lines[i]);
    if (f.size() != 7) {
      row.reasons.push_back("expected 7 fields, got " + std::to_string(f.size()));
      trace.rows.push_back(std::move(row));
      continue;
    }
    if (const auto t = seconds("timestamp", f[0], kMaxTimestamp, row.reasons)) {
      row.request.time = purecache::Timestamp(*t);
    }
    row.key = std::string(f[1]);
    if (row.key.empty()) row.reasons.emplace_back("empty key");
    const auto key_size = u32(f[2]);
    if (!key_size) row.reasons.push_back("invalid key size " + quoted(f[2]));
    const auto value_size = u32(f[3]);
    if (!value_size) row.reasons.push_back("invalid value size " + quoted(f[3]));
    // f[4], the client id: ignored, not validated.
    constexpr std::array<std::string_view, 8> kSets{"set",    "add",     "replace", "cas",
                                                    "append", "prepend", "incr",    "decr"};
    if (f[5] == "get" || f[5] == "gets") {
      row.request.op = sim::Op::get;
    } else if (std::find(kSets.begin(), kSets.end(), f[5]) != kSets.end()) {
      row.request.op = sim::Op::set;
    } else if (f[5] == "delete") {
      row.request.op = sim::Op::erase;
    } else {
      row.reasons.push_back("unknown op " + quoted(f[5]));
    }
    if (const auto ttl = seconds("ttl", f[6], kMaxTTL, row.reasons)) {
      row.request.ttl = purecache::Duration(*ttl);
    }
    if (key_size && value_size) {
      const std::uint64_t size = std::uint64_t{*key_size} + *value_size;
      if (size > std::numeric_limits<std::uint32_t>::max()) {
        row.reasons.push_back("size " + std::to_string(size) +
                              " (key size + value size) exceeds 4294967295");
      }
      row.request.size = static_cast<std::uint32_t>(size);
    }
    trace.rows.push_back(std::move(row));
  }
  return trace;
}

/// Little-endian unsigned integer of `bytes` bytes at `p`, byte by byte.
inline std::uint64_t little_endian(const char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i-- > 0;) {
    value = (value << 8) | static_cast<unsigned char>(p[i]);
  }
  return value;
}

/// Records of 24 bytes, `<IQIq`: u32 time (s), u64 object id, u32 size, i64 next access.
inline Trace oracle_general_trace(std::string_view data, const std::string& path) {
  Trace trace;
  trace.records = true;
  trace.timestamps = trace.sizes = true;
  if (data.empty()) {
    trace.fatal = empty_file(path);
    return trace;
  }
  const std::size_t whole = data.size() / 24;
  for (std::size_t i = 0; i < whole; ++i) {
    const char* record = data.data() + 24 * i;
    Row row{.position = i + 1};
    row.request.size = static_cast<std::uint32_t>(little_endian(record + 12, 4));
    row.dropped = row.request.size == 0;
    row.request.time = std::chrono::seconds(static_cast<std::int64_t>(little_endian(record, 4)));
    row.key = std::string(record + 4, 8);
    trace.rows.push_back(std::move(row));
  }
  if (const std::size_t rest = data.size() % 24; rest != 0) {
    trace.rows.push_back(
        Row{.position = whole + 1,
            .reasons = {"truncated record: " + std::to_string(rest) + " of 24 bytes"}});
  }
  return trace;
}

/// What one pass with `options` must produce.
struct Expected {
  std::vector<sim::Request> requests;  // all of them, or those before the error
  std::vector<std::string> error;      // non-empty: the pass ends with one of these messages
  std::uint64_t skipped = 0;
  std::uint64_t ignored = 0;
  std::size_t distinct_keys = 0;
  std::vector<std::vector<std::string>> error_locations;  // each: the messages allowed there
};

inline Expected expect(const Trace& trace, const std::string& path,
                       const sim::TraceOptions& options) {
  Expected expected;
  if (!trace.fatal.empty()) {
    expected.error = trace.fatal;
    return expected;
  }
  std::map<std::string, sim::KeyId> ids;  // in order of first appearance
  for (const Row& row : trace.rows) {
    if (row.dropped) {
      ++expected.ignored;  // and its id is not interned
      continue;
    }
    if (!row.reasons.empty()) {
      std::vector<std::string> messages;
      for (const std::string& reason : row.reasons) {
        messages.push_back(at(path, row.position, trace.records, reason));
      }
      if (!options.skip_errors) {
        expected.error = std::move(messages);
        return expected;
      }
      ++expected.skipped;  // a dropped row interns nothing
      if (expected.error_locations.size() < options.max_error_locations) {
        expected.error_locations.push_back(std::move(messages));
      }
      continue;
    }
    const auto [it, added] = ids.try_emplace(row.key, static_cast<sim::KeyId>(ids.size()));
    if (added && ids.size() > options.max_keys) {
      expected.error = {
          at(path, row.position, trace.records,
             "too many distinct keys (limit " + std::to_string(options.max_keys) + ")")};
      return expected;
    }
    sim::Request request = row.request;
    request.key = it->second;
    expected.requests.push_back(request);
  }
  expected.distinct_keys = ids.size();
  return expected;
}

inline std::string one_of(const std::vector<std::string>& messages) {
  std::string text;
  for (const std::string& m : messages)
    text += (text.empty() ? "'" : " or '") + m + "'";
  return text;
}

/// "" if the pass is what the model expects.
inline std::string compare(const Expected& expected, const ReadOutcome& actual,
                           const Trace& trace) {
  if (!expected.error.empty()) {
    if (!actual.error) {
      return "expected the error " + one_of(expected.error) + ", but the reader read " +
             std::to_string(actual.requests.size()) + " requests without one";
    }
    if (std::find(expected.error.begin(), expected.error.end(), *actual.error) ==
        expected.error.end()) {
      return "expected the error " + one_of(expected.error) + ", got '" + *actual.error + "'";
    }
    if (std::string why = prefix_mismatch(actual.requests, expected.requests); !why.empty()) {
      return "before the error: " + why;
    }
    return {};
  }
  if (actual.error) {
    return "expected " + std::to_string(expected.requests.size()) + " requests, got the error '" +
           *actual.error + "' after " + std::to_string(actual.requests.size());
  }
  if (actual.capped) return {};  // cannot happen below 1 MiB of input
  if (std::string why = prefix_mismatch(actual.requests, expected.requests); !why.empty()) {
    return why;
  }
  if (actual.requests.size() != expected.requests.size()) {
    return "expected " + std::to_string(expected.requests.size()) + " requests, got " +
           std::to_string(actual.requests.size());
  }
  const auto counter = [](std::string_view name, std::uint64_t want, std::uint64_t got) {
    return want == got ? std::string()
                       : std::string(name) + "() is " + std::to_string(got) + ", expected " +
                             std::to_string(want);
  };
  for (std::string why : {counter("skipped", expected.skipped, actual.skipped),
                          counter("ignored", expected.ignored, actual.ignored),
                          counter("distinct_keys", expected.distinct_keys, actual.distinct_keys),
                          counter("requests_read", expected.requests.size(), actual.requests_read),
                          counter("error_locations().size", expected.error_locations.size(),
                                  actual.error_locations.size())}) {
    if (!why.empty()) return why;
  }
  for (std::size_t i = 0; i < expected.error_locations.size(); ++i) {
    const auto& allowed = expected.error_locations[i];
    if (std::find(allowed.begin(), allowed.end(), actual.error_locations[i]) == allowed.end()) {
      return "error location " + std::to_string(i) + " is '" + actual.error_locations[i] +
             "', expected " + one_of(allowed);
    }
  }
  if (actual.has_timestamps != trace.timestamps || actual.has_sizes != trace.sizes ||
      actual.has_ttls != trace.ttls || actual.has_ops != trace.ops) {
    return "has_timestamps/sizes/ttls/ops() differ from the format's fields";
  }
  return {};
}

/// The differential target's entry: "" when the reader agrees with the model in every mode.
inline std::string check_trace_model(std::span<const std::uint8_t> input) {
  if (input.empty()) return {};
  constexpr std::array kFormats{sim::TraceFormat::text, sim::TraceFormat::csv,
                                sim::TraceFormat::oracle_general, sim::TraceFormat::twitter};
  const sim::TraceFormat format = kFormats[input[0] % kFormats.size()];
  input = input.subspan(1);
  const std::string_view data(reinterpret_cast<const char*>(input.data()), input.size());
  // The zstd magic makes the reader decompress, whatever the format; the model does not.
  if (data.starts_with("\x28\xB5\x2F\xFD")) return {};
  // Lines longer than the reader's 1 MiB buffer are not modelled (the script caps inputs).
  if (data.size() >= (std::size_t{1} << 20)) return {};
  const std::string path = ScratchDir::instance().write("model.trace", input);
  Trace trace;
  switch (format) {
    case sim::TraceFormat::text:
      trace = text_trace(data, path);
      break;
    case sim::TraceFormat::csv:
      trace = csv_trace(data, path);
      break;
    case sim::TraceFormat::oracle_general:
      trace = oracle_general_trace(data, path);
      break;
    default:
      trace = twitter_trace(data, path);
      break;
  }
  struct Mode {
    const char* name;
    sim::TraceOptions options;
    std::size_t batch;
  };
  const std::array<Mode, 4> modes{
      Mode{"strict", {.format = format}, 4096},
      Mode{"skip_errors", {.format = format, .skip_errors = true, .max_error_locations = 3}, 5},
      Mode{"max_keys 3", {.format = format, .max_keys = 3}, 2},
      Mode{"skip_errors, max_keys 3",
           {.format = format, .skip_errors = true, .max_error_locations = 1, .max_keys = 3},
           16}};
  for (const Mode& mode : modes) {
    const ReadOutcome actual = read_trace(path, mode.options, mode.batch);
    const Expected expected = expect(trace, path, mode.options);
    if (std::string why = compare(expected, actual, trace); !why.empty()) {
      return std::string(sim::to_string(format)) + ", " + mode.name + ", batch " +
             std::to_string(mode.batch) + ": " + why;
    }
  }
  return {};
}

}  // namespace purecache::fuzz::model
