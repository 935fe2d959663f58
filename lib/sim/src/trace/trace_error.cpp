#include "purecache/sim/trace/trace_error.hpp"

#include <utility>

namespace purecache::sim {

namespace {
std::string located(const std::string& path, std::uint64_t position, bool is_record,
                    const std::string& reason) {
  std::string where = is_record ? ":record " : ":";
  return path + where + std::to_string(position) + ": " + reason;
}
}  // namespace

TraceError::TraceError(std::string path, std::uint64_t position, bool is_record, std::string reason)
    : Error(located(path, position, is_record, reason)),
      path_(std::move(path)),
      position_(position),
      reason_(std::move(reason)) {}

TraceError::TraceError(std::string path, std::string reason)
    : Error(path + ": " + reason),
      path_(std::move(path)),
      position_(0),
      reason_(std::move(reason)) {}

}  // namespace purecache::sim
