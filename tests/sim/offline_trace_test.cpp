// OfflineTrace, the compact whole trace a single Belady replay reads: the requests it gives back,
// the next accesses it finds, its limits, and replays from it counting exactly as replays from a
// LoadedTrace (the sweep's path) do.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/loaded_trace.hpp"
#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/offline_trace.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/trace_test_support.hpp"

using namespace purecache;
using namespace purecache::sim;

namespace {

/// Gets, sets and deletes with times, sizes and TTLs: every field a Request has.
std::string mixed_trace() {
  std::string text = "timestamp,key,size,op,ttl\n";
  const char* const ops[] = {"get", "get", "get", "set", "get", "delete", "get"};
  for (int i = 0; i < 3000; ++i) {
    const int key = (i * 7919) % 97 + (i % 5 == 0 ? i : 0);  // a hot set and one-offs
    text += std::to_string(i) + "." + std::to_string(i % 10) + ",k" + std::to_string(key) + "," +
            std::to_string(1 + key % 13) + "," + ops[i % 7] + "," + std::to_string(i % 3) + "\n";
  }
  return text;
}

OfflineTrace load_offline(const std::string& path, bool with_times, std::size_t limit = 1 << 30) {
  TraceReader reader(path);
  std::optional<OfflineTrace> trace = OfflineTrace::load(reader, limit, nullptr, with_times);
  REQUIRE(trace);
  return std::move(*trace);
}

LoadedTrace load_whole(const std::string& path) {
  TraceReader reader(path);
  std::optional<LoadedTrace> trace = LoadedTrace::load(reader, std::size_t{1} << 30, nullptr);
  REQUIRE(trace);
  return std::move(*trace);
}

}  // namespace

TEST_CASE("an offline trace gives back each request but its TTL, and the backward pass's next "
          "accesses",
          "[sim][belady][offline]") {
  test::TempFolder folder;
  const std::string path = folder.file("mixed.csv");
  test::write_text(path, mixed_trace());
  const std::vector<Request> all = test::read_all(path);
  const LoadedTrace whole = load_whole(path);
  const std::vector<std::uint64_t> expected =
      next_access_positions(whole.requests(), whole.facts().distinct_keys);
  for (const bool with_times : {false, true}) {
    INFO("with times " << with_times);
    const OfflineTrace trace = load_offline(path, with_times);
    REQUIRE(trace.size() == all.size());
    CHECK(trace.complete());
    std::vector<Request> back(all.size() + 3, Request{.key = 99, .size = 99});
    trace.fill(0, back);
    for (std::size_t i = 0; i < all.size(); ++i) {
      INFO("request " << i);
      Request want = all[i];
      want.ttl = Duration{0};
      if (!with_times) want.time = Timestamp{0};
      REQUIRE(test::fields_of(back[i]) == test::fields_of(want));
    }
    for (std::size_t i = all.size(); i < back.size(); ++i) {
      CHECK(test::fields_of(back[i]) == test::fields_of(Request{}));
    }
    std::vector<std::uint64_t> next;
    for (const std::uint32_t position : trace.next_access()) {
      next.push_back(position == OfflineTrace::kNever ? kNoNextAccess : position);
    }
    CHECK(next == expected);
    CHECK(trace.memory_bytes() >=
          all.size() * (with_times ? OfflineTrace::kTimedRequestBytes : OfflineTrace::kRequestBytes));
  }
}

TEST_CASE("an offline trace stops at its memory limit, its request limit and a stop signal",
          "[sim][belady][offline]") {
  test::TempFolder folder;
  const std::string path = folder.file("mixed.csv");
  test::write_text(path, mixed_trace());
  {
    TraceReader reader(path);
    CHECK_FALSE(OfflineTrace::load(reader, 1000, nullptr, false));
  }
  {
    TraceReader reader(path);
    CHECK_THROWS_WITH(OfflineTrace::load(reader, std::size_t{1} << 30, nullptr, false, 2000),
                      path + ": an offline replay holds at most 2000 requests (32-bit positions)");
  }
  {
    TraceReader reader(path);
    const std::atomic<int> stop{2};
    const auto trace = OfflineTrace::load(reader, std::size_t{1} << 30, &stop, false);
    REQUIRE(trace);
    CHECK_FALSE(trace->complete());
    CHECK(trace->size() == 0);
  }
}

TEST_CASE("Belady stopped before its first request replays nothing and says it is incomplete",
          "[sim][belady][offline]") {
  // The stop comes before any request is read, so no request has a next access: that is an
  // empty replay cut short, not a replay that lacks the future (a streamed one).
  test::TempFolder folder;
  const std::string path = folder.file("mixed.csv");
  test::write_text(path, mixed_trace());
  const std::atomic<int> stop{15};
  for (const std::uint64_t max_weight : {0U, 60U}) {
    INFO("max weight " << max_weight);
    ReplayConfig config{.policy = BackendKind::belady,
                        .engine = ReplayEngine::fast,
                        .core = {.capacity = max_weight == 0 ? 7U : 0U, .max_weight = max_weight},
                        .stop_signal = &stop};
    TraceReader reader(path);
    const ReplayResult single = replay(reader, config);
    CHECK_FALSE(single.complete);
    CHECK(single.requests == 0);
    CHECK(reader.requests_read() == 0);
    TraceReader again(path);
    const std::optional<LoadedTrace> loaded = LoadedTrace::load(again, std::size_t{1} << 30, &stop);
    REQUIRE(loaded);
    REQUIRE(loaded->requests().empty());
    const ReplayResult swept = replay(*loaded, config);
    CHECK_FALSE(swept.complete);
    CHECK(swept.requests == 0);
  }
}

