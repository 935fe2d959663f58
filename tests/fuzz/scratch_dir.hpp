#pragma once
// The fuzz targets' scratch space: TraceReader and the CLI take paths, so each input becomes a
// file. Shared with tests/trace/fuzz_regression_test.cpp.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace purecache::fuzz {

/// A fresh directory, one per process, created on first use and removed with its contents at
/// exit (not after a crash), under $PURECACHE_FUZZ_SCRATCH if set, else on tmpfs (/dev/shm),
/// else in the system temp dir. Not thread-safe: libFuzzer runs one input at a time per process.
class ScratchDir {
 public:
  /// The process's directory; the first call creates it. Throws std::system_error.
  [[nodiscard]] static const ScratchDir& instance() {
    static const ScratchDir dir;
    return dir;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string file(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

  /// Replaces the file `name` with `bytes` and returns its path. Each call reuses the same file,
  /// so a long run writes no more than one input's worth. Throws std::system_error.
  std::string write(std::string_view name, std::span<const std::uint8_t> bytes) const {
    std::string path = file(name);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "write " + path);
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return path;
  }

 private:
  ScratchDir() {
    std::error_code ec;
    const char* chosen = std::getenv("PURECACHE_FUZZ_SCRATCH");
    const std::filesystem::path base =
        chosen != nullptr && *chosen != '\0'            ? std::filesystem::path(chosen)
        : std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                        : std::filesystem::temp_directory_path();
    std::string pattern = (base / "purecache-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::string path_;  // absolute; exists until exit
};

}  // namespace purecache::fuzz
