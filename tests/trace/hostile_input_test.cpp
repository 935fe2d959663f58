// Input meant to break the reader or its messages: control characters, bytes that are not
// UTF-8, lines without end, and formats guessed wrong.

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/trace_test_support.hpp"

using purecache::sim::TraceError;
using purecache::sim::TraceFormat;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::test::read_all;
using purecache::test::TempDir;
using purecache::test::trace_data;
using purecache::test::trace_error;
using purecache::test::write_text;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

/// The inverse of purecache::detail::escaped, as docs/trace-formats.md describes it.
std::string unescape(std::string_view text) {
  std::string bytes;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      bytes.push_back(text[i]);
      continue;
    }
    const char kind = text.at(++i);
    if (kind == 'x') {
      bytes.push_back(
          static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      bytes.push_back(kind == 't' ? '\t' : kind == 'n' ? '\n' : kind == 'r' ? '\r' : kind);
    }
  }
  return bytes;
}

/// The message of the TraceError the first read() throws, and the input bytes read by then.
std::pair<std::string, std::uint64_t> first_read_error(TraceReader& reader) {
  std::vector<purecache::sim::Request> batch(4096);
  try {
    while (reader.read(batch) != 0) {
    }
  } catch (const TraceError& e) {
    return {e.what(), reader.bytes_consumed()};
  }
  return {"", reader.bytes_consumed()};
}

}  // namespace

TEST_CASE("record text in messages is escaped: control characters, bad UTF-8, backslashes",
          "[trace][hostile]") {
  const std::string path = trace_data("csv_hostile_values.csv");
  TraceReader reader(path, TraceOptions{.skip_errors = true});
  CHECK(read_all(reader).size() == 1);  // only caf\xE9 is well-formed
  CHECK(reader.error_locations() ==
        std::vector<std::string>{
            path + ":3: invalid size 'big\\xE9'",
            // 39 bytes and then a 2-byte character across the 40-byte cut: cut before it.
            path + ":4: unknown op '" + std::string(39, 'a') + "...' (expected get, set or delete)",
            path + ":5: invalid size '1\\r2'",
            path + ":6: unknown op '\\x1B[2Jget' (expected get, set or delete)",
            path + ":7: unknown op 'back\\\\slash' (expected get, set or delete)",
        });
}

TEST_CASE("escaped() keeps valid UTF-8 and escapes everything else, losslessly",
          "[trace][hostile]") {
  using purecache::detail::escaped;
  CHECK(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(escaped("caf\xE9") == "caf\\xE9");
  CHECK(escaped(std::string("a\0b\x7F\tc\n\r", 8)) == "a\\x00b\\x7F\\tc\\n\\r");
  CHECK(escaped("\xC2\x9B"
                "31m") == "\\xC2\\x9B31m");                   // C1 CSI: a terminal control
  CHECK(escaped("\xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80") ==  // overlong, surrogate, > U+10FFFF
        "\\xC0\\xAF \\xED\\xA0\\x80 \\xF4\\x90\\x80\\x80");
  CHECK(escaped("\xE2\x82") == "\\xE2\\x82");  // truncated sequence
  CHECK(escaped("C:\\x41") == "C:\\\\x41");    // a literal backslash cannot pass for an escape

  std::mt19937_64 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 24, '\0');
    for (char& c : bytes) {
      // Mostly bytes that matter here: controls, backslash, lead and continuation bytes.
      constexpr unsigned char kPool[] = {0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x5C, 0x78, 0x41,
                                         0x7F, 0x80, 0x9B, 0xA9, 0xC2, 0xC3, 0xE2, 0xED,
                                         0xF0, 0xF4, 0xFF, 0x82, 0xAC, 0x90, 0x20, 0x27};
      c = static_cast<char>(random() % 3 == 0 ? random() % 256 : kPool[random() % sizeof kPool]);
    }
    const std::string text = escaped(bytes);
    INFO(text);
    CHECK(purecache::detail::valid_utf8(text));
    CHECK(text.find_first_of(std::string("\0\t\n\r\x1B\x7F", 6)) == std::string::npos);
    CHECK(unescape(text) == bytes);
  }
}

TEST_CASE("a path with control characters stays one line in messages", "[trace][hostile]") {
  TempDir dir;
  const std::string path = dir.file("new\nline\x1B[1m.txt");
  try {
    TraceReader reader(path);
    FAIL("opened a file that does not exist");
  } catch (const TraceError& e) {
    CHECK(std::string(e.what()) ==
          dir.file("new\\nline\\x1B[1m.txt") + ": cannot open: No such file or directory");
    CHECK(e.path() == path);  // the bytes as given
  }
}

