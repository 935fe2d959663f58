#include "purecache/sim/trace/trace_error.hpp"

#include <utility>

namespace purecache::sim {

namespace {
// The path is bytes from the user or a directory listing: escaped, so that a newline or an
// escape sequence in a file name cannot break the one-line message.
std::string located(const std::string& path, std::uint64_t position, bool is_record,
                    const std::string& reason) {
  std::string message = purecache::detail::escaped(path);
  message.append(is_record ? ":record " : ":").append(std::to_string(position)).append(": ");
  return message.append(reason);
}

std::string whole_file(const std::string& path, const std::string& reason) {
  return purecache::detail::escaped(path).append(": ").append(reason);
}
}  // namespace

TraceError::TraceError(std::string path, std::uint64_t position, bool is_record, std::string reason)
    : Error(located(path, position, is_record, reason)),
      path_(std::move(path)),
      position_(position),
      reason_(std::move(reason)) {}

TraceError::TraceError(std::string path, std::string reason)
    : Error(whole_file(path, reason)),
      path_(std::move(path)),
      position_(0),
      reason_(std::move(reason)) {}

}  // namespace purecache::sim
