#include "trace/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
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

/// Owns the descriptor; reads straight into the caller's buffer (no stdio copy).
class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw_errno(path, "cannot open", errno);
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int error = errno;
      ::close(fd_);
      throw_errno(path, "cannot stat", error);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw_file_error(path, "is a directory");
    }
    if (S_ISREG(st.st_mode)) {
      total_ = static_cast<std::uint64_t>(st.st_size);
      // Advisory only: a larger kernel read-ahead window for a one-pass scan.
      (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource() override { ::close(fd_); }

  std::size_t read(std::span<char> dst) override {
    for (;;) {
      const ssize_t n = ::read(fd_, dst.data(), dst.size());
      if (n >= 0) {
        consumed_ += static_cast<std::uint64_t>(n);
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        throw_errno(path_, "read failed", errno);
      }
    }
  }

  /// The first `n` bytes without consuming them, for magic-number sniffing; fewer if the file is
  /// shorter or not seekable.
  std::size_t peek(char* dst, std::size_t n) const noexcept {
    const ssize_t got = ::pread(fd_, dst, n, 0);
    return got > 0 ? static_cast<std::size_t>(got) : 0;
  }

  std::uint64_t bytes_consumed() const noexcept override { return consumed_; }
  std::uint64_t total_bytes() const noexcept override { return total_; }
  bool compressed() const noexcept override { return false; }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;            // for messages
  int fd_ = -1;                 // open for the reader's lifetime
  std::uint64_t total_ = 0;     // st_size of a regular file, else 0
  std::uint64_t consumed_ = 0;  // bytes returned by read()
};

/// Streaming decompression with ZSTD_decompressStream; handles concatenated frames.
class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<FileSource> file)
      : file_(std::move(file)), input_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) {
      throw_file_error(file_->path(), "cannot create zstd decompression context");
    }
  }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  std::size_t read(std::span<char> dst) override {
    ZSTD_outBuffer out{dst.data(), dst.size(), 0};
    while (out.pos < out.size) {
      if (in_.pos == in_.size && !file_eof_) {
        in_.size = file_->read(input_);
        in_.pos = 0;
        file_eof_ = in_.size == 0;
        any_input_ = any_input_ || !file_eof_;
      }
      if (!any_input_) {
        return 0;  // a 0-byte .zst file holds no frame; the reader calls it an empty trace
      }
      const std::size_t out_before = out.pos;
      const std::size_t in_before = in_.pos;
      // Called even with no new input: zstd may still hold decoded bytes to flush.
      const std::size_t hint = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(hint) != 0U) {
        throw_file_error(file_->path(),
                         std::string("corrupt zstd data: ") + ZSTD_getErrorName(hint));
      }
      const bool progress = out.pos != out_before || in_.pos != in_before;
      if (progress) {
        // Between frames an idle call asks for the next header (hint != 0): not a truncation.
        frame_open_ = hint != 0;
      } else if (file_eof_) {
        break;  // nothing more will come out
      }
    }
    if (out.pos == 0 && frame_open_) {
      throw_file_error(file_->path(), "corrupt zstd data: truncated frame");
    }
    return out.pos;
  }

  std::uint64_t bytes_consumed() const noexcept override { return file_->bytes_consumed(); }
  std::uint64_t total_bytes() const noexcept override { return file_->total_bytes(); }
  bool compressed() const noexcept override { return true; }

 private:
  std::unique_ptr<FileSource> file_;       // compressed bytes
  std::vector<char> input_;                // ZSTD_DStreamInSize() bytes, zstd's preferred chunk
  ZSTD_inBuffer in_{input_.data(), 0, 0};  // unconsumed part of input_
  ZSTD_DCtx* dctx_;                        // owned
  bool file_eof_ = false;                  // file_ returned 0
  bool any_input_ = false;                 // at least one compressed byte seen
  bool frame_open_ = false;                // last call left a frame unfinished
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::string& path) {
  auto file = std::make_unique<FileSource>(path);
  constexpr unsigned char kMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
  char head[4] = {};
  const bool magic =
      file->peek(head, sizeof head) == sizeof head && std::memcmp(head, kMagic, 4) == 0;
  if (magic || has_suffix(path, ".zst")) {
    return std::make_unique<ZstdSource>(std::move(file));
  }
  return file;
}

}  // namespace purecache::sim::detail
