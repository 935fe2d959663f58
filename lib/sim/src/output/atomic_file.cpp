#include "purecache/sim/output/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "purecache/sim/output/output_error.hpp"

namespace purecache::sim {

namespace {

// Paths of live temporaries, for remove_temporaries_on_signal(). A handler may only read memory
// and call async-signal-safe functions, so this is a fixed table of char arrays published
// through lock-free atomics; a writer that finds no free slot just goes unregistered.
constexpr int kFree = 0;
constexpr int kClaimed = 1;  // being filled in: a handler must not read the path yet
constexpr int kReady = 2;
struct SignalSlot {
  std::atomic<int> state{kFree};
  std::array<char, 4096> path{};  // NUL-terminated when state is kReady
};
static_assert(std::atomic<int>::is_always_lock_free);
constinit std::array<SignalSlot, 8> g_signal_slots{};

int register_temporary(const std::string& path) noexcept {
  if (path.size() >= std::tuple_size_v<decltype(SignalSlot::path)>) return -1;
  for (std::size_t i = 0; i < g_signal_slots.size(); ++i) {
    SignalSlot& slot = g_signal_slots[i];
    int expected = kFree;
    if (!slot.state.compare_exchange_strong(expected, kClaimed)) continue;
    std::memcpy(slot.path.data(), path.c_str(), path.size() + 1);
    slot.state.store(kReady);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int slot) noexcept {
  if (slot >= 0) g_signal_slots[static_cast<std::size_t>(slot)].state.store(kFree);
}

[[noreturn, gnu::cold]] void throw_output_error(const std::filesystem::path& target,
                                                std::string_view what, int error) {
  throw OutputError(target.string() + ": cannot write " + std::string(what) + ": " +
                    std::strerror(error));
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// rename() replaces a symlink itself; writing through it means replacing the file it names.
std::filesystem::path resolve_symlinks(const std::filesystem::path& target) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(std::filesystem::symlink_status(target, ec))) return target;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(target, ec);
  return ec ? target : resolved;
}

mode_t new_file_mode() {
  // umask can only be read by setting it; it is put back at once.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

void sync_directory(const std::filesystem::path& directory) noexcept {
  // Makes the rename itself durable. Some file systems refuse fsync on a directory; the data is
  // already safe then, so failures are ignored.
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target, std::string what)
    : target_(std::move(target)), destination_(resolve_symlinks(target_)), what_(std::move(what)) {
  struct stat existing {};
  const bool exists = ::stat(destination_.c_str(), &existing) == 0;
  if (exists && S_ISDIR(existing.st_mode)) throw_output_error(target_, what_, EISDIR);
  if (exists && !S_ISREG(existing.st_mode)) {
    // A device, FIFO or socket (/dev/full, /dev/stdout on a pipe) cannot be replaced by a
    // rename without destroying it: write into it directly, as a shell redirection would.
    fd_ = ::open(destination_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw_output_error(target_, what_, errno);
    return;
  }
  const mode_t mode = exists ? (existing.st_mode & 07777) : new_file_mode();

  std::string pattern =
      (directory_of(destination_) / ("." + destination_.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw_output_error(target_, what_, errno);
  temporary_ = name.data();
  signal_slot_ = register_temporary(temporary_.string());
  if (::fchmod(fd_, mode) != 0) fail(errno);
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  if (temporary_.empty()) {  // writing into a device or FIFO: nothing to sync or rename
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) throw_output_error(target_, what_, errno);
    return;
  }
  if (::fsync(fd_) != 0) fail(errno);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail(errno);
  if (::rename(temporary_.c_str(), destination_.c_str()) != 0) fail(errno);
  // Unregistered only now: a handler that unlinks the old name after the rename finds nothing.
  unregister_temporary(signal_slot_);
  signal_slot_ = -1;
  temporary_.clear();
  sync_directory(directory_of(destination_));
}

void AtomicFile::fail(int error) {
  discard();
  throw_output_error(target_, what_, error);
}

void AtomicFile::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  unregister_temporary(signal_slot_);
  signal_slot_ = -1;
}

void append_line(const std::filesystem::path& target, std::string_view line,
                 std::string_view what) {
  bool created = true;
  int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) {
    created = false;
    fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  }
  if (fd < 0) throw_output_error(target, what, errno);
  struct stat before {};
  if (::fstat(fd, &before) != 0) {
    const int error = errno;
    ::close(fd);
    throw_output_error(target, what, error);
  }
  ssize_t n = -1;
  do {
    n = ::write(fd, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  int error = n < 0 ? errno : 0;
  if (n >= 0 && static_cast<std::size_t>(n) != line.size()) {
    // A short write on a regular file means the disk or a size limit ran out: writing the rest
    // fails with the reason. Should it succeed the line is whole, only not in one write.
    const std::string_view rest = line.substr(static_cast<std::size_t>(n));
    const ssize_t m = ::write(fd, rest.data(), rest.size());
    if (m < 0) {
      error = errno;
    } else if (static_cast<std::size_t>(m) != rest.size()) {
      error = ENOSPC;
      n += m;
    }
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (error != 0) {
    if (created) {
      ::unlink(target.c_str());
    } else if (n > 0) {
      (void)::ftruncate(fd, before.st_size);
    }
    ::close(fd);
    throw_output_error(target, what, error);
  }
  if (::close(fd) != 0) throw_output_error(target, what, errno);
}

void check_writable(const std::filesystem::path& target, std::string_view what, bool append) {
  const std::filesystem::path destination = resolve_symlinks(target);
  struct stat st {};
  const bool exists = ::stat(destination.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw_output_error(target, what, EISDIR);
  if (exists && ::access(destination.c_str(), W_OK) != 0) throw_output_error(target, what, errno);
  // Appending, or writing into a device or FIFO, needs no new directory entry.
  if (exists && (append || !S_ISREG(st.st_mode))) return;
  const std::filesystem::path directory = directory_of(destination);
  if (::stat(directory.c_str(), &st) != 0) throw_output_error(target, what, errno);
  if (!S_ISDIR(st.st_mode)) throw_output_error(target, what, ENOTDIR);
  if (::access(directory.c_str(), W_OK | X_OK) != 0) throw_output_error(target, what, errno);
}

void remove_temporaries_on_signal() noexcept {
  for (SignalSlot& slot : g_signal_slots) {
    if (slot.state.load() == kReady) ::unlink(slot.path.data());
  }
}

}  // namespace purecache::sim
