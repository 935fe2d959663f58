// SIGINT and SIGTERM sent to the real binary. The replay reads a FIFO the test feeds, so the
// signal lands mid-replay at a known point however fast the build is: the test writes more
// lines than the reader can hold unparsed, signals, then writes two more batches; the replay
// must stop within the next batch.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/json_schema.hpp"
#include "support/temp_files.hpp"

using purecache::test::Child;
using purecache::test::describe;
using purecache::test::eventually;
using purecache::test::read_text;
using purecache::test::sim_binary;
using purecache::test::TempFolder;
using purecache::test::write_text;

namespace {

// About 3.9 MB: once written, the replay has parsed all but what its buffers hold (a pipe of 64
// KiB, a 1 MiB input buffer), so its first batch is done.
constexpr int kFirstLines = 1'000'000;
constexpr int kLastLines = 8192;  // two of the replay's 4096-request batches

// Writing to a FIFO whose reader has gone raises SIGPIPE in the test process: make it EPIPE.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &saved_);
  }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;
  ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
};

// Opens the FIFO's write end once the child has opened its read end (a non-blocking open fails
// with ENXIO until then), so a child that died early cannot hang the test. -1 on timeout.
int open_writer(const std::string& fifo, Child& child) {
  int fd = -1;
  eventually([&] {
    fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    return fd >= 0 || child.poll().has_value();
  });
  if (fd >= 0) ::fcntl(fd, F_SETFL, 0);  // blocking from here: the child reads as we write
  return fd;
}

void write_keys(int fd, int first, int count) {
  std::string lines;
  for (int i = first; i < first + count; ++i)
    lines += std::to_string(i % 1000) + "\n";
  std::string_view rest = lines;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EPIPE: the child stopped reading, as it may
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

nlohmann::json report_schema() {
  std::ifstream file(std::string(PURECACHE_SOURCE_DIR) + "/docs/report-schema.json");
  return nlohmann::json::parse(file);
}

}  // namespace

TEST_CASE("SIGINT or SIGTERM mid-replay gives the report so far, complete false, exit 130 or 143",
          "[sim][signal][process]") {
  const IgnoreSigpipe no_sigpipe;
  struct Case {
    int signal_number;
    const char* exit;
    bool to_file;
  };
  for (const Case c : {Case{SIGINT, "exit 130", false}, Case{SIGTERM, "exit 143", true}}) {
    INFO(c.exit);
    const TempFolder folder;
    const std::string fifo = folder.file("trace.txt");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::vector<std::string> args{sim_binary(), "--trace",    fifo, "--format",
                                  "text",       "--capacity", "100"};
    if (c.to_file) args.insert(args.end(), {"-o", folder.file("r.json")});
    Child child(args, {.stdout_path = folder.file("out"), .stderr_path = folder.file("err")});
    const int fd = open_writer(fifo, child);
    REQUIRE(fd >= 0);
    REQUIRE(eventually([&] { return child.catches(c.signal_number); }));
    write_keys(fd, 0, kFirstLines);
    child.send(c.signal_number);
    write_keys(fd, kFirstLines, kLastLines);  // lets a replay waiting for input reach its check
    ::close(fd);
    CHECK(describe(child.wait()) == c.exit);
    CHECK(read_text(folder.file("err")).empty());

    const std::string text = read_text(folder.file(c.to_file ? "r.json" : "out"));
    INFO(text);
    const auto report = nlohmann::json::parse(text);
    CHECK(report["complete"] == false);
    CHECK(report["requests"] > 0);
    CHECK(report["requests"] < kFirstLines + kLastLines);
    CHECK(report["trace"]["requests"] < kFirstLines + kLastLines);
    CHECK(report["requests"] == report["trace"]["requests"]);
    CHECK(purecache::test::schema_violation(report, report_schema()) == "");
  }
}

