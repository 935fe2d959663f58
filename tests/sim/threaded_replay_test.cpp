// The library engine on threads: clients, partitions, shards and both hand-off modes
// (docs/replay-semantics.md, "Threads and clients").

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "purecache/async/async_mutex.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/concurrency_config.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "support/json_schema.hpp"
#include "support/mixed_trace.hpp"
#include "support/sim_run.hpp"
#include "support/temp_files.hpp"

namespace {

using purecache::BackendKind;
using purecache::HandOff;
using purecache::sim::ClientPartition;
using purecache::sim::ConcurrencyConfig;
using purecache::sim::ReplayConfig;
using purecache::sim::ReplayKeyType;
using purecache::sim::ReplayOrder;
using purecache::sim::ReplayResult;
using purecache::sim::TraceReader;
using purecache::test::check_rejected;
using purecache::test::report;

const std::string kSource = PURECACHE_SOURCE_DIR;

/// The first `lines` requests of the shipped zipf trace, in `folder`: long enough for evictions
/// and hits, short enough for a debug build.
std::string zipf_prefix(const purecache::test::TempFolder& folder, int lines = 3000) {
  std::ifstream in(kSource + "/traces/zipf.txt");
  std::ostringstream out;
  std::string line;
  for (int i = 0; i < lines && std::getline(in, line); ++i)
    out << line << '\n';
  const std::string path = folder.file("zipf-prefix.txt");
  purecache::test::write_text(path, out.str());
  return path;
}

ReplayResult replay_file(const std::string& path, ReplayConfig config) {
  TraceReader reader(path);
  return purecache::sim::replay(reader, config);
}

ReplayConfig config_of(BackendKind policy, std::size_t capacity, ConcurrencyConfig concurrency) {
  ReplayConfig config{.policy = policy, .lock_sample_every = 1, .concurrency = concurrency};
  config.core.capacity = capacity;
  return config;
}

/// The first `requests` requests of the mixed trace of gets, sets and deletes, in `folder`.
std::string mixed_prefix(const purecache::test::TempFolder& folder, bool names, int requests) {
  const std::string text = purecache::test::mixed_trace(names);
  std::size_t end = 0;  // past the header and `requests` rows (the trace has 20000)
  for (int line = 0; line <= requests; ++line)
    end = text.find('\n', end) + 1;
  const std::string path = folder.file(names ? "mixed-names.csv" : "mixed.csv");
  purecache::test::write_text(path, text.substr(0, end));
  return path;
}

/// The counts a replay in trace order must reproduce exactly.
auto counts(const ReplayResult& r) {
  return std::vector<std::uint64_t>{
      r.requests,  r.gets,  r.hits,      r.misses,    r.sets,
      r.erases,    r.fills, r.get_bytes, r.hit_bytes, r.evictions.capacity,
      r.final_size};
}

/// What any interleaving must keep: every request issued once, every get a hit or a miss.
void check_adds_up(const ReplayResult& r, const ReplayResult& single, std::size_t capacity) {
  CHECK(r.requests == single.requests);
  CHECK(r.gets == single.gets);
  CHECK(r.sets == single.sets);
  CHECK(r.erases == single.erases);
  CHECK(r.get_bytes == single.get_bytes);
  CHECK(r.hits + r.misses == r.gets);
  CHECK(r.fills == r.misses);
  CHECK(r.final_size <= capacity);
  CHECK(r.complete);
  std::uint64_t completed = 0;
  for (const std::uint64_t n : r.thread_requests)
    completed += n;
  CHECK(completed == r.requests);
  REQUIRE(r.lock_wait);
  CHECK(r.lock_wait->count > 0);
  CHECK(r.contended_share >= 0);
  CHECK(r.contended_share <= 1);
  REQUIRE(r.lock_hold);
  CHECK(r.lock_hold->count > 0);
}

}  // namespace

