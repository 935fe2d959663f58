#pragma once
/// Deterministic synthetic traces (zipf, uniform, scan, loop, mix) in the formats the readers take.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

namespace purecache::sim {

/// Which key sequence to generate. Enumerators are the CLI words.
enum class GeneratorKind {
  zipf,     // rank r in 1..keys with probability ∝ 1/r^alpha; ranks shuffled over ids by seed
  uniform,  // every key in [0, keys) equally likely
  scan,     // request i asks for key i: a stream of fresh keys, none ever repeated
  loop,     // request i asks for key i % keys: 0..keys-1 cyclically
  mix,      // each request: 10% the next fresh key keys, keys+1, ...; 90% a zipf draw
};

/// How generate_trace() encodes the keys. Enumerators are the CLI words.
enum class GeneratorOutput {
  text,            // one decimal key per line, every line ends in '\n'
  csv,             // header "timestamp,key,size,op", then "T,KEY,SIZE,get" rows
  oracle_general,  // libCacheSim 24-byte little-endian records <IQIq>, no header
};

/// What to generate. Configs are aggregates: `{.kind = GeneratorKind::zipf, .keys = 1000, ...}`.
struct GeneratorConfig {
  GeneratorKind kind = GeneratorKind::zipf;
  std::uint64_t keys = 0;      // distinct keys (zipf, uniform, loop, zipf part of mix): 1..2^32
  std::uint64_t requests = 0;  // trace length, >= 1
  double alpha = 0.99;         // zipf skew, finite and >= 0 (0 = uniform ranks)
  std::uint64_t seed = 0;      // same seed, same config -> same bytes on every platform
};

/// Share of mix requests that are fresh scan keys, in percent.
inline constexpr unsigned kMixScanPercent = 10;
/// Synthetic time: request i (from 0) happens at i milliseconds, so at second i / 1000.
inline constexpr std::uint64_t kRequestsPerSecond = 1000;

/// The CLI word of a kind ("zipf", ...).
[[nodiscard]] std::string_view to_string(GeneratorKind kind) noexcept;
/// The CLI word of an output ("text", "csv", "oracle-general").
[[nodiscard]] std::string_view to_string(GeneratorOutput output) noexcept;
/// Parses a CLI word; throws ConfigError "kind must be one of zipf, uniform, scan, loop, mix, got
/// 'x'".
[[nodiscard]] GeneratorKind parse_generator_kind(std::string_view word);
/// Parses a CLI word; throws ConfigError "format must be one of text, csv, oracle-general, got
/// 'x'".
[[nodiscard]] GeneratorOutput parse_generator_output(std::string_view word);

/// Throws ConfigError naming the first bad parameter: "keys must be >= 1, got 0",
/// "keys must be <= 4294967296, got N" (ids are interned to 32 bits), "requests must be >= 1,
/// got 0", "alpha must be >= 0, got -0.5", "alpha must be finite, got inf".
void validate(const GeneratorConfig& config);

/// Object size in bytes the csv and oracle_general outputs give `key`: a pure function of the
/// key id, 1 KiB times 1 + (splitmix64(key) mod 64), so 1..64 KiB, uniform over ids.
[[nodiscard]] std::uint32_t synthetic_object_size(std::uint64_t key) noexcept;

namespace detail {
/// xoshiro256** seeded through splitmix64: our own generator so sequences do not depend on the
/// standard library. Period 2^256 - 1.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) noexcept;
  /// Next 64 uniform bits.
  std::uint64_t operator()() noexcept;
  /// Uniform integer in [0, bound), bound >= 1, without modulo bias (Lemire's multiply-shift).
  std::uint64_t below(std::uint64_t bound) noexcept;

 private:
  std::array<std::uint64_t, 4> s_;  // never all zero (splitmix64 seeding cannot produce that)
};

/// Draws zipf ranks with an alias table (Walker/Vose) built in exact integers, each column
/// already holding the key ids its rank and alias map to, so a draw reads one 16-byte entry.
/// Column choices are drawn kLookahead draws early and prefetched: with 1M keys the table is
/// 16 MiB and each read would otherwise be a full memory-latency miss. 16 bytes per key (about
/// 36 during construction). Owns its random stream, so its sequence is independent of callers.
class ZipfSampler {
 public:
  /// Draws in flight between choosing a column and reading it.
  static constexpr std::size_t kLookahead = 16;

