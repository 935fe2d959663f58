#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "stop_signals.hpp"

namespace {

// A closed standard descriptor would be handed out by the next open(), and the report meant for
// stdout would land in that file. Holding it with /dev/null opened the other way round keeps the
// number taken while every use of it still fails (EBADF), so the failure is reported.
void hold_closed_standard_descriptors() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int held = open("/dev/null", (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY));
    if (held >= 0 && held != fd) {
      dup2(held, fd);
      close(held);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  hold_closed_standard_descriptors();
  purecache::sim::install_stop_signal_handlers();
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code =
      purecache::sim::run_cli(args, {std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                                     isatty(STDERR_FILENO) == 1, &purecache::sim::stop_signal()});
  errno = 0;
  std::cout.flush();
  if (std::cout.good()) return code;
  // run_cli reports a report it could not write; this is for help, version and the like.
  if (code != purecache::sim::kExitInternalError) {
    const int error = errno;
    std::cerr << "purecache-sim: error: cannot write to stdout"
              << (error != 0 ? std::string(": ") + std::strerror(error) : std::string()) << '\n';
  }
  return purecache::sim::kExitInternalError;
}
