// The places that must list the policies by hand (the report schema, docs, README) list exactly
// the registry's names.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/backend/backend_kind.hpp"

namespace {

const std::string kSource = std::string(PURECACHE_SOURCE_DIR) + "/";

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  INFO(path);
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The words between backticks in `text`.
std::vector<std::string> backticked(const std::string& text) {
  std::vector<std::string> words;
  for (std::size_t open = text.find('`'); open != std::string::npos;) {
    const std::size_t close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    words.push_back(text.substr(open + 1, close - open - 1));
    open = text.find('`', close + 1);
  }
  return words;
}

/// "" when `listed` holds exactly the registry's names, else which are missing and which unknown.
std::string mismatch(const std::vector<std::string>& listed) {
  std::string missing;
  std::string unknown;
  for (const auto& row : purecache::kBackendKinds) {
    if (std::find(listed.begin(), listed.end(), row.name) == listed.end())
      missing += " " + std::string(row.name);
  }
  for (const auto& name : listed) {
    const bool registered =
        std::any_of(purecache::kBackendKinds.begin(), purecache::kBackendKinds.end(),
                    [&](const auto& row) { return row.name == name; });
    if (!registered) unknown += " " + name;
  }
  if (missing.empty() && unknown.empty()) return "";
  return "missing:" + missing + "; not registered:" + unknown;
}

}  // namespace

TEST_CASE("the report schema's policy names are the registry's", "[sim][report][docs]") {
  const auto schema = nlohmann::json::parse(read_text(kSource + "docs/report-schema.json"));
  const auto& names = schema.at("properties").at("policy").at("properties").at("name").at("enum");
  CHECK(mismatch(names.get<std::vector<std::string>>()) == "");
}

TEST_CASE("the report field table lists the registry's policy names", "[sim][report][docs]") {
  const std::string text = read_text(kSource + "docs/report-schema.md");
  const std::size_t row = text.find("\n| `policy.name` |");
  REQUIRE(row != std::string::npos);
  const std::string line = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  const std::string meaning = line.substr(line.rfind('|', line.size() - 2));  // the last cell
  CHECK(mismatch(backticked(meaning)) == "");
}

TEST_CASE("replay semantics describes each registered policy once", "[sim][docs]") {
  const std::string text = read_text(kSource + "docs/replay-semantics.md");
  const std::size_t begin = text.find("\n## Policies\n");
  REQUIRE(begin != std::string::npos);
  const std::size_t end = text.find("\n## ", begin + 1);
  std::istringstream section(text.substr(begin, end - begin));
  std::vector<std::string> described;  // the policy each "- `name`: ..." item is about
  for (std::string line; std::getline(section, line);) {
    const std::vector<std::string> words = backticked(line);
    if (line.rfind("- `", 0) == 0 && !words.empty()) described.push_back(words.front());
  }
  CHECK(described.size() == purecache::kBackendKinds.size());
  CHECK(mismatch(described) == "");
}

TEST_CASE("the README's usage line offers the registry's policy names", "[sim][docs]") {
  const std::string text = read_text(kSource + "README.md");
  const std::size_t open = text.find("--policy {");
  REQUIRE(open != std::string::npos);
  const std::size_t first = open + std::string("--policy {").size();
  std::istringstream choices(text.substr(first, text.find('}', first) - first));
  std::vector<std::string> offered;
  for (std::string name; std::getline(choices, name, ',');)
    offered.push_back(name);
  CHECK(mismatch(offered) == "");
}
