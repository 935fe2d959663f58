#include "trace/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"

namespace purecache::sim::detail {

namespace {

[[noreturn, gnu::cold]] void throw_file_error(const std::string& path, std::string reason) {
  throw TraceError(path, std::move(reason));
}

[[noreturn, gnu::cold]] void throw_errno(const std::string& path, const char* what, int error) {
  throw_file_error(path, std::string(what) + ": " + std::strerror(error));
}

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The first number in `file`, or 0 (absent, or a word such as cgroup's "max").
std::uint64_t first_number(const std::string& file) {
  std::ifstream in(file);
  std::uint64_t value = 0;
  return in >> value ? value : 0;
}

/// Memory this process could still take: MemAvailable, lowered to the room left under the
/// cgroup (v2) limit when there is one, as in a container.
[[gnu::cold]] std::uint64_t available_memory() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") {
      available = kib * 1024;
      break;
    }
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  if (available == 0) {
    available = static_cast<std::uint64_t>(std::max(0L, sysconf(_SC_AVPHYS_PAGES))) *
                static_cast<std::uint64_t>(std::max(0L, sysconf(_SC_PAGESIZE)));
  }
  std::ifstream cgroups("/proc/self/cgroup");
  std::string line;
  while (std::getline(cgroups, line)) {
    if (line.starts_with("0::")) {
      const std::string dir = "/sys/fs/cgroup" + line.substr(3) + "/";
      const std::uint64_t limit = first_number(dir + "memory.max");
      const std::uint64_t used = first_number(dir + "memory.current");
      if (limit > used) {
        available = std::min(available, limit - used);
      }
    }
  }
  return available;
}

/// One reader's position in the shared bytes of a trace: a regular file (pread leaves the shared
/// descriptor's offset alone) or a pipe's or device's bytes kept by the shared state.
class SharedSource final : public ByteSource {
 public:
  explicit SharedSource(std::shared_ptr<SourceState> state) : state_(std::move(state)) {}

  std::size_t read(std::span<char> dst) override {
    // A stream's sole owner (no TraceSource left to make another reader, no other reader) lets
    // the state free what it has read; a regular file ignores this.
    const bool sole = state_.use_count() == 1;
    const std::size_t n = state_->read_at(offset_, dst, sole);
    offset_ += n;
    return n;
  }
  std::uint64_t bytes_consumed() const noexcept override { return offset_; }
  std::uint64_t total_bytes() const noexcept override { return state_->size(); }
  bool compressed() const noexcept override { return false; }

 private:
  std::shared_ptr<SourceState> state_;  // never null
  std::uint64_t offset_ = 0;            // bytes returned by read()
};

/// Streaming decompression with ZSTD_decompressStream; handles concatenated frames.
class ZstdSource final : public ByteSource {
 public:
  ZstdSource(std::unique_ptr<ByteSource> input, std::string path)
      : input_(std::move(input)),
        path_(std::move(path)),
        buffer_(ZSTD_DStreamInSize()),
        dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) {
      throw_file_error(path_, "cannot create zstd decompression context");
    }
  }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  std::size_t read(std::span<char> dst) override {
    ZSTD_outBuffer out{dst.data(), dst.size(), 0};
    while (out.pos < out.size) {
      if (in_.pos == in_.size && !input_eof_) {
        in_.size = input_->read(buffer_);
        in_.pos = 0;
        input_eof_ = in_.size == 0;
        any_input_ = any_input_ || !input_eof_;
      }
      if (!any_input_) {
        return 0;  // a 0-byte .zst file holds no frame; the reader calls it an empty trace
      }
      const std::size_t out_before = out.pos;
      const std::size_t in_before = in_.pos;
      // Called even with no new input: zstd may still hold decoded bytes to flush.
      const std::size_t hint = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(hint) != 0U) {
        throw_file_error(path_, std::string("corrupt zstd data: ") + ZSTD_getErrorName(hint));
      }
      const bool progress = out.pos != out_before || in_.pos != in_before;
      if (progress) {
        // Between frames an idle call asks for the next header (hint != 0): not a truncation.
        frame_open_ = hint != 0;
      } else if (input_eof_) {
        break;  // nothing more will come out
      }
    }
    if (out.pos == 0 && frame_open_) {
      throw_file_error(path_, "corrupt zstd data: truncated frame");
    }
    return out.pos;
  }

  std::uint64_t bytes_consumed() const noexcept override { return input_->bytes_consumed(); }
  std::uint64_t total_bytes() const noexcept override { return input_->total_bytes(); }
  bool compressed() const noexcept override { return true; }

 private:
  std::unique_ptr<ByteSource> input_;       // compressed bytes
  std::string path_;                        // for messages
  std::vector<char> buffer_;                // ZSTD_DStreamInSize() bytes, zstd's preferred chunk
  ZSTD_inBuffer in_{buffer_.data(), 0, 0};  // unconsumed part of buffer_
  ZSTD_DCtx* dctx_;                         // owned
  bool input_eof_ = false;                  // input_ returned 0
  bool any_input_ = false;                  // at least one compressed byte seen
  bool frame_open_ = false;                 // last call left a frame unfinished
};

}  // namespace

