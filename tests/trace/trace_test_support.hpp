#pragma once
// Helpers shared by the [trace] tests: data paths, whole-trace reads, temp directories.

#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/temp_files.hpp"

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

/// The trace tests' name for the shared per-test directory.
using TempDir = TempFolder;

}  // namespace purecache::test
