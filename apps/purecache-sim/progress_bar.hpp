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
  explicit ProgressBar(std::ostream& err);
  /// `done` of `total` bytes read (total 0 = unknown), `requests` replayed so far.
  void update(std::uint64_t done, std::uint64_t total, std::uint64_t requests);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  Clock::time_point started_;
  Clock::time_point next_draw_;  // no redraw before this
  bool drawn_ = false;           // a line is on screen and must be erased
};

}  // namespace purecache::sim
