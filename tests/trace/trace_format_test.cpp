#include "purecache/sim/trace/trace_format.hpp"

#include <catch2/catch.hpp>

#include "purecache/error.hpp"

using purecache::ConfigError;
using purecache::sim::TraceFormat;

TEST_CASE("every CLI format word parses to its format and back", "[trace]") {
  CHECK(purecache::sim::parse_trace_format("auto") == TraceFormat::auto_detect);
  CHECK(purecache::sim::parse_trace_format("text") == TraceFormat::text);
  CHECK(purecache::sim::parse_trace_format("csv") == TraceFormat::csv);
  CHECK(purecache::sim::parse_trace_format("oracle-general") == TraceFormat::oracle_general);
  CHECK(purecache::sim::parse_trace_format("twitter") == TraceFormat::twitter);
  for (const std::string_view word : purecache::sim::kTraceFormatNames) {
    CHECK(purecache::sim::to_string(purecache::sim::parse_trace_format(word)) == word);
  }
}

TEST_CASE("an unknown format word is a ConfigError listing the choices", "[trace]") {
  CHECK_THROWS_MATCHES(
      purecache::sim::parse_trace_format("oracleGeneral"), ConfigError,
      Catch::Message(
          "format must be one of auto, text, csv, oracle-general, twitter, got 'oracleGeneral'"));
  CHECK_THROWS_MATCHES(
      purecache::sim::parse_trace_format(""), ConfigError,
      Catch::Message("format must be one of auto, text, csv, oracle-general, twitter, got ''"));
}
