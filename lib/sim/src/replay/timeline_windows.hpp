#pragma once
/// Where the timeline's windows begin and end: both engines cut each batch into the runs of
/// requests that share a window, and count a row between runs (docs/replay-semantics.md,
/// "Timeline").

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "purecache/core/time.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/request.hpp"
#include "replay/replay_steps.hpp"

namespace purecache::sim::detail {

/// The windows of a replay and the rows closed so far. The engine calls take() before replaying
/// requests; when it returns 0, the open window is over: the engine counts its row with
/// close(), then open()s the next window at the same request.
class TimelineWindows {
 public:
  /// config.timeline must be enabled.
  TimelineWindows(const ReplayConfig& config, const RequestClock& clock)
      : window_(config.timeline), row_limit_(config.timeline_row_limit), clock_(clock) {
    assert(window_.enabled());
  }

  /// How many of `requests`, the trace's requests after request `index`, belong to the open
  /// window; the first call opens the first window at requests.front(). O(1) for request
  /// windows; for time windows, the time of each request taken plus the one that ends it.
  [[nodiscard]] std::size_t take(std::span<const Request> requests, std::uint64_t index) {
    assert(!requests.empty());
    if (!open_) open(requests.front(), index + 1);
    std::size_t n = requests.size();
    if (window_.requests != 0) {
      n = static_cast<std::size_t>(std::min<std::uint64_t>(n, last_request_ - index));
      if (n != 0) last_time_ = clock_.position(requests[n - 1], index + n);
    } else {
      // A window's first request is in it, also at a saturated clock's end.
      for (std::size_t i = last_index_ < start_index_ ? 1 : 0; i < requests.size(); ++i) {
        const Timestamp time = clock_.position(requests[i], index + 1 + i);
        if (time >= end_time_) {
          n = i;
          break;
        }
        last_time_ = time;
      }
    }
    last_index_ += n;
    return n;
  }

  /// Ends the open window with the counts the engine gives in `row` (its request numbers and
  /// times are filled here).
  void close(TimelineRow row) {
    assert(open_ && last_index_ >= start_index_);
    row.start_request = start_index_;
    row.end_request = last_index_;
    row.start_time = start_time_;
    row.end_time = last_time_;
    rows_.push_back(row);
    open_ = false;
  }

  /// Opens the window of `first`, request number `index` (from 1). Throws ConfigError when it
  /// would be row number config.timeline_row_limit + 1.
  void open(const Request& first, std::uint64_t index) {
    assert(!open_);
    if (rows_.size() >= row_limit_) [[unlikely]]
      too_many_rows();
    open_ = true;
    start_index_ = index;
    last_index_ = index - 1;
    start_time_ = last_time_ = clock_.position(first, index);
    if (window_.requests != 0) {
      last_request_ =
          window_.requests > UINT64_MAX - last_index_ ? UINT64_MAX : last_index_ + window_.requests;
      return;
    }
    // Window k holds [t0 + k*S, t0 + (k+1)*S); a time before t0 cannot open a window.
    if (rows_.empty()) origin_ = start_time_;
    const std::int64_t k = (start_time_ - origin_) / window_.time;
    end_time_ = expiry_time(origin_ + window_.time * k, window_.time);  // saturates at the end
  }

  [[nodiscard]] bool is_open() const noexcept { return open_; }
  /// The rows, moved out; close() the open window first.
  [[nodiscard]] Timeline finish() {
    assert(!open_);
    return Timeline{.window = window_, .rows = std::move(rows_)};
  }
  /// Rows closed so far, for the engine to finish their fields (the library engine's p99).
  [[nodiscard]] std::vector<TimelineRow>& rows() noexcept { return rows_; }

 private:
  [[noreturn]] [[gnu::cold]] void too_many_rows() const;

  TimelineWindow window_;  // enabled
  std::uint64_t row_limit_;
  const RequestClock& clock_;
  std::vector<TimelineRow> rows_;          // closed windows, in order
  bool open_ = false;                      // a window has begun and is not closed
  std::uint64_t start_index_ = 0;          // the open window's first request
  std::uint64_t last_index_ = 0;           // its last request so far (start_index_ - 1 while none)
  Timestamp start_time_{};                 // of start_index_
  Timestamp last_time_{};                  // of last_index_
  std::uint64_t last_request_ = 0;         // request windows: the open window's last request number
  Timestamp origin_{};                     // time windows: t0, the first request's time
  Timestamp end_time_ = Timestamp::max();  // time windows: the open window's end, exclusive
};

}  // namespace purecache::sim::detail
