// The real binary's output failures: a full or closed stdout, a file-size limit. These need a
// process of their own: its descriptors, its limits, its signal dispositions.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_files.hpp"

using purecache::test::Child;
using purecache::test::describe;
using purecache::test::read_text;
using purecache::test::sim_binary;
using purecache::test::TempFolder;
using purecache::test::write_text;

namespace {
const std::string kTrace = std::string(PURECACHE_SOURCE_DIR) + "/tests/data/golden/abacbada.txt";
}  // namespace

TEST_CASE("a report sent to a full disk on stdout exits 1 and says why", "[sim][output][process]") {
  const TempFolder folder;
  Child child({sim_binary(), "--trace", kTrace},
              {.stdout_path = "/dev/full", .stderr_path = folder.file("err")});
  CHECK(describe(child.wait()) == "exit 1");
  CHECK(read_text(folder.file("err")) ==
        "purecache-sim: error: cannot write the report to stdout: No space left on device\n");
}

TEST_CASE("a report sent to a closed stdout exits 1 and says why", "[sim][output][process]") {
  const TempFolder folder;
  Child child({sim_binary(), "--trace", kTrace}, {.stderr_path = folder.file("err")});
  CHECK(describe(child.wait()) == "exit 1");
  CHECK(read_text(folder.file("err")) ==
        "purecache-sim: error: cannot write the report to stdout: Bad file descriptor\n");
}

TEST_CASE("help sent to a full disk exits 1 and says why", "[sim][output][process]") {
  const TempFolder folder;
  Child child({sim_binary(), "--help"},
              {.stdout_path = "/dev/full", .stderr_path = folder.file("err")});
  CHECK(describe(child.wait()) == "exit 1");
  CHECK(read_text(folder.file("err")) ==
        "purecache-sim: error: cannot write to stdout: No space left on device\n");
}

TEST_CASE("a report past `ulimit -f` fails with the reason and leaves the old file whole",
          "[sim][output][process]") {
  // sh's `ulimit -f 1` allows 512 or 1024 bytes; the report is longer, the old content shorter.
  const TempFolder folder;
  const std::string report = folder.file("r.json");
  const std::string old(300, 'o');
  for (const bool jsonl : {false, true}) {
    INFO((jsonl ? "--jsonl" : "replace"));
    write_text(report, old);
    std::vector<std::string> args{sim_binary(), "--trace", kTrace, "-o", report};
    if (jsonl) args.emplace_back("--jsonl");
    Child child(args, {.stdout_path = folder.file("out"),
                       .stderr_path = folder.file("err"),
                       .shell_setup = "ulimit -f 1"});
    CHECK(describe(child.wait()) == "exit 1");
    CHECK(read_text(folder.file("err")) ==
          "purecache-sim: error: " + report + ": cannot write the report: File too large\n");
    CHECK(read_text(report) == old);
    CHECK(folder.names() == std::vector<std::string>{"err", "out", "r.json"});
  }
}
