// docs/errors.md is checked row by row: each example runs in-process and must print exactly the
// documented stderr with the documented exit code, or name a test case that exists.

#include <catch2/catch.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "purecache-sim/cli.hpp"
#include "trace/trace_test_support.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kSource = PURECACHE_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Row {
  std::size_t line;  // in docs/errors.md, from 1
  std::string message;
  std::string exit;
  std::string example;
  std::string output;  // exact stderr, or `see test "NAME"`
};

// Cells of a markdown table row; "\|" is a literal bar.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      out.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

// The rows of every table whose header starts "| Message |".
std::vector<Row> error_rows() {
  std::istringstream doc(read_text(kSource + "/docs/errors.md"));
  std::vector<Row> rows;
  bool in_table = false;
  std::string line;
  for (std::size_t number = 1; std::getline(doc, line); ++number) {
    if (line.rfind("| Message |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (line.rfind("|---", 0) == 0) continue;
    if (line.empty() || line[0] != '|') {
      in_table = false;
      continue;
    }
    if (!in_table) continue;
    const auto c = cells(line);
    REQUIRE(c.size() == 4);
    rows.push_back(Row{number, c[0], c[1], c[2], c[3]});
  }
  return rows;
}

// The text of a cell that is one code span.
std::string code_span(const std::string& cell) {
  REQUIRE(cell.size() >= 2);
  REQUIRE(cell.front() == '`');
  REQUIRE(cell.back() == '`');
  return cell.substr(1, cell.size() - 2);
}

// "purecache-sim A B" -> {"A", "B"}, with repository paths made absolute.
std::vector<std::string> arguments(const std::string& command) {
  std::istringstream words(command);
  std::string word;
  words >> word;
  REQUIRE(word == "purecache-sim");
  std::vector<std::string> args;
  while (words >> word) {
    if (word.rfind("tests/", 0) == 0 || word.rfind("traces/", 0) == 0) {
      word = kSource + "/" + word;
    }
    args.push_back(word);
  }
  return args;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Restores the working directory on scope exit.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& path) : previous_(fs::current_path()) {
    fs::current_path(path);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;
  ~WorkingDirectory() {
    std::error_code ignored;
    fs::current_path(previous_, ignored);
  }

 private:
  fs::path previous_;  // where the test ran from
};

bool test_case_exists(const std::string& name) {
  const std::string declaration = "TEST_CASE(\"" + name + "\"";
  for (const auto& entry : fs::recursive_directory_iterator(kSource + "/tests")) {
    if (entry.is_regular_file() && entry.path().extension() == ".cpp" &&
        read_text(entry.path()).find(declaration) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("every row of docs/errors.md prints its documented stderr and exit code",
          "[sim][errors][docs][errors-doc]") {
  const std::vector<Row> rows = error_rows();
  CHECK(rows.size() >= 60);
  const std::regex reference(R"re(^see test "([^"]+)"$)re");
  std::size_t in_process = 0;
  for (const Row& row : rows) {
    INFO("docs/errors.md:" << row.line << ": " << row.example);
    std::smatch test;
    if (std::regex_match(row.output, test, reference)) {
      CHECK(test_case_exists(test[1].str()));
      continue;
    }
    ++in_process;
    const std::string expected = code_span(row.output);
    const std::vector<std::string> args = arguments(code_span(row.example));
    const purecache::test::TempDir dir;  // any output the example writes lands here
    std::ostringstream out;
    std::ostringstream err;
    int code = 0;
    {
      const WorkingDirectory in_dir(dir.file("."));
      code = purecache::sim::run_cli(args, out, err);
    }
    CHECK(std::to_string(code) == row.exit);
    CHECK(out.str().empty());
    CHECK(replace_all(err.str(), kSource + "/", "") == expected + "\n");
  }
  CHECK(in_process >= 50);
}
