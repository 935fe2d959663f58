#include "purecache/sim/metrics/latency_histogram.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "support/split_mix64.hpp"

using purecache::sim::LatencyHistogram;

namespace {

// Spread over ten decades: a random value shifted right by a random amount, below 2^40.
std::vector<std::uint64_t> log_spread_values(std::uint64_t seed, std::size_t n) {
  purecache::test::SplitMix64 rng(seed);
  std::vector<std::uint64_t> values(n);
  for (auto& v : values) {
    v = (rng.next() >> 24) >> rng.below(40);
  }
  return values;
}

}  // namespace

TEST_CASE("values below 2048 are recorded exactly", "[metrics]") {
  LatencyHistogram h;
  for (std::uint64_t v = 0; v < 2048; ++v) {
    h.record(v);
  }
  REQUIRE(h.count() == 2048);
  for (std::uint64_t v = 0; v < 2048; ++v) {
    REQUIRE(h.count_at(v) == 1);
    REQUIRE(LatencyHistogram::highest_equivalent_value(v) == v);
  }
  // rank = p/100 * 2048; the rank-th smallest value is rank - 1.
  CHECK(h.value_at_percentile(50.0) == 1023);
  CHECK(h.value_at_percentile(25.0) == 511);
  CHECK(h.value_at_percentile(100.0 / 2048.0) == 0);
  CHECK(h.value_at_percentile(99.0) == 2027);  // ceil(2027.52) = 2028th value
}

TEST_CASE("decimal percentiles hit exact ranks despite binary rounding", "[metrics]") {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) {
    h.record(v);
  }
  // 99.9 / 100 * 1000 is 999.0000000000001 in doubles; the 999th value is 999, not 1000.
  CHECK(h.value_at_percentile(99.9) == 999);
  CHECK(h.value_at_percentile(99.0) == 990);
  CHECK(h.value_at_percentile(0.1) == 1);
  CHECK(h.value_at_percentile(0.11) == 2);
}

TEST_CASE("percentiles of spread values are within 0.1% above the exact ones", "[metrics]") {
  const auto values = log_spread_values(7, 100000);
  LatencyHistogram h;
  for (const auto v : values) {
    h.record(v);
  }
  auto sorted = values;
  std::sort(sorted.begin(), sorted.end());
  // p * 100000 / 100 is an integer for each p, so the exact rank is unambiguous.
  for (const double p : {0.001, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const auto rank = static_cast<std::size_t>(p * 1000.0 + 0.5);
    const std::uint64_t exact = sorted[rank - 1];
    const std::uint64_t got = h.value_at_percentile(p);
    INFO("p = " << p << ", exact = " << exact << ", got = " << got);
    REQUIRE(got >= exact);
    REQUIRE((got - exact) * 1024 < std::max<std::uint64_t>(exact, 1));
  }
  // A bucketed (not exact) value is reported as its bucket's highest value.
  const std::uint64_t median = sorted[49999];
  REQUIRE(median >= 2048);
  CHECK(h.value_at_percentile(50.0) == LatencyHistogram::highest_equivalent_value(median));
}

TEST_CASE("p0 is min, p100 is max and the mean is exact", "[metrics]") {
  LatencyHistogram h;
  for (const std::uint64_t v : {5ULL, 3000ULL, 123456789ULL, 42ULL}) {
    h.record(v);
  }
  CHECK(h.count() == 4);
  CHECK(h.min() == 5);
  CHECK(h.max() == 123456789);
  CHECK(h.mean() == 30864959.0);
  CHECK(h.value_at_percentile(0.0) == 5);
  CHECK(h.value_at_percentile(-3.0) == 5);
  CHECK(h.value_at_percentile(50.0) == 42);
  CHECK(h.value_at_percentile(75.0) == 3001);  // 3000 shares a 2-wide bucket with 3001
  CHECK(h.value_at_percentile(100.0) == 123456789);
  CHECK(h.value_at_percentile(250.0) == 123456789);
}

TEST_CASE("merging histograms equals recording everything in one", "[metrics]") {
  const auto a_values = log_spread_values(1, 5000);
  const auto b_values = log_spread_values(2, 7000);
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram all;
  for (const auto v : a_values) {
    a.record(v);
    all.record(v);
  }
  for (const auto v : b_values) {
    b.record(v);
    all.record(v);
  }
  REQUIRE_FALSE(a == all);
  a.merge(b);
  CHECK(a == all);
  CHECK(a.count() == 12000);
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == all.mean());
  for (const double p : {1.0, 50.0, 99.0, 99.99}) {
    CHECK(a.value_at_percentile(p) == all.value_at_percentile(p));
  }

  LatencyHistogram empty;
  empty.merge(all);
  CHECK(empty == all);
  all.merge(LatencyHistogram{});
  CHECK(empty == all);
}

TEST_CASE("record_n counts n copies and n == 0 records nothing", "[metrics]") {
  LatencyHistogram once;
  LatencyHistogram repeated;
  once.record_n(777777, 1000);
  for (int i = 0; i < 1000; ++i) {
    repeated.record(777777);
  }
  CHECK(once == repeated);
  once.record_n(1, 0);
  CHECK(once == repeated);
  CHECK(once.min() == 777777);
}

TEST_CASE("an empty or reset histogram reports zeros", "[metrics]") {
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.value_at_percentile(0.0) == 0);
  CHECK(h.value_at_percentile(50.0) == 0);
  CHECK(h.value_at_percentile(100.0) == 0);

  h.record(99);
  h.record(1u << 30);
  h.reset();
  CHECK(h == LatencyHistogram{});
  CHECK(h.value_at_percentile(100.0) == 0);
}

TEST_CASE("values beyond the trackable range clamp into the top bucket", "[metrics]") {
  constexpr std::uint64_t kTop = LatencyHistogram::kHighestTrackableValue;
  STATIC_REQUIRE(kTop >= 3'600'000'000'000ULL);  // at least one hour in nanoseconds

  LatencyHistogram h;
  h.record(3'600'000'000'000ULL);  // one hour: still tracked
  CHECK(h.overflow_count() == 0);
  h.record(kTop + 1000);
  h.record(UINT64_MAX);
  CHECK(h.count() == 3);
  CHECK(h.overflow_count() == 2);
  CHECK(h.count_at(kTop) == 2);
  CHECK(h.count_at(UINT64_MAX) == 2);
  CHECK(h.min() == 3'600'000'000'000ULL);
  CHECK(h.max() == UINT64_MAX);  // min/max/mean see the real values
  CHECK(h.mean() == Approx((3.6e12 + static_cast<double>(kTop + 1000) + 0x1p64) / 3.0));
  CHECK(h.value_at_percentile(100.0) == kTop);
  CHECK(h.value_at_percentile(50.0) == kTop);
  const std::uint64_t hour = h.value_at_percentile(10.0);
  CHECK(hour >= 3'600'000'000'000ULL);
  CHECK(hour - 3'600'000'000'000ULL < 3'600'000'000'000ULL / 1024);
}

TEST_CASE("memory is allocated once and does not grow with recording", "[metrics]") {
  LatencyHistogram h;
  const std::size_t before = h.memory_bytes();
  CHECK(before >= 33792 * sizeof(std::uint64_t));
  CHECK(before < 300 * 1024);
  for (const auto v : log_spread_values(3, 100000)) {
    h.record(v);
  }
  CHECK(h.memory_bytes() == before);
}