TEST_CASE("a second signal ends a stuck run at once and leaves no --output file",
          "[sim][signal][process]") {
  const TempFolder folder;
  const std::string fifo = folder.file("trace.txt");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // No writer ever opens the FIFO: the run blocks in open(2), where no batch check can see
  // the first signal.
  Child child({sim_binary(), "--trace", fifo, "-o", folder.file("r.json")},
              {.stdout_path = folder.file("out"), .stderr_path = folder.file("err")});
  REQUIRE(eventually([&] { return child.catches(SIGINT); }));
  child.send(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(child.poll().has_value());  // the first signal only asks
  child.send(SIGINT);
  CHECK(describe(child.wait(std::chrono::seconds(5))) == "signal 2");
  CHECK(folder.names() == std::vector<std::string>{"err", "out", "trace.txt"});
}

TEST_CASE("an interrupted gen leaves its target as it was and no temporary",
          "[sim][signal][process][generator]") {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    INFO(signal_number);
    const TempFolder folder;
    const std::string target = folder.file("t.txt");
    write_text(target, "old\n");
    // Minutes of work in any build; 600 MB is the least it could take on disk.
    Child child({sim_binary(), "gen", "loop", "--keys", "1000", "--requests", "300000000", "--seed",
                 "1", "-o", target},
                {.stdout_path = folder.file("out"), .stderr_path = folder.file("err")});
    // Signalled once it is writing its temporary: the moment a plain write would truncate.
    REQUIRE(eventually([&] { return folder.names().size() == 4 || child.poll().has_value(); }));
    child.send(signal_number);
    CHECK(describe(child.wait()) == (signal_number == SIGINT ? "exit 130" : "exit 143"));
    CHECK(read_text(folder.file("err")).empty());
    CHECK(read_text(target) == "old\n");
    CHECK(folder.names() == std::vector<std::string>{"err", "out", "t.txt"});
  }
}

TEST_CASE("a signal mid-sweep writes no cut-short run and leaves an existing --output as it was",
          "[sim][signal][process][sweep]") {
  const IgnoreSigpipe no_sigpipe;
  // Streamed (the trace is over --memory-limit): every run is mid-trace when the signal lands.
  // Held (the limit is high): the signal lands while the trace is still being read into memory.
  for (const char* memory_limit : {"1000", "1000000000"}) {
    INFO("--memory-limit " << memory_limit);
    const TempFolder folder;
    const std::string fifo = folder.file("trace.txt");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string output = folder.file("r.jsonl");
    write_text(output, "old\n");
    Child child({sim_binary(), "sweep", "--trace", fifo, "--format", "text", "--engine", "fast",
                 "--policies", "lru,fifo", "--capacities", "10,100", "--memory-limit",
                 memory_limit, "-o", output},
                {.stdout_path = folder.file("out"), .stderr_path = folder.file("err")});
    const int fd = open_writer(fifo, child);
    REQUIRE(fd >= 0);
    REQUIRE(eventually([&] { return child.catches(SIGINT); }));
    write_keys(fd, 0, kFirstLines);
    child.send(SIGINT);
    write_keys(fd, kFirstLines, kLastLines);
    ::close(fd);
    CHECK(describe(child.wait()) == "exit 130");
    CHECK(read_text(output) == "old\n");
    CHECK(folder.names() == std::vector<std::string>{"err", "out", "r.jsonl", "trace.txt"});
  }
}

TEST_CASE("a signal while a contention study reads its trace writes no cell and leaves --output",
          "[sim][signal][process][contention]") {
  const IgnoreSigpipe no_sigpipe;
  // The study reads the whole trace once before its first cell, and looks for a stop when that
  // pass ends: a FIFO left open holds it in the pass, so the signal lands there however little
  // was written. Cells stopped later, mid-grid, are tested in-process in contention_test.cpp,
  // with the stop flag this signal raises.
  const TempFolder folder;
  const std::string fifo = folder.file("trace.txt");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string output = folder.file("r.jsonl");
  write_text(output, "old\n");
  Child child(
      {sim_binary(), "contention", "--trace", fifo, "--format", "text", "--capacity", "100",
       "--threads", "1", "--clients", "1", "--shards", "1", "--hand-off", "inline", "-o", output},
      {.stdout_path = folder.file("out"), .stderr_path = folder.file("err")});
  const int fd = open_writer(fifo, child);
  REQUIRE(fd >= 0);
  REQUIRE(eventually([&] { return child.catches(SIGINT); }));
  write_keys(fd, 0, kLastLines);
  child.send(SIGINT);
  write_keys(fd, kLastLines, kLastLines);
  ::close(fd);
  CHECK(describe(child.wait()) == "exit 130");
  CHECK(read_text(folder.file("err")).empty());
  CHECK(read_text(folder.file("out")).empty());
  CHECK(read_text(output) == "old\n");
  CHECK(folder.names() == std::vector<std::string>{"err", "out", "r.jsonl", "trace.txt"});
}