TEST_CASE("Belady counts alike replayed from an offline trace and from a loaded one",
          "[sim][belady][offline]") {
  // The single replay reads an OfflineTrace; replay(LoadedTrace) is the sweep's path, with the
  // backward pass over whole Requests. Everything a report counts must agree, in count and
  // byte mode, with a warm-up and with timelines cut by requests and by time.
  test::TempFolder folder;
  const std::string path = folder.file("mixed.csv");
  test::write_text(path, mixed_trace());
  const LoadedTrace whole = load_whole(path);
  std::vector<ReplayConfig> configs;
  for (const std::size_t capacity : {1U, 7U, 40U}) {
    configs.push_back({.policy = BackendKind::belady,
                       .engine = ReplayEngine::fast,
                       .core = {.capacity = capacity}});
  }
  configs.push_back({.policy = BackendKind::belady,
                     .engine = ReplayEngine::fast,
                     .core = {.max_weight = 60}});
  configs.push_back({.policy = BackendKind::belady,
                     .engine = ReplayEngine::fast,
                     .core = {.capacity = 20},
                     .warmup = 500,
                     .timeline = {.requests = 400}});
  configs.push_back({.policy = BackendKind::belady,
                     .engine = ReplayEngine::fast,
                     .core = {.max_weight = 90},
                     .timeline = {.time = std::chrono::seconds(250)}});
  for (const ReplayConfig& config : configs) {
    INFO("capacity " << config.core.capacity << ", max weight " << config.core.max_weight
                     << ", timeline " << config.timeline.enabled());
    TraceReader reader(path);
    const ReplayResult streamed = replay(reader, config);
    const ReplayResult loaded = replay(whole, config);
    CHECK(streamed.requests == loaded.requests);
    CHECK(streamed.gets == loaded.gets);
    CHECK(streamed.hits == loaded.hits);
    CHECK(streamed.misses == loaded.misses);
    CHECK(streamed.sets == loaded.sets);
    CHECK(streamed.erases == loaded.erases);
    CHECK(streamed.get_bytes == loaded.get_bytes);
    CHECK(streamed.hit_bytes == loaded.hit_bytes);
    CHECK(streamed.evictions.capacity == loaded.evictions.capacity);
    CHECK(streamed.final_size == loaded.final_size);
    CHECK(streamed.memory.current_bytes == loaded.memory.current_bytes);
    CHECK(streamed.hits > 0);
    REQUIRE(streamed.timeline.has_value() == config.timeline.enabled());
    if (streamed.timeline) {
      REQUIRE(streamed.timeline->rows.size() == loaded.timeline->rows.size());
      for (std::size_t i = 0; i < streamed.timeline->rows.size(); ++i) {
        const TimelineRow& a = streamed.timeline->rows[i];
        const TimelineRow& b = loaded.timeline->rows[i];
        CHECK(a.start_request == b.start_request);
        CHECK(a.end_request == b.end_request);
        CHECK(a.start_time == b.start_time);
        CHECK(a.end_time == b.end_time);
        CHECK(a.hits == b.hits);
        CHECK(a.evictions == b.evictions);
      }
    }
  }
}

TEST_CASE("an offline trace keeps sizes and operations only once a request has them",
          "[sim][belady][offline]") {
  // 5000 gets of size 0 (more than one read batch), then sets with sizes: the columns start
  // past the first batch and must give back the zero sizes and gets before them.
  std::string text = "key,size,op\n";
  for (int i = 0; i < 6000; ++i) {
    const bool late = i >= 5000;
    text += "k" + std::to_string(i % 300) + "," + (late ? std::to_string(i % 9 + 1) : "0") + "," +
            (late && i % 2 == 0 ? "set" : "get") + "\n";
  }
  test::TempFolder folder;
  const std::string path = folder.file("late.csv");
  test::write_text(path, text);
  const std::vector<Request> all = test::read_all(path);
  const OfflineTrace late = load_offline(path, false);
  std::vector<Request> back(all.size());
  late.fill(0, back);
  CHECK(test::same_requests(back, all));
  // Without them: keys and next accesses only.
  test::write_text(path, "key\n" + std::string("a\nb\na\n"));
  const OfflineTrace bare = load_offline(path, false);
  test::write_text(path, "key,size\n" + std::string("a,1\nb,1\na,1\n"));
  const OfflineTrace sized = load_offline(path, false);
  CHECK(bare.sizes().empty());
  CHECK(bare.ops().empty());
  CHECK(sized.sizes().size() == 3);
  CHECK(sized.ops().empty());
  CHECK(sized.memory_bytes() > bare.memory_bytes());
  std::vector<Request> three(3);
  bare.fill(0, three);
  CHECK(three[2].op == Op::get);
  CHECK(three[2].size == 0);
  CHECK(std::vector<std::uint32_t>(bare.next_access().begin(), bare.next_access().end()) ==
        std::vector<std::uint32_t>{2, OfflineTrace::kNever, OfflineTrace::kNever});
}
