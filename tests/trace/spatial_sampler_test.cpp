#include "purecache/sim/trace/spatial_sampler.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "purecache/error.hpp"

using purecache::sim::KeyId;
using purecache::sim::SpatialSampler;

TEST_CASE("the spatial sampler keeps about the requested share of keys", "[trace][sampling]") {
  for (const double rate : {0.5, 0.1, 0.01, 0.001}) {
    const SpatialSampler sampler(rate);
    CHECK(sampler.rate() == Approx(rate).epsilon(1e-4));
    constexpr KeyId kKeys = 1'000'000;
    std::uint64_t kept = 0;
    for (KeyId key = 0; key < kKeys; ++key) kept += sampler.keeps(key) ? 1U : 0U;
    // Binomial: within 5 standard deviations of rate * keys.
    const double expected = rate * kKeys;
    CHECK(std::abs(static_cast<double>(kept) - expected) < 5 * std::sqrt(expected));
  }
}

TEST_CASE("the spatial sampler keeps every key at rate 1 and the same keys every time",
          "[trace][sampling]") {
  const SpatialSampler all(1.0);
  for (KeyId key = 0; key < 10'000; ++key) REQUIRE(all.keeps(key));
  const SpatialSampler a(0.1);
  const SpatialSampler b(0.1);
  const SpatialSampler smaller(0.05);
  for (KeyId key = 0; key < 100'000; ++key) {
    REQUIRE(a.keeps(key) == b.keeps(key));
    // Thresholds nest: a smaller rate's sample is a subset of a larger one's.
    if (smaller.keeps(key)) REQUIRE(a.keeps(key));
  }
}

TEST_CASE("the spatial sampler refuses rates not above 0 or above 1", "[trace][sampling]") {
  using Catch::Matchers::Message;
  CHECK_THROWS_MATCHES(SpatialSampler(0), purecache::ConfigError,
                       Message("sample-rate must be in (0, 1], got 0"));
  CHECK_THROWS_AS(SpatialSampler(1.5), purecache::ConfigError);
  CHECK_THROWS_AS(SpatialSampler(-0.1), purecache::ConfigError);
  CHECK_THROWS_AS(SpatialSampler(std::nan("")), purecache::ConfigError);
  CHECK_THROWS_AS(SpatialSampler(1e-9), purecache::ConfigError);
}
