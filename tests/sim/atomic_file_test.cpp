#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/output/output_error.hpp"
#include "support/temp_files.hpp"

using purecache::sim::AtomicFile;
using purecache::sim::OutputError;
using purecache::test::read_text;
using purecache::test::TempFolder;
using purecache::test::write_text;

namespace {

// Lowers this process's file-size limit for one scope and ignores SIGXFSZ, so that a write past
// it fails with EFBIG, as one on a full disk fails with ENOSPC. No Catch assertion may run inside
// the scope: the reporter's own output could hit the limit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_limit_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGXFSZ, &ignore, &saved_action_);
    rlimit limit = saved_limit_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_limit_);
    ::sigaction(SIGXFSZ, &saved_action_, nullptr);
  }

 private:
  rlimit saved_limit_{};
  struct sigaction saved_action_ {};
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("an atomic file changes its target only on commit, and leaves no temporary",
          "[sim][output]") {
  const TempFolder folder;
  const std::string target = folder.file("r.json");
  write_text(target, "old");
  REQUIRE(::chmod(target.c_str(), 0640) == 0);
  {
    AtomicFile file(target, "the report");
    file.write("new ");
    file.write("content");
    CHECK(read_text(target) == "old");
    const auto names = folder.names();
    REQUIRE(names.size() == 2);
    CHECK(names[0].rfind(".r.json.", 0) == 0);  // hidden, beside the target
    CHECK(folder.path() / names[0] == file.temporary_path());
    file.commit();
  }
  CHECK(read_text(target) == "new content");
  CHECK(folder.names() == std::vector<std::string>{"r.json"});
  CHECK(mode_of(target) == 0640);  // the replaced file's mode, not mkstemp's 0600
}

TEST_CASE("an atomic file dropped without a commit leaves the target as it was", "[sim][output]") {
  const TempFolder folder;
  const std::string target = folder.file("r.json");
  {
    AtomicFile file(target, "the report");
    file.write("never committed");
  }
  CHECK(folder.names().empty());  // no target created, no temporary left

  write_text(target, "old");
  {
    AtomicFile file(target, "the report");
    file.write("never committed");
  }
  CHECK(read_text(target) == "old");
  CHECK(folder.names() == std::vector<std::string>{"r.json"});
}

TEST_CASE("a write past the file-size limit fails with the reason and changes nothing",
          "[sim][output]") {
  const TempFolder folder;
  const std::string target = folder.file("r.json");
  write_text(target, "old");
  std::string message;
  {
    const FileSizeLimit limit(1024);
    try {
      AtomicFile file(target, "the report");
      file.write(std::string(4096, 'x'));
      file.commit();
    } catch (const OutputError& e) {
      message = e.what();
    }
  }
  CHECK(message == target + ": cannot write the report: File too large");
  CHECK(read_text(target) == "old");
  CHECK(folder.names() == std::vector<std::string>{"r.json"});
}

TEST_CASE("an atomic file writes through a symlink and keeps the link", "[sim][output]") {
  const TempFolder folder;
  write_text(folder.file("real.json"), "old");
  std::filesystem::create_symlink("real.json", folder.file("link.json"));
  AtomicFile file(folder.file("link.json"), "the report");
  file.write("new");
  file.commit();
  CHECK(std::filesystem::is_symlink(folder.file("link.json")));
  CHECK(read_text(folder.file("real.json")) == "new");
  CHECK(folder.names() == std::vector<std::string>{"link.json", "real.json"});
}

TEST_CASE("an atomic file names the target and the reason when it cannot be created",
          "[sim][output]") {
  const TempFolder folder;
  const std::string missing = folder.file("missing/r.json");
  CHECK_THROWS_WITH(AtomicFile(missing, "the report"),
                    missing + ": cannot write the report: No such file or directory");
  std::filesystem::create_directory(folder.file("dir"));
  CHECK_THROWS_WITH(AtomicFile(folder.file("dir"), "the trace"),
                    folder.file("dir") + ": cannot write the trace: Is a directory");
  CHECK(folder.names() == std::vector<std::string>{"dir"});
}

TEST_CASE("a new atomic file gets the mode a plain create would: 0666 less the umask",
          "[sim][output]") {
  const TempFolder folder;
  const mode_t saved = ::umask(027);
  {
    AtomicFile file(folder.file("r.json"), "the report");
    file.commit();
  }
  ::umask(saved);
  CHECK(mode_of(folder.file("r.json")) == 0640);
}

