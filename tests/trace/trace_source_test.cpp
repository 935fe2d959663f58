// TraceSource: one input, several readers; pipes and stdin read once.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"
#include "support/fifo_writer.hpp"
#include "trace/trace_test_support.hpp"

using purecache::sim::Request;
using purecache::sim::TraceError;
using purecache::sim::TraceFormat;
using purecache::sim::TraceOptions;
using purecache::sim::TraceReader;
using purecache::sim::TraceSource;
using purecache::sim::TraceSourceOptions;
using purecache::test::FifoWriter;
using purecache::test::read_all;
using purecache::test::read_text;
using purecache::test::real_trace;
using purecache::test::same_requests;
using purecache::test::TempDir;
using purecache::test::trace_data;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

/// A text trace of `bytes` bytes or a little more: numbered keys, one per line.
std::string text_trace(std::size_t bytes) {
  std::string text;
  for (std::size_t i = 0; text.size() < bytes; ++i) {
    text.append("key").append(std::to_string(i % 50'000)).push_back('\n');
  }
  return text;
}

}  // namespace

TEST_CASE("two readers of one FIFO source read what two readers of the file read",
          "[trace][source]") {
  for (const char* name : {"tiny.csv", "tiny_twitter.csv", "tiny.oracleGeneral.bin"}) {
    INFO(name);
    const std::string file = trace_data(name);
    TempDir dir;
    FifoWriter fifo(dir.file("fifo"), read_text(file));
    REQUIRE(fifo.created());
    TraceSource source(fifo.path());
    CHECK_FALSE(source.regular_file());
    TraceReader first(source);
    const auto first_requests = read_all(first);
    TraceReader second(std::move(source));
    const auto expected = read_all(file);
    CHECK(same_requests(first_requests, expected));
    CHECK(same_requests(read_all(second), expected));
    CHECK(second.format() == TraceReader(file).format());
    CHECK(second.total_bytes() == read_text(file).size());  // known once the end was read
  }
}

TEST_CASE("a compressed trace through a FIFO is detected by its magic bytes", "[trace][source]") {
  const std::string file = real_trace("cloudPhysicsIO.oracleGeneral.bin");
  TempDir dir;
  FifoWriter fifo(dir.file("fifo"), read_text(file));
  REQUIRE(fifo.created());
  TraceReader reader(fifo.path());
  const auto requests = read_all(reader);
  CHECK(reader.compressed());
  CHECK(reader.format() == TraceFormat::oracle_general);
  CHECK(same_requests(requests, read_all(file)));
}

TEST_CASE("readers of one source can take turns, each from the start", "[trace][source]") {
  const std::string bytes = text_trace(3 * kMiB);
  TempDir dir;
  const std::string file = dir.file("keys.txt");
  purecache::test::write_text(file, bytes);
  FifoWriter fifo(dir.file("fifo"), bytes);
  REQUIRE(fifo.created());
  for (const std::string& path : {file, fifo.path()}) {
    INFO(path);
    const TraceOptions text{.format = TraceFormat::text};
    TraceSource source(path);
    TraceReader a(source, text);
    TraceReader b(source, text);
    std::vector<Request> some(1000);
    REQUIRE(a.read(some) == some.size());
    const auto all_b = read_all(b);
    auto all_a = std::vector<Request>(some.begin(), some.end());
    const auto rest_a = read_all(a);
    all_a.insert(all_a.end(), rest_a.begin(), rest_a.end());
    CHECK(same_requests(all_a, all_b));
    CHECK(all_b.size() == read_all(file, text).size());
  }
}

TEST_CASE("a pipe too long to keep for a second reader is a clear error", "[trace][source]") {
  TempDir dir;
  FifoWriter fifo(dir.file("fifo"), text_trace(3 * kMiB));
  REQUIRE(fifo.created());
  TraceSource source(fifo.path(), TraceSourceOptions{.max_memory_bytes = 2 * kMiB});
  TraceReader first(source);
  CHECK_THROWS_MATCHES(
      read_all(first), TraceError,
      Catch::Message(fifo.path() + ": not a regular file, and more than 2097152 bytes of it "
                                   "cannot be kept in memory to be read again; save it to a "
                                   "file first"));
}

TEST_CASE("a pipe that just fits the memory limit can be read twice", "[trace][source]") {
  const std::string bytes = text_trace(2 * kMiB);
  TempDir dir;
  FifoWriter fifo(dir.file("fifo"), bytes);
  REQUIRE(fifo.created());
  TraceSource source(fifo.path(), TraceSourceOptions{.max_memory_bytes = bytes.size()});
  TraceReader first(source);
  const auto once = read_all(first);
  TraceReader second(std::move(source));
  CHECK(same_requests(read_all(second), once));
}

TEST_CASE("the last reader of a pipe streams it in bounded memory", "[trace][source]") {
  // 8 MiB through a 2 MiB limit: possible only if the bytes are freed as they are parsed,
  // which they may be once no TraceSource is left to make another reader.
  const std::string bytes = text_trace(8 * kMiB);
  TempDir dir;
  FifoWriter fifo(dir.file("fifo"), bytes);
  REQUIRE(fifo.created());
  TraceSource source(fifo.path(), TraceSourceOptions{.max_memory_bytes = 2 * kMiB});
  TraceReader only(std::move(source));
  const auto requests = read_all(only);
  CHECK(requests.size() == static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')));
  CHECK(only.total_bytes() == bytes.size());
}

TEST_CASE("a regular file source is read in place by every reader", "[trace][source]") {
  const std::string file = trace_data("tiny.txt");
  TraceSource source(file);
  CHECK(source.regular_file());
  CHECK(source.path() == file);
  TraceReader first(source);
  TraceReader second(source);
  CHECK(first.total_bytes() == read_text(file).size());
  CHECK(same_requests(read_all(first), read_all(second)));
}

TEST_CASE("opening a source reports the same whole-file errors as a reader", "[trace][source]") {
  const std::string missing = trace_data("does_not_exist.txt");
  CHECK_THROWS_MATCHES(TraceSource(missing), TraceError,
                       Catch::Message(missing + ": cannot open: No such file or directory"));
  const std::string directory = trace_data("detect");
  CHECK_THROWS_MATCHES(TraceSource(directory), TraceError,
                       Catch::Message(directory + ": is a directory"));
}

TEST_CASE("readers of one FIFO source may run on different threads", "[trace][source]") {
  const std::string bytes = text_trace(4 * kMiB);
  TempDir dir;
  FifoWriter fifo(dir.file("fifo"), bytes);
  REQUIRE(fifo.created());
  const TraceOptions text{.format = TraceFormat::text};
  TraceSource source(fifo.path());
  std::vector<Request> a;
  std::vector<Request> b;
  std::thread first([&] {
    TraceReader reader(source, text);
    a = read_all(reader, 100);
  });
  std::thread second([&] {
    TraceReader reader(source, text);
    b = read_all(reader, 3000);
  });
  first.join();
  second.join();
  CHECK(a.size() == static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')));
  CHECK(same_requests(a, b));
}