SourceState::SourceState(std::string path, const TraceSourceOptions& options)
    : path_(std::move(path)) {
  // A duplicate, so that closing it leaves the process's standard input open.
  fd_ = path_ == "-" ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                     : ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw_errno(path_, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int error = errno;
    ::close(fd_);
    throw_errno(path_, "cannot stat", error);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw_file_error(path_, "is a directory");
  }
  regular_ = S_ISREG(st.st_mode);
  if (regular_) {
    // Standard input redirected from a file starts where the shell (or a previous reader)
    // left its offset, as it would for any program reading it.
    const off_t at = path_ == "-" ? ::lseek(fd_, 0, SEEK_CUR) : 0;
    start_ = at > 0 ? static_cast<std::uint64_t>(at) : 0;
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    size_.store(file_size > start_ ? file_size - start_ : 0, std::memory_order_relaxed);
    // Advisory only: a larger kernel read-ahead window for a one-pass scan.
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  } else {
    // A quarter: the key table grows with the same bytes, and the machine is not ours alone.
    max_memory_ = options.max_memory_bytes != 0 ? options.max_memory_bytes : available_memory() / 4;
  }
}

SourceState::~SourceState() { ::close(fd_); }

std::size_t SourceState::read_descriptor(char* dst, std::size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd_, dst, n);
    if (got >= 0) {
      return static_cast<std::size_t>(got);
    }
    if (errno != EINTR) {
      throw_errno(path_, "read failed", errno);
    }
  }
}

std::size_t SourceState::read_at(std::uint64_t offset, std::span<char> dst, bool sole_reader) {
  if (regular_) {
    for (;;) {
      const ssize_t got = ::pread(fd_, dst.data(), dst.size(), static_cast<off_t>(start_ + offset));
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw_errno(path_, "read failed", errno);
      }
    }
  }
  const std::lock_guard lock(mutex_);
  if (offset == read_ && !end_) {
    if (sole_reader && chunks_.empty()) {
      // Nobody will ask for these bytes again: straight into the caller's buffer.
      const std::size_t got = read_descriptor(dst.data(), dst.size());
      read_ += got;
      end_ = got == 0;
      if (end_) {
        size_.store(read_, std::memory_order_relaxed);
      }
      return got;
    }
    if (!store_more()) {
      return 0;
    }
  }
  const std::size_t copied = copy_stored(offset, dst);
  if (sole_reader) {
    while (!chunks_.empty() && (first_chunk_ + 1) * kChunkBytes <= offset + copied) {
      chunks_.pop_front();
      ++first_chunk_;
    }
  }
  return copied;
}

std::size_t SourceState::copy_stored(std::uint64_t offset, std::span<char> dst) const noexcept {
  std::size_t copied = 0;
  while (copied < dst.size() && offset < read_) {
    const std::uint64_t chunk = offset / kChunkBytes;
    const std::size_t within = static_cast<std::size_t>(offset % kChunkBytes);
    const std::size_t n = static_cast<std::size_t>(
        std::min<std::uint64_t>({dst.size() - copied, kChunkBytes - within, read_ - offset}));
    std::memcpy(dst.data() + copied, chunks_[chunk - first_chunk_].get() + within, n);
    copied += n;
    offset += n;
  }
  return copied;
}

bool SourceState::store_more() {
  const std::size_t used = static_cast<std::size_t>(read_ % kChunkBytes);
  const std::uint64_t kept = read_ - first_chunk_ * kChunkBytes;
  if (kept >= max_memory_) {
    // At the limit: one more byte tells a stream that just fits from one that does not.
    char probe = 0;
    if (read_descriptor(&probe, 1) == 0) {
      end_ = true;
      size_.store(read_, std::memory_order_relaxed);
      return false;
    }
    throw_file_error(path_, "not a regular file, and more than " + std::to_string(max_memory_) +
                                " bytes of it cannot be kept in memory to be read again; save "
                                "it to a file first");
  }
  if (used == 0) {  // read_ is where a chunk starts, and that chunk does not exist yet
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(kChunkBytes));
  }
  const auto room =
      static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes - used, max_memory_ - kept));
  const std::size_t got = read_descriptor(chunks_.back().get() + used, room);
  read_ += got;
  if (got == 0) {
    end_ = true;
    size_.store(read_, std::memory_order_relaxed);
  }
  return got != 0;
}

std::unique_ptr<ByteSource> open_byte_source(std::shared_ptr<SourceState> state) {
  constexpr unsigned char kMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
  // The first bytes, without consuming them: every reader starts at offset 0.
  char head[4] = {};
  std::size_t got = 0;
  while (got < sizeof head) {
    const std::size_t n =
        state->read_at(got, std::span<char>(head + got, sizeof head - got), false);
    if (n == 0) {
      break;
    }
    got += n;
  }
  const bool zstd = (got == sizeof head && std::memcmp(head, kMagic, sizeof head) == 0) ||
                    has_suffix(state->path(), ".zst");
  std::string path = state->path();
  std::unique_ptr<ByteSource> raw = std::make_unique<SharedSource>(std::move(state));
  if (zstd) {
    return std::make_unique<ZstdSource>(std::move(raw), std::move(path));
  }
  return raw;
}

}  // namespace purecache::sim::detail
