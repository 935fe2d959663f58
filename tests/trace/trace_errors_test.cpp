#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/trace_test_support.hpp"

using purecache::ConfigError;
using purecache::sim::TraceError;
using purecache::sim::TraceFormat;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::test::read_all;
using purecache::test::trace_data;
using purecache::test::trace_error;

namespace {

struct BadInput {
  const char* file;     // under tests/data/trace/
  const char* message;  // what() after the path
  TraceOptions options{};
};

}  // namespace

TEST_CASE("every malformed input names the file, the line or record, and the problem", "[trace]") {
  const std::vector<BadInput> cases{
      {"csv_wrong_field_count.csv", ":3: expected 5 fields, got 3"},
      {"csv_invalid_size.csv", ":2: invalid size 'abc'"},
      {"csv_size_overflow.csv", ":2: invalid size '4294967296'"},
      {"csv_invalid_timestamp.csv", ":3: invalid timestamp '12x'"},
      {"csv_negative_timestamp.csv", ":2: invalid timestamp '-1'"},
      {"csv_unknown_op.csv", ":2: unknown op 'read' (expected get, set or delete)"},
      {"csv_empty_key.csv", ":3: empty key"},
      {"csv_invalid_ttl.csv", ":2: invalid ttl 'forever'"},
      {"csv_missing_key_column.csv", ":1: header has no 'key' column"},
      {"csv_duplicate_key_column.csv", ":1: duplicate column 'key' in header"},
      {"csv_no_header.csv", ": csv trace has no header line"},
      {"tiny_mapped.csv", ":1: header has no 'key' column"},
      {"tiny_mapped.csv", ":1: header has no 'block' column for key",
       TraceOptions{.csv_columns = {{"key", "block"}}}},
      {"twitter_wrong_field_count.twitter", ":2: expected 7 fields, got 3"},
      {"twitter_unknown_op.twitter", ":1: unknown op 'touch'"},
      {"twitter_invalid_key_size.twitter", ":1: invalid key size 'x'"},
      {"twitter_invalid_value_size.twitter", ":1: invalid value size '-5'"},
      {"twitter_size_overflow.twitter",
       ":1: size 4294967300 (key size + value size) exceeds 4294967295"},
      {"twitter_empty_key.twitter", ":1: empty key"},
      {"twitter_invalid_ttl.twitter", ":1: invalid ttl '1h'"},
      {"twitter_invalid_timestamp.twitter", ":1: invalid timestamp 'now'"},
      {"oracle_truncated.oracleGeneral.bin", ":record 3: truncated record: 10 of 24 bytes"},
      {"tiny.txt", ":record 3: truncated record: 15 of 24 bytes",
       TraceOptions{.format = TraceFormat::oracle_general}},
      {"empty.txt", ": trace is empty"},
      {"does_not_exist.txt", ": cannot open: No such file or directory"},
      {"detect", ": is a directory"},
      {"corrupt.txt.zst", ": corrupt zstd data: Unknown frame descriptor"},
      {"truncated.csv.zst", ": corrupt zstd data: truncated frame"},
      {"detect/binary_25_bytes",
       ": cannot detect trace format: binary data of 25 bytes is not a whole number of 24-byte "
       "oracleGeneral records; set the format explicitly"},
      {"detect/five_fields_no_header",
       ": cannot detect trace format: first line has 5 comma-separated fields and no header; set "
       "the format explicitly"},
      {"tiny.txt", ":6: too many distinct keys (limit 2)", TraceOptions{.max_keys = 2}},
      {"tiny.oracleGeneral.bin", ":record 5: too many distinct keys (limit 2)",
       TraceOptions{.max_keys = 2}},
  };
  for (const BadInput& bad : cases) {
    const std::string path = trace_data(bad.file);
    INFO(bad.file);
    CHECK(trace_error(path, bad.options) == path + bad.message);
  }
}

TEST_CASE("a TraceError exposes path, position and reason separately", "[trace]") {
  const std::string path = trace_data("csv_wrong_field_count.csv");
  try {
    (void)read_all(path);
    FAIL("no error");
  } catch (const TraceError& e) {
    CHECK(e.path() == path);
    CHECK(e.position() == 3);
    CHECK(e.reason() == "expected 5 fields, got 3");
  }
}

