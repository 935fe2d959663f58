#pragma once
// Helpers shared by the [trace] tests: data paths, whole-trace reads, temp directories.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::test {

using namespace purecache::sim;  // test helpers speak of requests and readers

inline std::string trace_data(std::string_view name) {
  return std::string(PURECACHE_SOURCE_DIR) + "/tests/data/trace/" + std::string(name);
}

/// A real trace shipped in traces/ (zstd-compressed): `name` without the .zst suffix.
inline std::string real_trace(std::string_view name) {
  return std::string(PURECACHE_SOURCE_DIR) + "/traces/" + std::string(name) + ".zst";
}

/// Field-by-field view for comparisons and readable Catch output.
inline auto fields_of(const Request& r) {
  return std::make_tuple(r.time.count(), r.ttl.count(), r.key, r.size, static_cast<int>(r.op));
}

inline bool same_requests(const std::vector<Request>& a, const std::vector<Request>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fields_of(a[i]) != fields_of(b[i])) {
      return false;
    }
  }
  return true;
}

/// Every request of `reader`, read in batches of `batch`.
inline std::vector<Request> read_all(TraceReader& reader, std::size_t batch = 4096) {
  std::vector<Request> all;
  std::vector<Request> buffer(batch);
  while (const std::size_t n = reader.read(buffer)) {
    all.insert(all.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return all;
}

inline std::vector<Request> read_all(const std::string& path, const TraceOptions& options = {},
                                     std::size_t batch = 4096) {
  TraceReader reader(path, options);
  return read_all(reader, batch);
}

/// The message of the TraceError that opening and fully reading `path` throws, or "" if none.
inline std::string trace_error(const std::string& path, const TraceOptions& options = {}) {
  try {
    (void)read_all(path, options);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

/// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("purecache-trace-" + std::to_string(stamp) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::string& path) {
  std::string bytes(static_cast<std::size_t>(std::filesystem::file_size(path)), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

}  // namespace purecache::test