  ZipfSampler(std::uint64_t keys, double alpha, std::uint64_t seed);
  /// Next key id in [0, keys). O(1): two random draws and one (prefetched) table read.
  std::uint64_t operator()() noexcept {
    const Column& column = columns_[pending_[next_]];
    pending_[next_] = choose_column();
    next_ = (next_ + 1) % kLookahead;
    // A mask, not a branch: the choice is a coin flip on a loaded value, and a mispredict
    // would also discard the loads already in flight.
    const std::uint32_t own = 0U - static_cast<std::uint32_t>((rng_() >> 11) < column.keep);
    return (column.key & own) | (column.alias & ~own);
  }

 private:
  struct Column {
    std::uint64_t keep;   // P(own key | this column) * 2^53; 2^53 = always own key
    std::uint32_t key;    // key id of this column's rank (ranks are shuffled over ids)
    std::uint32_t alias;  // key id of the rank that tops this column up
  };

  std::size_t choose_column() noexcept {
    const auto index = static_cast<std::size_t>(rng_.below(columns_.size()));
    __builtin_prefetch(&columns_[index]);
    return index;
  }

  std::vector<Column> columns_;                    // one per rank, keys entries
  Xoshiro256 rng_;                                 // column choices and coin flips
  std::array<std::size_t, kLookahead> pending_{};  // chosen columns, oldest at next_
  std::size_t next_ = 0;                           // < kLookahead
};
}  // namespace detail

/// The key sequence of a config, one key per call. Validates and precomputes in the constructor
/// (zipf and mix: O(keys) time and 16 bytes per key; others: nothing).
class TraceGenerator {
 public:
  /// Throws ConfigError as validate() does.
  explicit TraceGenerator(const GeneratorConfig& config);

  /// Key of the next request. The stream is unbounded; a trace is its first config.requests keys.
  [[nodiscard]] std::uint64_t next_key() noexcept;

 private:
  GeneratorConfig config_;
  detail::Xoshiro256 rng_;                   // uniform keys and mix coin flips
  std::optional<detail::ZipfSampler> zipf_;  // engaged for zipf and mix only
  std::uint64_t position_ = 0;               // requests generated so far
  std::uint64_t fresh_ = 0;                  // mix: scan keys handed out so far
};

/// Peak bytes of memory generating `config` as `output` takes: 36 per key for zipf and mix
/// while the alias table is built; for oracle_general also 8 per request, plus 8 per key, or
/// about 48 per distinct key drawn when keys far outnumber requests.
[[nodiscard]] std::uint64_t generator_memory_bytes(const GeneratorConfig& config,
                                                   GeneratorOutput output) noexcept;

/// The fewest bytes the trace can take: 2 per request in text ("0\n"), 13 in csv, 24 in
/// oracle_general.
[[nodiscard]] std::uint64_t minimum_trace_bytes(const GeneratorConfig& config,
                                                GeneratorOutput output) noexcept;

/// Throws ConfigError when generating needs more memory than `memory_available` ("generating
/// this trace needs about 144.0 GiB of memory, but 21.6 GiB is available") or the trace cannot
/// fit in `disk_available` bytes ("the trace needs at least 1.8 PiB of disk, but 70.0 GiB is free
/// there").
void check_generator_resources(const GeneratorConfig& config, GeneratorOutput output,
                               std::uint64_t memory_available, std::uint64_t disk_available);

/// Memory this process can still get without swapping: MemAvailable, within its rlimits and its
/// cgroup's limit. What generate_trace() checks generator_memory_bytes() against.
[[nodiscard]] std::uint64_t available_memory_bytes();

/// Writes config.requests requests to `out` in `output` format. Throws ConfigError for a bad
/// config or one that does not fit in memory (check_generator_resources). The stream's error
/// state is left for the caller to check. oracle_general keeps the key sequence in memory (8
/// bytes per request) to compute next_access_vtime and generates the keys twice. Release, 10M
/// zipf requests over 1M keys: ~0.3 s (text), ~0.6 s (csv), ~0.9 s (oracle_general) of CPU.
void generate_trace(const GeneratorConfig& config, GeneratorOutput output, std::ostream& out);

/// As above, into a file, replaced only once the whole trace is written (AtomicFile): on any
/// failure or stop the file keeps its old content, or stays absent. Also throws ConfigError when
/// the trace cannot fit on the file's disk, and OutputError "PATH: cannot write the trace:
/// REASON". Returns false, having written nothing, when `stop_signal` became non-zero (checked
/// every 64 KiB of output).
bool generate_trace(const GeneratorConfig& config, GeneratorOutput output,
                    const std::filesystem::path& path,
                    const std::atomic<int>* stop_signal = nullptr);

}  // namespace purecache::sim