TEST_CASE("skip mode drops bad rows, counts them and keeps the first locations", "[trace]") {
  const std::string path = trace_data("csv_many_bad_rows.csv");
  TraceReader reader(path, TraceOptions{.skip_errors = true});
  const auto requests = read_all(reader);
  REQUIRE(requests.size() == 3);  // rows 3, 9 and 11
  CHECK(requests[0].key == 0);
  CHECK(requests[0].size == 10);
  CHECK(requests[1].key == 1);
  CHECK(requests[1].size == 11);
  CHECK(requests[2].key == 2);
  CHECK(requests[2].size == 12);
  CHECK(reader.distinct_keys() == 3);  // bad rows intern nothing
  CHECK(reader.skipped() == 7);
  CHECK(reader.error_locations() == std::vector<std::string>{
                                        path + ":2: invalid size 'a'",
                                        path + ":4: expected 2 fields, got 1",
                                        path + ":5: empty key",
                                        path + ":6: invalid size '12.5'",
                                        path + ":7: expected 2 fields, got 3",
                                    });
}

TEST_CASE("skip mode honours max_error_locations", "[trace]") {
  const std::string path = trace_data("csv_many_bad_rows.csv");
  TraceReader none(path, TraceOptions{.skip_errors = true, .max_error_locations = 0});
  CHECK(read_all(none).size() == 3);
  CHECK(none.skipped() == 7);
  CHECK(none.error_locations().empty());

  TraceReader all(path, TraceOptions{.skip_errors = true, .max_error_locations = 100});
  CHECK(read_all(all).size() == 3);
  REQUIRE(all.error_locations().size() == 7);
  CHECK(all.error_locations()[6] == path + ":10: invalid size '99999999999'");
}

TEST_CASE("skip mode drops a truncated binary record", "[trace]") {
  const std::string path = trace_data("oracle_truncated.oracleGeneral.bin");
  TraceReader reader(path, TraceOptions{.skip_errors = true});
  CHECK(read_all(reader).size() == 2);
  CHECK(reader.skipped() == 1);
  CHECK(reader.error_locations() ==
        std::vector<std::string>{path + ":record 3: truncated record: 10 of 24 bytes"});
}

TEST_CASE("header problems and the key limit stay fatal in skip mode", "[trace]") {
  const TraceOptions skip{.skip_errors = true};
  const std::string header = trace_data("csv_missing_key_column.csv");
  CHECK(trace_error(header, skip) == header + ":1: header has no 'key' column");
  const std::string text = trace_data("tiny.txt");
  TraceOptions limited = skip;
  limited.max_keys = 2;
  CHECK(trace_error(text, limited) == text + ":6: too many distinct keys (limit 2)");
}

TEST_CASE("bad csv_columns are ConfigErrors", "[trace]") {
  const std::string csv = trace_data("tiny_mapped.csv");
  CHECK_THROWS_MATCHES(TraceReader(csv, TraceOptions{.csv_columns = {{"lba", "lbn"}}}), ConfigError,
                       Catch::Message("csv column field must be one of timestamp, key, size, op, "
                                      "ttl, got 'lba'"));
  CHECK_THROWS_MATCHES(TraceReader(csv, TraceOptions{.csv_columns = {{"timestamp", "time"}}}),
                       ConfigError,
                       Catch::Message("csv columns must map key, got 'timestamp=time'"));
  CHECK_THROWS_MATCHES(
      TraceReader(csv, TraceOptions{.csv_columns = {{"key", "lbn"}, {"key", "op"}}}), ConfigError,
      Catch::Message("csv column field must be mapped at most once, got 'key' twice"));
  CHECK_THROWS_MATCHES(TraceReader(csv, TraceOptions{.csv_columns = {{"key", ""}}}), ConfigError,
                       Catch::Message("csv column for key must not be empty, got ''"));
  CHECK_THROWS_MATCHES(
      TraceReader(trace_data("tiny.txt"), TraceOptions{.csv_columns = {{"key", "k"}}}), ConfigError,
      Catch::Message("csv columns need format csv, got 'text'"));
}
