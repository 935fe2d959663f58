#include "purecache-sim/progress_bar.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>

using purecache::sim::ProgressBar;
using namespace std::chrono_literals;

namespace {
const ProgressBar::Clock::time_point kStart{};  // the bar only looks at differences
}

TEST_CASE("the progress bar stays silent for the first half second", "[sim][progress]") {
  std::ostringstream err;
  ProgressBar bar(err, kStart);
  bar.update(10, 100, 1'000, kStart + 499ms);
  bar.finish();
  CHECK(err.str().empty());
}

TEST_CASE("the progress bar shows bytes read, rate and ETA, ten times a second at most",
          "[sim][progress]") {
  std::ostringstream err;
  ProgressBar bar(err, kStart);
  bar.update(50, 100, 2'000'000, kStart + 1s);
  const std::string half = "\r[" + std::string(15, '#') + std::string(15, ' ') +
                           "]  50.0%    2.00 M req/s  ETA    1 s   ";
  CHECK(err.str() == half);

  bar.update(60, 100, 2'400'000, kStart + 1s + 99ms);  // too soon: not drawn
  CHECK(err.str() == half);

  bar.update(100, 100, 4'000'000, kStart + 2s);
  CHECK(err.str() ==
        half + "\r[" + std::string(30, '#') + "] 100.0%    2.00 M req/s  ETA    0 s   ");
}

TEST_CASE("without a known size the progress bar counts requests", "[sim][progress]") {
  std::ostringstream err;
  ProgressBar bar(err, kStart);
  bar.update(123, 0, 3'000'000, kStart + 2s);
  CHECK(err.str() == "\r     3000000 requests    1.50 M req/s   ");
}

TEST_CASE("finishing erases a drawn progress line, and only a drawn one", "[sim][progress]") {
  std::ostringstream err;
  ProgressBar bar(err, kStart);
  bar.update(1, 2, 10, kStart + 1s);
  const std::string drawn = err.str();
  REQUIRE_FALSE(drawn.empty());
  bar.finish();
  CHECK(err.str() == drawn + "\r" + std::string(80, ' ') + "\r");
  bar.finish();  // nothing left to erase
  CHECK(err.str() == drawn + "\r" + std::string(80, ' ') + "\r");
}