TEST_CASE("remove_temporaries_on_signal removes the temporaries of live atomic files only",
          "[sim][output]") {
  const TempFolder folder;
  {
    AtomicFile committed(folder.file("kept.json"), "the report");
    committed.commit();
  }
  AtomicFile live(folder.file("r.json"), "the report");
  REQUIRE(std::filesystem::exists(live.temporary_path()));
  purecache::sim::remove_temporaries_on_signal();
  CHECK_FALSE(std::filesystem::exists(live.temporary_path()));
  CHECK(folder.names() == std::vector<std::string>{"kept.json"});
}

TEST_CASE("append_line adds whole lines, and takes a short write back", "[sim][output]") {
  const TempFolder folder;
  const std::string target = folder.file("r.jsonl");
  purecache::sim::append_line(target, "a\n", "the report");
  purecache::sim::append_line(target, "b\n", "the report");
  CHECK(read_text(target) == "a\nb\n");

  const std::string before(100, 'o');
  write_text(target, before);
  std::string short_write;  // the limit lets 50 of the 100 bytes through
  std::string no_room;      // a limit the file already reaches lets none through
  std::string new_file;     // a file created for the line is removed again
  {
    const FileSizeLimit limit(150);
    try {
      purecache::sim::append_line(target, std::string(99, 'x') + "\n", "the report");
    } catch (const OutputError& e) {
      short_write = e.what();
    }
  }
  {
    const FileSizeLimit limit(100);
    try {
      purecache::sim::append_line(target, "y\n", "the report");
    } catch (const OutputError& e) {
      no_room = e.what();
    }
  }
  {
    const FileSizeLimit limit(1);
    try {
      purecache::sim::append_line(folder.file("new.jsonl"), "zz\n", "the report");
    } catch (const OutputError& e) {
      new_file = e.what();
    }
  }
  CHECK(short_write == target + ": cannot write the report: File too large");
  CHECK(no_room == target + ": cannot write the report: File too large");
  CHECK(read_text(target) == before);
  CHECK(new_file == folder.file("new.jsonl") + ": cannot write the report: File too large");
  CHECK(folder.names() == std::vector<std::string>{"r.jsonl"});
}

TEST_CASE("check_writable names what cannot be written, and creates nothing", "[sim][output]") {
  const TempFolder folder;
  CHECK_NOTHROW(purecache::sim::check_writable(folder.file("r.json"), "the report", false));
  CHECK_NOTHROW(purecache::sim::check_writable(folder.file("r.json"), "the report", true));
  CHECK(folder.names().empty());

  const std::string missing = folder.file("missing/r.json");
  CHECK_THROWS_WITH(purecache::sim::check_writable(missing, "the report", false),
                    missing + ": cannot write the report: No such file or directory");
  CHECK_THROWS_WITH(purecache::sim::check_writable(missing, "the report", true),
                    missing + ": cannot write the report: No such file or directory");
  CHECK_THROWS_WITH(purecache::sim::check_writable(folder.path().string(), "the report", false),
                    folder.path().string() + ": cannot write the report: Is a directory");
  write_text(folder.file("file"), "");
  const std::string under_file = folder.file("file/r.json");
  CHECK_THROWS_WITH(purecache::sim::check_writable(under_file, "the report", false),
                    under_file + ": cannot write the report: Not a directory");
}

// A device or FIFO target is written into, never renamed over: renaming over /dev/full as root
// turns the device into a regular file. A FIFO shows the same path without endangering a device.
TEST_CASE("an atomic file writes into a FIFO, which stays a FIFO", "[sim][output]") {
  TempFolder folder;
  const std::string fifo = folder.file("out.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A non-blocking reader opens at once, so the writer's open does not wait, and a writer that
  // renamed over the FIFO instead would leave this read empty rather than hang.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  const std::string report = "{\"complete\":true}\n";
  {
    AtomicFile file(fifo, "the report");
    file.write(report);
    file.commit();
  }
  std::string received(64, '\0');
  const ssize_t n = ::read(reader, received.data(), received.size());
  ::close(reader);
  received.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  CHECK(received == report);
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(folder.names() == std::vector<std::string>{"out.fifo"});
}
