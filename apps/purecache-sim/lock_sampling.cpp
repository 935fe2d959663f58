#include "lock_sampling.hpp"

#include <algorithm>
#include <bit>

namespace purecache::sim {

namespace {
constexpr std::uint64_t kTimedRequests = 131'072;  // 2^17: p999 rests on 131+ samples
constexpr std::uint64_t kMaxEvery = 64;
constexpr std::uint32_t kUnknownSizeEvery = 16;
constexpr std::uint64_t kOracleGeneralRecordBytes = 24;
// Text-like lines are rarely shorter: overestimating the bytes per request only times more.
constexpr std::uint64_t kTextBytesPerRequest = 8;
}  // namespace

std::uint32_t default_lock_sample(std::uint64_t trace_bytes, TraceFormat format) {
  if (trace_bytes == 0) return kUnknownSizeEvery;
  const std::uint64_t per_request =
      format == TraceFormat::oracle_general ? kOracleGeneralRecordBytes : kTextBytesPerRequest;
  const std::uint64_t requests = trace_bytes / per_request;
  return static_cast<std::uint32_t>(
      std::bit_floor(std::clamp<std::uint64_t>(requests / kTimedRequests, 1, kMaxEvery)));
}

}  // namespace purecache::sim
