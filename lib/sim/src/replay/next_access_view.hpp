#pragma once
/// Each request's next access, as an offline run reads it: 64-bit positions from the backward
/// pass over a loaded trace, or an OfflineTrace's 32-bit ones.

#include <cstddef>
#include <cstdint>
#include <span>

#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/offline_trace.hpp"

namespace purecache::sim::detail {

class NextAccessView {
 public:
  NextAccessView() = default;
  NextAccessView(std::span<const std::uint64_t> wide) noexcept : wide_(wide) {}  // NOLINT
  NextAccessView(std::span<const std::uint32_t> narrow) noexcept : narrow_(narrow) {}  // NOLINT

  [[nodiscard]] bool empty() const noexcept { return wide_.empty() && narrow_.empty(); }
  /// Requests covered: the whole trace's.
  [[nodiscard]] std::size_t size() const noexcept { return wide_.size() + narrow_.size(); }
  /// The next access of request `position` (from 0), kNoNextAccess for never.
  [[nodiscard]] std::uint64_t operator[](std::size_t position) const noexcept {
    if (narrow_.empty()) return wide_[position];
    const std::uint32_t next = narrow_[position];
    return next == OfflineTrace::kNever ? kNoNextAccess : next;
  }

 private:
  std::span<const std::uint64_t> wide_;
  std::span<const std::uint32_t> narrow_;
};

}  // namespace purecache::sim::detail
