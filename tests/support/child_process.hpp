#pragma once
// Runs the real purecache-sim binary in a child process, for what only a process shows: exit
// statuses, signals, standard descriptors and resource limits.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace purecache::test {

/// Where the child's standard output goes, and how it is started.
struct ChildOptions {
  std::string stdout_path{};  // opened for writing (e.g. "/dev/full"); empty: stdout closed
  std::string stderr_path{};  // opened for writing; empty: inherited
  std::string shell_setup{};  // run by /bin/sh before exec'ing the binary, e.g. "ulimit -f 1"
};

/// A spawned process, killed and reaped on destruction if the test did not wait for it.
class Child {
 public:
  Child(const std::vector<std::string>& args, const ChildOptions& options) {
    std::vector<std::string> argv = args;
    if (!options.shell_setup.empty()) {
      // "$0" "$@" are the binary and its arguments, passed through unquoted and unsplit.
      argv.insert(argv.begin(), {"/bin/sh", "-c", options.shell_setup + " && exec \"$0\" \"$@\""});
    }
    std::vector<char*> pointers;
    for (auto& arg : argv)
      pointers.push_back(arg.data());
    pointers.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.stdout_path.empty()) {
      posix_spawn_file_actions_addclose(&actions, STDOUT_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, options.stdout_path.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (!options.stderr_path.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.stderr_path.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    // The child starts as from a shell, whatever the test runner ignores or blocks.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGPIPE, SIGXFSZ})
      sigaddset(&defaults, s);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    const int error =
        posix_spawn(&pid_, pointers[0], &actions, &attributes, pointers.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) throw std::runtime_error("posix_spawn failed: " + std::to_string(error));
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!status_) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
    }
  }

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  void send(int signal_number) const { ::kill(pid_, signal_number); }

  /// The wait status once the child has ended, nullopt while it runs.
  std::optional<int> poll() {
    if (status_) return status_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
    return status_;
  }
  /// Waits up to `timeout` for the child to end; then kills it (nullopt: it hung).
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!poll() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (status_) return status_;
    ::kill(pid_, SIGKILL);
    int ignored = 0;
    ::waitpid(pid_, &ignored, 0);
    status_ = ignored;
    return std::nullopt;
  }

  /// True once the child has a handler for `signal_number` (SigCgt in /proc/PID/status): from
  /// then on the signal reaches purecache-sim's handler, not the default action.
  [[nodiscard]] bool catches(int signal_number) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigCgt:", 0) != 0) continue;
      const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      return ((mask >> (signal_number - 1)) & 1) != 0;
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // set once reaped
};

/// Polls `done` every 5 ms for up to `timeout`; true once it held.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// "exit 130", "signal 2": a wait status as a test message can show it.
inline std::string describe(std::optional<int> status) {
  if (!status) return "still running (killed)";
  if (WIFEXITED(*status)) return "exit " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

/// The purecache-sim binary the tests run, built alongside them.
inline std::string sim_binary() { return PURECACHE_SIM_BINARY; }

}  // namespace purecache::test