TEST_CASE("one thread and one client count exactly as the single-threaded replay",
          "[sim][concurrency]") {
  const purecache::test::TempFolder folder;
  const std::string trace = zipf_prefix(folder);
  for (const BackendKind policy : {BackendKind::lru, BackendKind::s3fifo, BackendKind::arc}) {
    INFO(purecache::to_string(policy));
    const ReplayResult single = replay_file(trace, config_of(policy, 300, {}));
    const ReplayResult threaded = replay_file(trace, config_of(policy, 300, {.threads = 1}));
    CHECK(counts(threaded) == counts(single));
    CHECK(threaded.order == ReplayOrder::trace);
    CHECK(threaded.thread_requests == std::vector<std::uint64_t>{single.requests});
    CHECK(threaded.memory.current_bytes == single.memory.current_bytes);
  }
  // Sets and deletes too, and string keys.
  const std::string mixed = mixed_prefix(folder, true, 2000);
  ReplayConfig strings = config_of(BackendKind::lfu, 200, {});
  strings.key_type = ReplayKeyType::string;
  const ReplayResult single = replay_file(mixed, strings);
  strings.concurrency.threads = 1;
  CHECK(counts(replay_file(mixed, strings)) == counts(single));
}

TEST_CASE("eight clients on two threads issue every request once and count every get once",
          "[sim][concurrency]") {
  const purecache::test::TempFolder folder;
  const std::string mixed = mixed_prefix(folder, false, 2500);
  const ReplayResult single = replay_file(mixed, config_of(BackendKind::lru, 200, {}));
  struct Case {
    ClientPartition partition;
    HandOff hand_off;
    std::size_t shards;
  };
  // Each partition, hand-off and shard count, in four runs.
  for (const Case c : {Case{ClientPartition::round_robin, HandOff::inline_resume, 1},
                       Case{ClientPartition::round_robin, HandOff::scheduled, 4},
                       Case{ClientPartition::key, HandOff::inline_resume, 4},
                       Case{ClientPartition::key, HandOff::scheduled, 1}}) {
    INFO(purecache::sim::to_string(c.partition)
         << " " << purecache::sim::to_string(c.hand_off) << " shards " << c.shards);
    const ConcurrencyConfig concurrency{.threads = 2,
                                        .clients = 8,
                                        .partition = c.partition,
                                        .shards = c.shards,
                                        .hand_off = c.hand_off};
    const ReplayResult r = replay_file(mixed, config_of(BackendKind::lru, 200, concurrency));
    check_adds_up(r, single, 200);
    CHECK(r.order == ReplayOrder::interleaved);
    CHECK(r.thread_requests.size() == 2);
    CHECK(r.concurrency.shards == c.shards);
  }
}

TEST_CASE("a single-threaded sharded replay splits the capacity between its shards",
          "[sim][concurrency]") {
  const purecache::test::TempFolder folder;
  const std::string trace = zipf_prefix(folder);
  const ReplayResult whole = replay_file(trace, config_of(BackendKind::lru, 300, {}));
  const ReplayResult sharded = replay_file(trace, config_of(BackendKind::lru, 300, {.shards = 4}));
  CHECK(sharded.requests == whole.requests);
  CHECK(sharded.hits + sharded.misses == sharded.gets);
  // Each shard holds at most 75 entries and fills up on this trace: 4 x 75 in all.
  CHECK(sharded.final_size == 300);
  CHECK(sharded.order == ReplayOrder::trace);
  CHECK(sharded.contended_share == 0);  // one thread never finds a lock held
  // Shards evict on their own: the same trace gives (slightly) different counts.
  CHECK(sharded.hits != whole.hits);
  // And one shard is the unsharded backend.
  CHECK(counts(replay_file(trace, config_of(BackendKind::lru, 300, {.shards = 1}))) ==
        counts(whole));
}

