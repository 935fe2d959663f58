#pragma once
/// How a backend measures how long it holds its lock.

namespace purecache {

/// Measures nothing and costs nothing: the default. A hold timer supplies
/// `Mark start() noexcept` (called right after the lock is acquired) and
/// `void stop(Mark) noexcept` (called just before it is released).
struct NoHoldTimer {
  struct Mark {};
  [[nodiscard]] Mark start() const noexcept { return {}; }
  void stop(Mark /*unused*/) const noexcept {}
};

}  // namespace purecache
