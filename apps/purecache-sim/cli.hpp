#pragma once
/// purecache-sim's command line: parsing into configs, and the in-process entry point.

#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace purecache::sim {

/// Exit codes, also listed by --help and in README.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternalError = 1;  // a bug, or out of a resource (output, memory)
inline constexpr int kExitBadInput = 2;       // bad usage, configuration or trace
inline constexpr int kExitRegression = 1;     // compare: a run got worse beyond a threshold
inline constexpr int kExitSignalBase = 128;   // + N when stopped by signal N: 130, 143

/// A replay as the command line asked for it, before validation against the trace.
struct SimConfig {
  std::string policy = "lru";
  std::string engine = "library";  // library | fast
  std::string key_type = "auto";   // auto | u64 | string (library engine)
  std::string trace;
  std::string format = "auto";
  std::string capacity = "10%";       // entries, or a percentage of the trace's distinct keys
  std::optional<std::string> capacity_bytes;  // bytes (units K..GiB), or a percentage of the
                                              // distinct objects' bytes; set: byte mode
  std::vector<std::string> policy_params;     // "POLICY:name=value,..." per policy with knobs
  std::optional<double> ttl_seconds;  // default TTL for requests without their own
  std::string csv_columns;            // "key=lbn,timestamp=time"
  std::uint64_t warmup = 0;
  std::string output;  // empty: stdout
  bool jsonl = false;  // one line; appended to --output
  bool no_progress = false;
  bool no_fill = false;           // no demand fill after a missed get
  double rate = 1000;             // synthetic requests per second for traces without time
  std::string on_error = "fail";  // fail | skip
  std::optional<std::uint32_t> lock_sample;  // time one lock hold in this many; unset: by size
  std::optional<std::string> timeline_window;  // "N" requests or "Ns" seconds; unset: no timeline
  std::uint32_t repeat = 1;  // runs of each replay: counts checked equal, speed the median
  // Library engine concurrency (docs/replay-semantics.md, "Threads and clients").
  std::uint32_t threads = 0;               // 0: the single-threaded replay; >= 1: a thread pool
  std::uint32_t clients = 1;               // closed-loop client coroutines, >= 1
  std::string partition = "round_robin";   // round_robin | key
  std::uint64_t shards = 1;                // >= 1: a ShardedBackend of this many locks
  std::string hand_off = "inline";         // inline | scheduled
};

/// `purecache-sim sweep ...`: every policy x capacity; `replay` holds the shared trace and
/// replay options (its policy, engine, key type, capacity and lock sampling are not used).
struct SweepConfig {
  SimConfig replay;
  std::string policies = "lru,lfu";
  std::string capacities = "0.1%,1%,5%,10%";
  std::string capacity_bytes;  // byte capacities, comma-separated; set: byte mode
  std::optional<unsigned> jobs;  // unset: every core
  std::string shard;             // "I/N"; empty: the whole list
  std::string memory_limit;      // empty: half of physical memory
  std::optional<double> sample_rate;
};

/// `purecache-sim plan ...`: the smallest capacity per policy reaching a hit ratio.
struct PlanConfig {
  SimConfig replay;  // trace and replay options, as for sweep
  std::optional<double> target_hit_ratio;
  std::string policies = "lru,lfu";
  std::uint64_t value_bytes = 0;   // bytes of each cached value, added to the memory estimate
  bool bytes = false;              // find a byte capacity (sum of object sizes), not entries
  std::string key_type = "auto";   // auto | u64 | string: the keys the memory is measured with
  std::optional<unsigned> jobs;
  std::string memory_limit;
};

/// `purecache-sim merge ...`: shards of one sweep into one JSONL.
struct MergeConfig {
  std::vector<std::string> inputs;
  std::string output;  // empty: stdout
};

/// `purecache-sim compare BASE NEW ...`: two sets of reports, run by run (docs/compare.md).
struct CompareConfig {
  std::string base;  // a report, a JSONL of reports, or a directory of them
  std::string next;  // the same, to compare with base
  std::string max_hit_ratio_drop = "0.001";        // absolute, in ratio units; "off"
  std::string max_bytes_per_entry_increase = "5%";  // P% or bytes; "off"
  std::string max_throughput_drop = "off";          // P% or requests per second
  std::string max_p99_lock_hold_increase = "off";   // P% or nanoseconds
  std::string format = "table";                     // table | json | markdown
  std::string output;                               // empty: stdout (json, markdown)
  bool exact = false;          // any change in counts or memory fails, either way
  std::string match;           // identity fields that pair runs, comma-separated; empty: all
};

/// `purecache-sim gen ...`.
struct GenConfig {
  std::string kind;
  std::uint64_t keys = 0;
  std::uint64_t requests = 0;
  double alpha = 0.99;
  std::uint64_t seed = 0;
  std::string format = "text";
  std::string output;
};

/// `purecache-sim mrc ...`: an LRU miss-ratio curve (docs/mrc.md).
struct MrcCommandConfig {
  std::string trace;
  std::string policy = "lru";         // only lru: the curve is LRU's
  std::string capacities;             // "1%,10%,1000"; empty: --points
  std::string capacity_bytes;         // "64MiB,10%"; non-empty: a byte curve at these capacities
  bool bytes = false;                 // a byte curve at --points capacities
  std::uint32_t points = 100;         // log-spaced capacities from 1 to the distinct keys
  std::optional<double> sample_rate;  // SHARDS; unset: exact
  std::uint64_t warmup = 0;
  std::string format = "auto";
  std::string csv_columns;
  std::string on_error = "fail";
  std::string output;    // empty: stdout
  bool no_fill = false;  // refused: no one-pass curve without demand fill
  bool no_progress = false;
};

/// `purecache-sim contention ...`: one library replay per hand-off x clients x shards x threads
/// (docs/concurrency.md#the-contention-study). `replay` holds the trace, policy, capacity,
/// partition and replay options; its threads, clients, shards and hand-off are not used.
struct ContentionConfig {
  SimConfig replay;
  std::string threads = "1,2,4,8";            // comma-separated, each >= 1
  std::string clients = "8";                  // comma-separated, each >= 1
  std::string shards = "1,2,4,16";            // comma-separated, each >= 1
  std::string hand_offs = "inline,scheduled";  // comma-separated
};

/// Where run_cli writes, and whether each stream is a terminal (pretty JSON, progress bar).
struct CliStreams {
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;
  bool err_is_terminal = false;
  /// Non-zero once a stop was asked for (a SIGINT or SIGTERM handler stores its number): the
  /// replay stops at its next batch and reports what it did. May be null.
  const std::atomic<int>* stop_signal = nullptr;
  /// Called after each batch of requests a contention cell reads, on the calling thread: a test
  /// raises the stop flag from it to stop a grid at a known batch, as a signal would. May be
  /// empty.
  std::function<void()> on_contention_batch{};
};

/// Runs purecache-sim with `args` (program name excluded). Writes the report or help to
/// streams.out and diagnostics to streams.err; returns an exit code above, kExitSignalBase plus
/// the signal when stopped by streams.stop_signal. Never throws.
[[nodiscard]] int run_cli(const std::vector<std::string>& args, const CliStreams& streams);

/// Convenience for tests: neither stream is a terminal.
[[nodiscard]] int run_cli(const std::vector<std::string>& args, std::ostream& out,
                          std::ostream& err);

}  // namespace purecache::sim
