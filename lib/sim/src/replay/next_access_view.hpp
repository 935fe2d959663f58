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
  /// No next accesses known: a streamed replay's.
  NextAccessView() = default;
  /// A whole trace's next accesses; an empty trace (one stopped before its first request) has
  /// none, and that is still knowing them.
  NextAccessView(std::span<const std::uint64_t> wide) noexcept  // NOLINT
      : wide_(wide), known_(true) {}
  NextAccessView(std::span<const std::uint32_t> narrow) noexcept  // NOLINT
      : narrow_(narrow), known_(true) {}

  [[nodiscard]] bool known() const noexcept { return known_; }
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
  bool known_ = false;  // built from a trace's positions, however few
};

}  // namespace purecache::sim::detail
