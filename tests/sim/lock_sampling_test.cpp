#include "purecache-sim/lock_sampling.hpp"

#include <catch2/catch.hpp>

using purecache::sim::default_lock_sample;
using purecache::sim::TraceFormat;

TEST_CASE("small traces time every lock hold", "[sim][lock-sample]") {
  CHECK(default_lock_sample(1, TraceFormat::text) == 1);
  CHECK(default_lock_sample(481'564, TraceFormat::text) == 1);  // traces/zipf.txt
  CHECK(default_lock_sample(24 * 262'143, TraceFormat::oracle_general) == 1);
}

TEST_CASE("larger traces time a power-of-two share of holds, never under 131,072 requests' worth",
          "[sim][lock-sample]") {
  CHECK(default_lock_sample(24 * 262'144, TraceFormat::oracle_general) == 2);
  CHECK(default_lock_sample(24 * 1'000'000, TraceFormat::oracle_general) == 4);
  CHECK(default_lock_sample(8 * 1'000'000, TraceFormat::csv) == 4);
  for (std::uint64_t requests = 1'000; requests < 100'000'000; requests = requests * 3 / 2) {
    const std::uint32_t every = default_lock_sample(24 * requests, TraceFormat::oracle_general);
    INFO(requests << " requests: 1 in " << every);
    CHECK((every & (every - 1)) == 0);
    CHECK((every == 1 || every == 64 || requests / every >= 131'072));
  }
}

TEST_CASE("huge traces time one hold in 64, unknown sizes one in 16", "[sim][lock-sample]") {
  CHECK(default_lock_sample(24 * 10'000'000, TraceFormat::oracle_general) == 64);
  CHECK(default_lock_sample(std::uint64_t{1} << 40, TraceFormat::text) == 64);
  CHECK(default_lock_sample(0, TraceFormat::text) == 16);
}
