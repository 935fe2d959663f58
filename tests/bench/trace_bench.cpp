// Trace parsing throughput: 1M generated requests per format, read in 4096-request batches from a
// temp file (in the page cache after the first pass). Reports requests/s as items_per_second and
// the file's bytes/s as bytes_per_second (for zstd, the compressed bytes read).

#include <unistd.h>

#include <benchmark/benchmark.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "purecache/sim/trace/trace_reader.hpp"

namespace {

constexpr std::size_t kRequests = 1'000'000;

enum class Kind { text, csv, oracle_general, oracle_general_zst };

/// Block-number-like ids: skewed towards a hot set, as in block traces.
std::vector<std::uint64_t> make_ids(std::size_t distinct) {
  std::vector<std::uint64_t> ids(kRequests);
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (auto& id : ids) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const std::uint64_t r = state % distinct;
    const std::uint64_t rank = (state >> 40) % 4 == 0 ? r : r % (distinct / 10 + 1);
    id = 40'000'000 + rank * 8;
  }
  return ids;
}

std::string encode(Kind kind, const std::vector<std::uint64_t>& ids) {
  std::string out;
  if (kind == Kind::csv) {
    out += "version,time,op,size,lbn\n";
  }
  std::uint32_t time = 5'633'898;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    time += i % 16 == 0 ? 1 : 0;
    const std::uint32_t size = 512U << (ids[i] % 8);
    switch (kind) {
      case Kind::text:
        out += std::to_string(ids[i]);
        out += '\n';
        break;
      case Kind::csv:
        out += "1," + std::to_string(time) + ",2a," + std::to_string(size) + "," +
               std::to_string(ids[i]) + "\n";
        break;
      case Kind::oracle_general:
      case Kind::oracle_general_zst: {
        char record[24];
        const std::int64_t next = -1;
        std::memcpy(record, &time, 4);
        std::memcpy(record + 4, &ids[i], 8);
        std::memcpy(record + 12, &size, 4);
        std::memcpy(record + 16, &next, 8);
        out.append(record, sizeof record);
        break;
      }
    }
  }
  if (kind == Kind::oracle_general_zst) {
    std::string packed(ZSTD_compressBound(out.size()), '\0');
    packed.resize(ZSTD_compress(packed.data(), packed.size(), out.data(), out.size(), 3));
    return packed;
  }
  return out;
}

/// One file per (kind, distinct), written on first use and removed at exit.
const std::string& trace_file(Kind kind, std::size_t distinct) {
  static const std::filesystem::path dir = [] {
    // Per process: two benchmark runs on one machine must not share (or delete) the files.
    auto path = std::filesystem::temp_directory_path() /
                ("purecache-trace-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  static std::map<std::pair<Kind, std::size_t>, std::string> files;
  static const struct Cleanup {
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup;
  auto& path = files[{kind, distinct}];
  if (path.empty()) {
    static constexpr const char* kNames[] = {"t.txt", "t.csv", "t.oracleGeneral.bin",
                                             "t.oracleGeneral.bin.zst"};
    path = (dir / (std::to_string(distinct) + "-" + kNames[static_cast<int>(kind)])).string();
    const std::string bytes = encode(kind, make_ids(distinct));
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  return path;
}

void read_trace(benchmark::State& state, Kind kind) {
  const auto distinct = static_cast<std::size_t>(state.range(0));
  purecache::sim::TraceOptions options;
  if (kind == Kind::csv) {
    options.csv_columns = {{"key", "lbn"}, {"timestamp", "time"}, {"size", "size"}};
  }
  const std::string& path = trace_file(kind, distinct);
  std::vector<purecache::sim::Request> batch(4096);
  std::uint64_t requests = 0;
  std::size_t keys = 0;
  for (auto _ : state) {
    purecache::sim::TraceReader reader(path, options);
    while (const std::size_t n = reader.read(batch)) {
      benchmark::DoNotOptimize(batch.data());
      requests += n;
    }
    keys = reader.distinct_keys();
  }
  const auto file_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
  state.SetBytesProcessed(file_bytes * static_cast<std::int64_t>(state.iterations()));
  state.counters["distinct_keys"] = static_cast<double>(keys);
  state.counters["file_MB"] = static_cast<double>(file_bytes) / 1e6;
}

void BM_ReadText(benchmark::State& state) { read_trace(state, Kind::text); }
void BM_ReadCsv(benchmark::State& state) { read_trace(state, Kind::csv); }
void BM_ReadOracleGeneral(benchmark::State& state) { read_trace(state, Kind::oracle_general); }
void BM_ReadOracleGeneralZstd(benchmark::State& state) {
  read_trace(state, Kind::oracle_general_zst);
}

BENCHMARK(BM_ReadText)
    ->ArgName("distinct")
    ->Arg(10'000)
    ->Arg(500'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCsv)
    ->ArgName("distinct")
    ->Arg(10'000)
    ->Arg(500'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadOracleGeneral)
    ->ArgName("distinct")
    ->Arg(10'000)
    ->Arg(500'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadOracleGeneralZstd)
    ->ArgName("distinct")
    ->Arg(10'000)
    ->Arg(500'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
