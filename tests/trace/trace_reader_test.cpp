#include "purecache/sim/trace/trace_reader.hpp"

#include <zstd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "trace/trace_test_support.hpp"

using namespace std::chrono_literals;
using purecache::sim::Op;
using purecache::sim::Request;
using purecache::sim::TraceFormat;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::test::fields_of;
using purecache::test::read_all;
using purecache::test::same_requests;
using purecache::test::trace_data;

namespace {

Request req(std::chrono::nanoseconds time, purecache::sim::KeyId key, std::uint32_t size,
            Op op = Op::get, std::chrono::nanoseconds ttl = 0ns) {
  Request r;
  r.time = time;
  r.ttl = ttl;
  r.key = key;
  r.size = size;
  r.op = op;
  return r;
}

void check_requests(const std::vector<Request>& got, const std::vector<Request>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("request " << i);
    CHECK(fields_of(got[i]) == fields_of(want[i]));
  }
}

std::string zstd_compress(std::string_view bytes, int level = 3) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), level);
  REQUIRE(ZSTD_isError(n) == 0U);
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("an oracleGeneral reader lends its id -> number table, a text reader has none",
          "[trace]") {
  TraceReader oracle(trace_data("tiny.oracleGeneral.bin"));
  CHECK(oracle.key_numbers().empty());
  (void)read_all(oracle);
  const std::vector<std::uint64_t> numbers(oracle.key_numbers().begin(),
                                           oracle.key_numbers().end());
  CHECK(numbers == std::vector<std::uint64_t>{1001, 2002, UINT64_MAX});
  TraceReader text(trace_data("tiny.txt"));
  (void)read_all(text);
  CHECK(text.key_numbers().empty());
}

TEST_CASE("a text trace yields one get per key line, skipping blanks and comments", "[trace]") {
  TraceReader reader(trace_data("tiny.txt"));
  CHECK(reader.format() == TraceFormat::text);
  CHECK_FALSE(reader.compressed());
  CHECK_FALSE(reader.has_timestamps());
  CHECK_FALSE(reader.has_sizes());
  CHECK_FALSE(reader.has_ttls());
  CHECK_FALSE(reader.has_ops());
  // alpha, beta, alpha, "  gamma  \r" (trimmed, CRLF), beta without a final newline
  check_requests(read_all(reader),
                 {req(0ns, 0, 0), req(0ns, 1, 0), req(0ns, 0, 0), req(0ns, 2, 0), req(0ns, 1, 0)});
  CHECK(reader.distinct_keys() == 3);
  CHECK(reader.requests_read() == 5);
  CHECK(reader.skipped() == 0);
  CHECK(reader.total_bytes() == 63);
  CHECK(reader.bytes_consumed() == 63);
}