TEST_CASE("threaded replays refuse what they cannot count soundly", "[sim][concurrency]") {
  const purecache::test::TempFolder folder;
  const std::string trace = zipf_prefix(folder, 100);
  const auto refused = [&](ReplayConfig config, const std::string& message) {
    TraceReader reader(trace);
    CHECK_THROWS_MATCHES(purecache::sim::replay(reader, config), purecache::ConfigError,
                         Catch::Message(message));
  };
  refused(config_of(BackendKind::lru, 10, {.clients = 0}), "clients must be at least 1, got 0");
  refused(config_of(BackendKind::lru, 10, {.shards = 0}), "shards must be at least 1, got 0");
  refused(config_of(BackendKind::lru, 10, {.threads = 1025}),
          "threads must be at most 1024, got 1025");
  refused(config_of(BackendKind::lru, 10, {.clients = 2}),
          "clients 2 need threads >= 1: several clients run on a thread pool");
  ReplayConfig expiring = config_of(BackendKind::lru_ttl, 10, {.threads = 2});
  expiring.core.ttl = purecache::Duration{1'000'000'000};
  refused(expiring,
          "policy 'lru-ttl' reads the clock, which interleaved clients would move back and forth: "
          "replay expiring policies without threads");
  ReplayConfig warm = config_of(BackendKind::lru, 10, {.threads = 1});
  warm.warmup = 5;
  refused(warm,
          "warmup needs the single-threaded replay: interleaved clients have no one request at "
          "which it ends");
  ReplayConfig fast = config_of(BackendKind::lru, 10, {.shards = 2});
  fast.engine = purecache::sim::ReplayEngine::fast;
  refused(fast,
          "threads, clients, partition, shards and hand-off are for the library engine; the fast "
          "engine replays the bare core on one thread");
}

TEST_CASE("the report states the concurrency, the lock waits and each thread's throughput",
          "[sim][concurrency][report]") {
  const purecache::test::TempFolder folder;
  const std::string trace = zipf_prefix(folder, 4000);
  const auto r = report({"--trace", trace, "--capacity", "100", "--threads", "2", "--clients", "4",
                         "--partition", "key", "--shards", "4", "--hand-off", "scheduled",
                         "--lock-sample", "1"});
  CHECK(r["concurrency"] == nlohmann::json{{"threads", 2},
                                           {"clients", 4},
                                           {"partition", "key"},
                                           {"shards", 4},
                                           {"hand_off", "scheduled"},
                                           {"order", "interleaved"}});
  CHECK(r["hits"].get<std::uint64_t>() + r["misses"].get<std::uint64_t>() == r["gets"]);
  CHECK(r["lock_wait_ns"]["count"].get<std::uint64_t>() > 0);
  CHECK(r["lock_wait_ns"]["contended_share"].get<double>() >= 0);
  CHECK(r["lock_wait_ns"]["contended_share"].get<double>() <= 1);
  CHECK(r["throughput"]["per_thread"].size() == 2);
  std::ifstream file(kSource + "/docs/report-schema.json");
  CHECK(purecache::test::schema_violation(r, nlohmann::json::parse(file)) == "");

  const auto single = report({"--trace", trace, "--capacity", "100"});
  CHECK(single["concurrency"] == nlohmann::json{{"threads", 0},
                                                {"clients", 1},
                                                {"partition", "round_robin"},
                                                {"shards", 1},
                                                {"hand_off", "inline"},
                                                {"order", "trace"}});
  CHECK(single["lock_wait_ns"].is_null());  // one coroutine: no wait to time
  CHECK(single["throughput"]["per_thread"].size() == 1);
}

TEST_CASE("concurrency options are checked before the trace is read", "[sim][concurrency]") {
  const std::string trace = kSource + "/tests/data/trace/tiny.txt";
  check_rejected({"--trace", trace, "--threads", "2", "--clients", "0"},
                 "clients must be >= 1, got '0'");
  check_rejected({"--trace", trace, "--shards", "0"}, "shards must be >= 1, got '0'");
  check_rejected({"--trace", trace, "--threads", "2000"}, "threads must be at most 1024, got 2000");
  check_rejected({"--trace", trace, "--clients", "3"},
                 "clients 3 need threads >= 1: several clients run on a thread pool");
  check_rejected({"--trace", trace, "--partition", "random"},
                 "partition must be round_robin or key, got 'random'");
  check_rejected({"--trace", trace, "--hand-off", "eventually"},
                 "hand-off must be inline or scheduled, got 'eventually'");
  check_rejected({"--trace", trace, "--engine", "fast", "--threads", "2"},
                 "--threads, --clients, --partition, --shards and --hand-off are for the library "
                 "engine; --engine fast replays the bare core on one thread");
  check_rejected({"--trace", trace, "--threads", "2", "--warmup", "3"},
                 "warmup needs the single-threaded replay: interleaved clients have no one "
                 "request at which it ends");
  const purecache::test::Run sweep =
      purecache::test::sim({"sweep", "--trace", trace, "--threads", "2"});
  CHECK(sweep.code != 0);
  CHECK(sweep.err.find("--threads") != std::string::npos);
}