TEST_CASE("a line may hold 1048576 bytes before its newline, and no more", "[trace][hostile]") {
  TempDir dir;
  const std::string path = dir.file("limit.txt");
  write_text(path, "first\n" + std::string(kMiB, 'x') + "\n" + std::string(kMiB + 1, 'y') +
                       "\nlast\n" + std::string(kMiB, 'z'));
  CHECK(trace_error(path) == path + ":3: line longer than 1048576 bytes");

  TraceReader reader(path, TraceOptions{.skip_errors = true});
  CHECK(read_all(reader).size() == 4);  // first, the x line, last, and the final z line
  CHECK(reader.distinct_keys() == 4);
  CHECK(reader.error_locations() ==
        std::vector<std::string>{path + ":3: line longer than 1048576 bytes"});
}

TEST_CASE("input without newlines fails after about one buffer, not after reading it all",
          "[trace][hostile]") {
  TempDir dir;
  const std::string path = dir.file("zeros");
  write_text(path, std::string(8 * kMiB, '\0'));
  for (const bool skip : {false, true}) {
    INFO("skip_errors " << skip);
    TraceReader reader(path, TraceOptions{.format = TraceFormat::text, .skip_errors = skip});
    const auto [message, consumed] = first_read_error(reader);
    if (skip) {
      // 8 MiB is under the 16 MiB skip-mode bound: skipped as one line, then the end.
      CHECK(message.empty());
      CHECK(reader.skipped() == 1);
      CHECK(reader.requests_read() == 0);
    } else {
      CHECK(message == path + ":1: line longer than 1048576 bytes");
      CHECK(consumed <= 2 * kMiB);
    }
  }
}

TEST_CASE("/dev/zero read as text ends in an error after a bounded read", "[trace][hostile]") {
  // The reader, not a timeout, bounds this test: it must give up after about one buffer (fail
  // mode) or after kMaxSkippedLineBytes (skip mode), although the input never ends.
  TraceReader fail("/dev/zero", TraceOptions{.format = TraceFormat::text});
  const auto [fail_message, fail_consumed] = first_read_error(fail);
  CHECK(fail_message == "/dev/zero:1: line longer than 1048576 bytes");
  CHECK(fail_consumed <= 2 * kMiB);

  TraceReader skip("/dev/zero", TraceOptions{.format = TraceFormat::text, .skip_errors = true});
  const auto [skip_message, skip_consumed] = first_read_error(skip);
  CHECK(skip_message == "/dev/zero:1: line longer than 16777216 bytes, too long to skip");
  CHECK(skip_consumed <= 18 * kMiB);
  CHECK(skip.error_locations() ==
        std::vector<std::string>{"/dev/zero:1: line longer than 1048576 bytes"});

  // Detected, zeros would be oracleGeneral records of size 0: dropped, forever.
  CHECK(trace_error("/dev/zero") ==
        "/dev/zero: cannot detect trace format: the first 4096 bytes are all zero; set the format "
        "explicitly");
}

TEST_CASE("a format guessed from the content is named in an error on the line it came from",
          "[trace][hostile]") {
  const std::string headerless = trace_data("headerless.csv");
  CHECK(trace_error(headerless) ==
        headerless +
            ":1: expected 7 fields, got 3 (format detected as twitter: the name ends in .csv and "
            "the first line, with 3 comma-separated fields, is not a header; set the format "
            "explicitly)");
  // Skip mode keeps the note on the first line's message only.
  TraceReader reader(headerless, TraceOptions{.skip_errors = true});
  CHECK(read_all(reader).empty());
  CHECK(reader.error_locations() ==
        std::vector<std::string>{
            headerless +
                ":1: expected 7 fields, got 3 (format detected as twitter: the name ends in .csv "
                "and the first line, with 3 comma-separated fields, is not a header; set the "
                "format explicitly)",
            headerless + ":2: expected 7 fields, got 3"});

  // Detected from content alone (no telling name): the 7 fields were the evidence.
  TempDir dir;
  const std::string unnamed = dir.file("trace");
  write_text(unnamed, "1,k,2,3,4,fetch,0\n");
  CHECK(trace_error(unnamed) ==
        unnamed +
            ":1: unknown op 'fetch' (format detected as twitter: the first line has 7 "
            "comma-separated fields and no header; set the format explicitly)");

  // Past the evidence, or with the format set, the guess is not in question.
  const std::string second = trace_data("headerless_bad_second_line.csv");
  CHECK(trace_error(second) == second + ":2: unknown op 'touch'");
  CHECK(trace_error(headerless, TraceOptions{.format = TraceFormat::twitter}) ==
        headerless + ":1: expected 7 fields, got 3");
}

TEST_CASE("the first bad line is reported, even when a later one is malformed too",
          "[trace][hostile]") {
  // Rows are validated a group ahead of interning their keys: line 4 passes the key limit, and
  // line 5, in the same group, is malformed. Line 4's error comes first.
  TempDir dir;
  const std::string path = dir.file("keys.csv");
  write_text(path, "key,size\na,1\nb,2\nc,3\nd,x\n");
  CHECK(trace_error(path, TraceOptions{.max_keys = 2}) ==
        path + ":4: too many distinct keys (limit 2)");
}