TEST_CASE("a csv trace maps named columns to timestamp, key, size, op and ttl", "[trace]") {
  TraceReader reader(trace_data("tiny.csv"));
  CHECK(reader.format() == TraceFormat::csv);
  CHECK(reader.has_timestamps());
  CHECK(reader.has_sizes());
  CHECK(reader.has_ttls());
  CHECK(reader.has_ops());
  check_requests(read_all(reader),
                 {req(1s, 0, 100), req(1500ms, 1, 200, Op::set, 30s), req(2s, 0, 100, Op::erase),
                  req(3'000'000'001ns, 2, 0, Op::get, 250ms)});
  CHECK(reader.distinct_keys() == 3);
}

TEST_CASE("csv_columns picks the listed columns and ignores the rest", "[trace]") {
  const TraceOptions options{
      .csv_columns = {{"key", "lbn"}, {"timestamp", "time"}, {"size", "size"}}};
  TraceReader reader(trace_data("tiny_mapped.csv"), options);
  CHECK(reader.has_timestamps());
  CHECK(reader.has_sizes());
  CHECK_FALSE(reader.has_ops());  // the file's op column (SCSI opcodes) is not mapped
  CHECK_FALSE(reader.has_ttls());
  check_requests(read_all(reader),
                 {req(5633898s, 0, 512), req(5633898s, 1, 4096), req(5633899s, 0, 8192)});
}

TEST_CASE("a csv with only a header has no requests", "[trace]") {
  TraceReader reader(trace_data("csv_header_only.csv"));
  std::vector<Request> batch(8);
  CHECK(reader.read(batch) == 0);
  CHECK(reader.read(batch) == 0);
}

TEST_CASE("a twitter trace folds memcached commands onto get, set and erase", "[trace]") {
  TraceReader reader(trace_data("tiny_twitter.csv"));  // "twitter" in the name, no header
  CHECK(reader.format() == TraceFormat::twitter);
  CHECK(reader.has_timestamps());
  CHECK(reader.has_sizes());
  CHECK(reader.has_ttls());
  CHECK(reader.has_ops());
  // size = key size + value size
  check_requests(read_all(reader),
                 {req(0s, 0, 126), req(0s, 1, 2010, Op::set, 3600s), req(1s, 0, 26, Op::get),
                  req(1s, 1, 10, Op::erase), req(2s, 2, 9, Op::set, 60s), req(3s, 2, 10, Op::set)});
  CHECK(reader.distinct_keys() == 3);
}

TEST_CASE("an oracleGeneral trace decodes 24-byte records and drops size-0 ones", "[trace]") {
  TraceReader reader(trace_data("tiny.oracleGeneral.bin"));
  CHECK(reader.format() == TraceFormat::oracle_general);
  CHECK(reader.has_timestamps());
  CHECK(reader.has_sizes());
  CHECK_FALSE(reader.has_ttls());
  CHECK_FALSE(reader.has_ops());
  // ids 1001, 2002, 1001, (3003 with size 0), 2^64-1
  check_requests(read_all(reader),
                 {req(10s, 0, 4096), req(10s, 1, 512), req(11s, 0, 4096), req(13s, 2, 65536)});
  CHECK(reader.ignored() == 1);
  CHECK(reader.skipped() == 0);
  CHECK(reader.distinct_keys() == 3);  // the dropped record's id is not interned
}

TEST_CASE("auto-detection falls back on content when the name gives no hint", "[trace]") {
  CHECK(TraceReader(trace_data("detect/one_key_per_line")).format() == TraceFormat::text);
  CHECK(TraceReader(trace_data("detect/seven_fields")).format() == TraceFormat::twitter);
  CHECK(TraceReader(trace_data("detect/oracle_records")).format() == TraceFormat::oracle_general);

  TraceReader csv(trace_data("detect/csv_with_bom"));
  CHECK(csv.format() == TraceFormat::csv);
  check_requests(read_all(csv), {req(0s, 0, 5), req(0s, 1, 6)});  // BOM is not part of "key"

  check_requests(read_all(trace_data("detect/seven_fields")),
                 {req(0s, 0, 13), req(5s, 1, 23, Op::set)});
  CHECK(same_requests(read_all(trace_data("detect/oracle_records")),
                      read_all(trace_data("tiny.oracleGeneral.bin"))));
}

TEST_CASE("an explicit format overrides detection", "[trace]") {
  const TraceOptions as_twitter{.format = TraceFormat::twitter};
  CHECK(same_requests(read_all(trace_data("tiny_twitter.csv"), as_twitter),
                      read_all(trace_data("tiny_twitter.csv"))));
  // Read as text, each twitter row is one opaque key.
  TraceReader text(trace_data("tiny_twitter.csv"), TraceOptions{.format = TraceFormat::text});
  CHECK(text.format() == TraceFormat::text);
  CHECK(read_all(text).size() == 6);
  CHECK(text.distinct_keys() == 6);
}

TEST_CASE("batch sizes 1, 7 and 4096 yield the same requests for every format", "[trace]") {
  const auto file = GENERATE(as<std::string>{}, "tiny.txt", "tiny.csv", "tiny_twitter.csv",
                             "tiny.oracleGeneral.bin", "csv_many_bad_rows.csv");
  INFO(file);
  const TraceOptions options{.skip_errors = true};
  const auto whole = read_all(trace_data(file), options, 4096);
  REQUIRE_FALSE(whole.empty());
  CHECK(same_requests(read_all(trace_data(file), options, 1), whole));
  CHECK(same_requests(read_all(trace_data(file), options, 7), whole));
}

TEST_CASE("a zstd trace is detected by extension or by magic and reads like the plain one",
          "[trace]") {
  purecache::test::TempDir dir;
  const std::string plain = purecache::test::read_text(trace_data("tiny.csv"));
  const std::string by_name = dir.file("tiny.csv.zst");
  const std::string by_magic = dir.file("no_hint");
  purecache::test::write_text(by_name, zstd_compress(plain));
  // Two frames back to back form one stream.
  purecache::test::write_text(by_magic,
                              zstd_compress(plain.substr(0, 40)) + zstd_compress(plain.substr(40)));

  const auto expected = read_all(trace_data("tiny.csv"));
  for (const std::string& path : {by_name, by_magic}) {
    INFO(path);
    TraceReader reader(path);
    CHECK(reader.compressed());
    CHECK(reader.format() == TraceFormat::csv);
    CHECK(same_requests(read_all(reader), expected));
    CHECK(reader.total_bytes() == std::filesystem::file_size(path));
    CHECK(reader.bytes_consumed() == reader.total_bytes());
  }
}

TEST_CASE("a zstd file holding no data is an empty trace", "[trace]") {
  purecache::test::TempDir dir;
  const std::string path = dir.file("nothing.txt.zst");
  purecache::test::write_text(path, zstd_compress(""));
  CHECK(purecache::test::trace_error(path) == path + ": trace is empty");
}

TEST_CASE("a line longer than the read buffer is an error that skip mode can pass over",
          "[trace]") {
  purecache::test::TempDir dir;
  const std::string path = dir.file("long_line.txt");
  purecache::test::write_text(path, "first\n" + std::string(3'000'000, 'x') + "\nlast\n");
  CHECK(purecache::test::trace_error(path) == path + ":2: line longer than 1048576 bytes");

  TraceReader reader(path, TraceOptions{.skip_errors = true});
  check_requests(read_all(reader), {req(0s, 0, 0), req(0s, 1, 0)});
  CHECK(reader.skipped() == 1);
  CHECK(reader.error_locations() ==
        std::vector<std::string>{path + ":2: line longer than 1048576 bytes"});
}

TEST_CASE("a moved reader keeps its position", "[trace]") {
  TraceReader first = TraceReader::open(trace_data("tiny.txt"));
  std::vector<Request> one(1);
  REQUIRE(first.read(one) == 1);
  TraceReader second = std::move(first);
  const auto rest = read_all(second);
  CHECK(rest.size() == 4);
  CHECK(second.requests_read() == 5);
}
