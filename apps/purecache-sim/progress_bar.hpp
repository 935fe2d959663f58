#pragma once
/// A one-line progress display for long replays, drawn on a terminal's stderr.

#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace purecache::sim {

/// Redraws at most ten times a second; draws nothing until a replay has run for half a second,
/// so short runs stay silent. finish() erases the line, leaving the terminal as it was.
class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  /// `started`: when the replay began (tests pass their own times).
  explicit ProgressBar(std::ostream& err, Clock::time_point started = Clock::now());
  /// `done` of `total` bytes read (total 0 = unknown), `requests` replayed so far, at `now`.
  void update(std::uint64_t done, std::uint64_t total, std::uint64_t requests,
              Clock::time_point now = Clock::now());
  /// Erases the line, if one was drawn.
  void finish();

 private:
  std::ostream& err_;
  Clock::time_point started_;
  Clock::time_point next_draw_;  // no redraw before this
  bool drawn_ = false;           // a line is on screen and must be erased
};

}  // namespace purecache::sim
