#include "progress_bar.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace purecache::sim {

namespace {
constexpr int kBarWidth = 30;
constexpr auto kQuietStart = std::chrono::milliseconds(500);
constexpr auto kRedrawPeriod = std::chrono::milliseconds(100);
}  // namespace

ProgressBar::ProgressBar(std::ostream& err, Clock::time_point started)
    : err_(err), started_(started), next_draw_(started_ + kQuietStart) {}

void ProgressBar::update(std::uint64_t done, std::uint64_t total, std::uint64_t requests,
                         Clock::time_point now) {
  if (now < next_draw_) return;
  next_draw_ = now + kRedrawPeriod;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double fraction = total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kBarWidth);
  const double rate = static_cast<double>(requests) / elapsed;
  char line[160];
  if (total == 0) {
    std::snprintf(line, sizeof line, "\r%12llu requests  %6.2f M req/s   ",
                  static_cast<unsigned long long>(requests), rate / 1e6);
  } else {
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0.0;
    std::snprintf(line, sizeof line, "\r[%s%s] %5.1f%%  %6.2f M req/s  ETA %4.0f s   ",
                  std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  std::string(static_cast<std::size_t>(kBarWidth - filled), ' ').c_str(),
                  fraction * 100, rate / 1e6, eta);
  }
  err_ << line << std::flush;
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  err_ << '\r' << std::string(80, ' ') << '\r' << std::flush;
  drawn_ = false;
}

}  // namespace purecache::sim
