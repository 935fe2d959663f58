#pragma once
// The CLI target: an input is purecache-sim's argument list, split on NUL or newline bytes, run
// in-process by run_cli inside a private working directory that holds a few tiny traces, with
// /dev/null as standard input.

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli.hpp"
#include "fuzz/scratch_dir.hpp"

namespace purecache::fuzz {

/// Longer argument lists are not run.
inline constexpr std::size_t kMaxCliArgs = 64;
/// Most digits gen's --keys and --requests may have, so that one run stays in milliseconds.
inline constexpr std::size_t kMaxGenDigits = 4;
/// Where every report and generated trace goes: -o and --output are rewritten to this name.
inline constexpr std::string_view kCliOutput = "report.out";
/// The files of the working directory, from the source tree; arguments name them by file name.
inline constexpr std::array<std::string_view, 11> kCliTraces{
    "tests/data/trace/tiny.txt",
    "tests/data/trace/tiny.csv",
    "tests/data/trace/tiny_mapped.csv",
    "tests/data/trace/tiny.oracleGeneral.bin",
    "tests/data/trace/tiny_twitter.csv",
    "tests/data/trace/twitter_unknown_op.twitter",
    "tests/data/trace/csv_many_bad_rows.csv",
    "tests/data/trace/empty.txt",
    "tests/data/trace/corrupt.txt.zst",
    "tests/data/trace/truncated.csv.zst",
    "tests/fuzz/corpus/zstd/tiny.txt.zst",
};

/// The CLI's working directory: a subdirectory of the scratch dir holding copies of kCliTraces.
class CliSandbox {
 public:
  [[nodiscard]] static const CliSandbox& instance() {
    static const CliSandbox sandbox;
    return sandbox;
  }
  CliSandbox(const CliSandbox&) = delete;
  CliSandbox& operator=(const CliSandbox&) = delete;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// Removes whatever a run left behind (a report, a generated trace), so that runs do not
  /// depend on each other.
  void clean() const {
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      const std::string name = entry.path().filename().string();
      bool known = false;
      for (const std::string_view trace : kCliTraces) {
        known = known || std::filesystem::path(trace).filename() == name;
      }
      if (!known) std::filesystem::remove_all(entry.path());
    }
  }

 private:
  CliSandbox() : path_(ScratchDir::instance().file("cli")) {
    std::filesystem::create_directory(path_);
    for (const std::string_view trace : kCliTraces) {
      const std::filesystem::path source = std::filesystem::path(PURECACHE_SOURCE_DIR) / trace;
      std::filesystem::copy_file(source, std::filesystem::path(path_) / source.filename());
    }
  }

  std::string path_;  // absolute
};

/// Runs the enclosing scope in `dir`, then returns to the previous working directory.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::string& dir)
      : previous_(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (previous_ < 0 || ::chdir(dir.c_str()) != 0) {
      const int error = errno;
      if (previous_ >= 0) ::close(previous_);
      throw std::system_error(error, std::generic_category(), "chdir " + dir);
    }
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;
  ~WorkingDirectory() {
    if (::fchdir(previous_) != 0) std::terminate();  // the process would lose its bearings
    ::close(previous_);
  }

 private:
  int previous_;  // open descriptor of the directory to return to
};

/// Standard input reads /dev/null in the enclosing scope (`--trace -` must not wait on the
/// terminal or on the pipe the fuzzer was started with); restored on exit.
class StdinFromDevNull {
 public:
  StdinFromDevNull() : saved_(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)) {
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0) {
      const int error = errno;
      if (null >= 0) ::close(null);
      if (saved_ >= 0) ::close(saved_);
      throw std::system_error(error, std::generic_category(), "stdin from /dev/null");
    }
    ::close(null);
  }
  StdinFromDevNull(const StdinFromDevNull&) = delete;
  StdinFromDevNull& operator=(const StdinFromDevNull&) = delete;
  ~StdinFromDevNull() {
    if (saved_ >= 0) {
      (void)::dup2(saved_, STDIN_FILENO);
      ::close(saved_);
    } else {
      ::close(STDIN_FILENO);  // there was none
    }
  }

 private:
  int saved_;  // the previous standard input, or -1 if it was closed
};

/// The argument list of `input`, made safe to run, or nullopt to skip the input: no argument may
/// hold '/' (paths stay in the working directory), gen's sizes are a few digits, and every output
/// file is kCliOutput.
inline std::optional<std::vector<std::string>> cli_args(std::span<const std::uint8_t> input) {
  std::vector<std::string> args(1);
  for (const std::uint8_t byte : input) {
    if (byte == '\0' || byte == '\n') {
      args.emplace_back();
    } else {
      args.back().push_back(static_cast<char>(byte));
    }
  }
  if (args.back().empty()) args.pop_back();  // a separator ends an argument; none starts one
  if (args.size() > kMaxCliArgs) return std::nullopt;
  const auto small = [](std::string_view value) {
    return !value.empty() && value.size() <= kMaxGenDigits &&
           value.find_first_not_of("0123456789") == std::string_view::npos;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.find('/') != std::string_view::npos) return std::nullopt;
    for (const std::string_view option :
         {std::string_view("--keys"), std::string_view("--requests")}) {
      if (arg == option && i + 1 < args.size() && !small(args[i + 1])) return std::nullopt;
      if (arg.starts_with(option) && arg.size() > option.size() && arg[option.size()] == '=' &&
          !small(arg.substr(option.size() + 1))) {
        return std::nullopt;
      }
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "-o" || arg == "--output") {
      if (i + 1 < args.size()) args[++i] = kCliOutput;
    } else if (arg.starts_with("--output=")) {
      arg = "--output=" + std::string(kCliOutput);
    } else if (arg.starts_with("-o")) {  // -oFILE: a short option's attached value
      arg = "-o" + std::string(kCliOutput);
    }
  }
  return args;
}

/// The CLI target's entry: "" when run_cli kept its contract (no exception, exit code 0 or 2,
/// an error line with 2).
inline std::string run_cli_input(std::span<const std::uint8_t> input) {
  const std::optional<std::vector<std::string>> args = cli_args(input);
  if (!args) return {};
  const CliSandbox& sandbox = CliSandbox::instance();
  std::ostringstream out;
  std::ostringstream err;
  int code = 0;
  std::optional<std::string> thrown;  // run_cli promises never to throw
  try {
    const WorkingDirectory in_sandbox(sandbox.path());
    const StdinFromDevNull no_input;
    code = sim::run_cli(*args, out, err);
  } catch (const std::exception& e) {
    thrown = e.what();
  }
  sandbox.clean();
  if (thrown) return "run_cli threw: " + *thrown;
  if (code == sim::kExitOk) return {};
  if (code == sim::kExitBadInput) {
    return err.str().starts_with("purecache-sim: error: ")
               ? std::string()
               : "exit code 2 without an error line; stderr: " + err.str();
  }
  return "exit code " + std::to_string(code) + "; stderr: " + err.str();
}

}  // namespace purecache::fuzz
