#pragma once
// Runs purecache-sim in-process, as the CLI tests do, and keeps what it said.

#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "purecache-sim/cli.hpp"

namespace purecache::test {

/// One run of the command line: its exit code and everything it wrote.
struct Run {
  int code;
  std::string out;
  std::string err;
};

/// run_cli with neither stream a terminal.
inline Run sim(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = purecache::sim::run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

/// The report of a run that must succeed; its stderr is shown if it does not.
inline nlohmann::json report(const std::vector<std::string>& args) {
  const Run run = sim(args);
  INFO(run.err);
  REQUIRE(run.code == 0);
  return nlohmann::json::parse(run.out);
}

/// The report of a run that must succeed and say nothing on stderr; Json may be
/// nlohmann::ordered_json to check the order of fields.
template <class Json = nlohmann::json>
Json quiet_report(const std::vector<std::string>& args) {
  const Run run = sim(args);
  INFO(run.err);
  REQUIRE(run.code == 0);
  REQUIRE(run.err.empty());
  return Json::parse(run.out);
}

/// A bad-input run: exit 2, nothing on stdout, exactly this one line on stderr.
inline void check_rejected(const std::vector<std::string>& args, const std::string& message) {
  const Run run = sim(args);
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(run.err == "purecache-sim: error: " + message + "\n");
}

}  // namespace purecache::test
