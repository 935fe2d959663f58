#pragma once
// A FIFO in a temporary directory, fed by a thread, for tests of input that can be read once.

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <string>
#include <string_view>
#include <thread>

namespace purecache::test {

/// Creates the FIFO `path` and writes `bytes` into it from a thread once a reader opens it. After
/// that, every later open of the FIFO by a reader gets an end of input at once, so a reader
/// that wrongly opens it twice sees an empty second pass instead of waiting forever. Never
/// blocks: the thread polls with non-blocking opens until destruction.
class FifoWriter {
 public:
  FifoWriter(std::string path, std::string bytes) : path_(std::move(path)) {
    created_ = ::mkfifo(path_.c_str(), 0600) == 0;
    if (created_) {
      thread_ = std::thread([this, data = std::move(bytes)] { run(data); });
    }
  }
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;
  ~FifoWriter() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::unlink(path_.c_str());
  }

  [[nodiscard]] bool created() const noexcept { return created_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  /// Opens for writing once a reader is there (ENXIO until then), or -1 when stopped.
  int open_when_read() {
    while (!stop_) {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) return fd;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return -1;
  }

  void run(std::string_view data) {
    // A reader that stops early must not kill the test process: write() then fails with EPIPE.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    const int fd = open_when_read();
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    while (!data.empty()) {
      const ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the reader went away (EPIPE): nothing more to do
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(fd);
    for (int again = open_when_read(); again >= 0; again = open_when_read()) {
      ::close(again);  // a second reader's open: hand it an end of input at once
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  std::string path_;               // the FIFO, removed on destruction
  bool created_ = false;           // mkfifo succeeded
  std::atomic<bool> stop_{false};  // set by the destructor
  std::thread thread_;             // the writer
};

}  // namespace purecache::test
