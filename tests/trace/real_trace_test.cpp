#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/trace_test_support.hpp"

using namespace std::chrono_literals;
using purecache::sim::Request;
using purecache::sim::TraceFormat;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::test::read_all;
using purecache::test::real_trace;
using purecache::test::same_requests;

// Expected numbers: traces/README.md (libCacheSim's cloudPhysicsIO sample, shipped compressed).
namespace {

constexpr std::size_t kRequests = 113'872;
constexpr std::size_t kDistinct = 48'974;

const TraceOptions kCsvOptions{
    .csv_columns = {{"key", "lbn"}, {"timestamp", "time"}, {"size", "size"}}};

std::uint64_t total_size(const std::vector<Request>& requests) {
  std::uint64_t bytes = 0;
  for (const Request& r : requests) {
    bytes += r.size;
  }
  return bytes;
}

/// Sum of each key's size at its first request.
std::uint64_t first_seen_bytes(const std::vector<Request>& requests) {
  std::uint64_t bytes = 0;
  std::uint32_t next_new = 0;
  for (const Request& r : requests) {
    if (r.key == next_new) {  // ids are handed out in order of first appearance
      bytes += r.size;
      ++next_new;
    }
  }
  return bytes;
}

/// Decompresses the zstd file `from` into `to` with the zstd library.
void decompress_file(const std::string& from, const std::string& to) {
  const std::string packed = purecache::test::read_text(from);
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  REQUIRE(size != ZSTD_CONTENTSIZE_UNKNOWN);
  REQUIRE(size != ZSTD_CONTENTSIZE_ERROR);
  std::string plain(size, '\0');
  const std::size_t got = ZSTD_decompress(plain.data(), plain.size(), packed.data(), packed.size());
  REQUIRE(ZSTD_isError(got) == 0U);
  REQUIRE(got == size);
  purecache::test::write_text(to, plain);
}

/// Compresses `from` into `to` with the zstd library, in several frames to exercise frame joins.
void compress_file(const std::string& from, const std::string& to) {
  const std::string plain = purecache::test::read_text(from);
  std::string packed;
  constexpr std::size_t kFrame = 1 << 20;
  for (std::size_t at = 0; at < plain.size(); at += kFrame) {
    const std::size_t n = std::min(kFrame, plain.size() - at);
    std::string frame(ZSTD_compressBound(n), '\0');
    const std::size_t got = ZSTD_compress(frame.data(), frame.size(), plain.data() + at, n, 3);
    REQUIRE(ZSTD_isError(got) == 0U);
    packed.append(frame.data(), got);
  }
  purecache::test::write_text(to, packed);
}

}  // namespace

TEST_CASE("the real text, csv and oracleGeneral traces hold the same 113,872 requests",
          "[trace][real]") {
  TraceReader text(real_trace("cloudPhysicsIO.txt"));
  TraceReader csv(real_trace("cloudPhysicsIO.csv"), kCsvOptions);
  TraceReader oracle(real_trace("cloudPhysicsIO.oracleGeneral.bin"));
  CHECK(text.format() == TraceFormat::text);
  CHECK(csv.format() == TraceFormat::csv);
  CHECK(oracle.format() == TraceFormat::oracle_general);

  const auto from_text = read_all(text);
  const auto from_csv = read_all(csv);
  const auto from_oracle = read_all(oracle);
  for (TraceReader* reader : {&text, &csv, &oracle}) {
    INFO(reader->path());
    CHECK(reader->requests_read() == kRequests);
    CHECK(reader->distinct_keys() == kDistinct);
    CHECK(reader->skipped() == 0);
    CHECK(reader->ignored() == 0);
    CHECK(reader->bytes_consumed() == reader->total_bytes());
  }
  REQUIRE(from_text.size() == kRequests);
  REQUIRE(from_csv.size() == kRequests);
  REQUIRE(from_oracle.size() == kRequests);

  // Same interning order gives the same ids, whether keys are decimal strings or u64 ids.
  std::size_t key_mismatches = 0;
  std::size_t time_mismatches = 0;
  for (std::size_t i = 0; i < kRequests; ++i) {
    key_mismatches += from_text[i].key != from_csv[i].key || from_csv[i].key != from_oracle[i].key;
    time_mismatches += from_csv[i].time != from_oracle[i].time;
  }
  CHECK(key_mismatches == 0);
  CHECK(time_mismatches == 0);

  CHECK(from_csv.front().time == 5'633'898s);
  CHECK(from_csv.back().time == 5'641'098s);
  CHECK(std::is_sorted(from_csv.begin(), from_csv.end(),
                       [](const Request& a, const Request& b) { return a.time < b.time; }));
  // Sizes differ by design (oracleGeneral froze each object's first size) but agree on first sight.
  CHECK(total_size(from_csv) == 4'205'978'112U);
  CHECK(total_size(from_oracle) == 4'368'040'448U);
  CHECK(first_seen_bytes(from_csv) == 2'029'769'728U);
  CHECK(first_seen_bytes(from_oracle) == 2'029'769'728U);
}

TEST_CASE("real traces read identically with batch sizes 1, 7 and 4096", "[trace][real]") {
  const auto [file, options] =
      GENERATE(std::make_pair(std::string("cloudPhysicsIO.csv"), kCsvOptions),
               std::make_pair(std::string("cloudPhysicsIO.txt"), TraceOptions{}),
               std::make_pair(std::string("cloudPhysicsIO.oracleGeneral.bin"), TraceOptions{}));
  INFO(file);
  const auto whole = read_all(real_trace(file), options, 4096);
  CHECK(same_requests(read_all(real_trace(file), options, 1), whole));
  CHECK(same_requests(read_all(real_trace(file), options, 7), whole));
}

TEST_CASE("the shipped zstd traces read as their plain and multi-frame copies", "[trace][real]") {
  purecache::test::TempDir dir;
  SECTION("oracleGeneral, detected from the name under .zst") {
    const std::string plain = dir.file("cloudPhysicsIO.oracleGeneral.bin");
    decompress_file(real_trace("cloudPhysicsIO.oracleGeneral.bin"), plain);
    CHECK(std::filesystem::file_size(plain) == 2'732'928U);
    const std::string frames = dir.file("frames.oracleGeneral.bin.zst");
    compress_file(plain, frames);
    TraceReader reader(real_trace("cloudPhysicsIO.oracleGeneral.bin"));
    CHECK(reader.compressed());
    CHECK(reader.format() == TraceFormat::oracle_general);
    const auto shipped = read_all(reader);
    CHECK(reader.total_bytes() < 2'732'928U);
    CHECK(reader.bytes_consumed() == reader.total_bytes());
    CHECK(same_requests(shipped, read_all(plain)));
    CHECK(same_requests(shipped, read_all(frames)));
  }
  SECTION("csv, detected from the decompressed content") {
    const std::string plain = dir.file("cloudPhysicsIO.csv");
    decompress_file(real_trace("cloudPhysicsIO.csv"), plain);
    CHECK(std::filesystem::file_size(plain) == 3'116'791U);
    const std::string packed = dir.file("trace_without_hint");
    compress_file(plain, packed);
    TraceReader reader(packed, kCsvOptions);
    CHECK(reader.compressed());
    CHECK(reader.format() == TraceFormat::csv);
    CHECK(same_requests(read_all(reader, 7), read_all(plain, kCsvOptions)));
    CHECK(reader.distinct_keys() == kDistinct);
  }
  SECTION("text: one id per line, the last without a newline") {
    const std::string plain = dir.file("cloudPhysicsIO.txt");
    decompress_file(real_trace("cloudPhysicsIO.txt"), plain);
    CHECK(std::filesystem::file_size(plain) == 1'007'325U);
    CHECK(same_requests(read_all(real_trace("cloudPhysicsIO.txt")), read_all(plain)));
  }
}
