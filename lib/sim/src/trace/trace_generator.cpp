#include "purecache/sim/trace/trace_generator.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>

#include "purecache/error.hpp"
#include "purecache/sim/detail/splitmix64.hpp"
#include "purecache/sim/output/atomic_file.hpp"

namespace purecache::sim {

namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr std::uint64_t kMaxKeys = std::uint64_t{1} << 32;  // KeyId is 32 bits
constexpr unsigned kCdfBits = 53;  // resolution of zipf weights and draws (ZipfSampler's >> 11)
constexpr std::uint64_t kCdfOne = std::uint64_t{1} << kCdfBits;
// rng() below this picks a fresh scan key in a mix: kMixScanPercent% of 2^64.
constexpr auto kMixScanThreshold =
    static_cast<std::uint64_t>((Uint128{1} << 64) * kMixScanPercent / 100);
constexpr std::uint32_t kSizeUnit = 1024;
constexpr std::uint64_t kSizeClasses = 64;
constexpr std::size_t kFlushAt = std::size_t{1} << 16;

using detail::splitmix64_mix;

constexpr std::uint64_t splitmix64_next(std::uint64_t& state) noexcept {
  state += detail::kSplitMix64Increment;
  return splitmix64_mix(state);
}

std::string format_number(std::uint64_t value) { return std::to_string(value); }

std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// Peak bytes per key of ZipfSampler's construction (header: about 36).
constexpr std::uint64_t kZipfBytesPerKey = 36;
// Per distinct key of keys_to_next_access's hash map: a 32-byte node and a bucket or two.
constexpr std::uint64_t kHashedKeyBytes = 48;
constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) noexcept {
  const Uint128 product = Uint128{a} * b;
  return product > kSaturated ? kSaturated : static_cast<std::uint64_t>(product);
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return a > kSaturated - b ? kSaturated : a + b;
}

// "144.0 GiB": enough to see by how much a request misses.
std::string format_bytes(std::uint64_t bytes) {
  constexpr std::array<const char*, 7> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

std::uint64_t limit_of(int resource) noexcept {
  rlimit limit{};
  if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kSaturated;
  return limit.rlim_cur;
}

// A number from a one-number file such as cgroup v2's memory.max; nullopt for "max" or absence.
std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

// Memory the kernel can give without swapping: MemAvailable, within the process's limits and
// its cgroup's (a container's MemAvailable is the host's).
std::uint64_t available_memory() {
  std::uint64_t available = kSaturated;
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  std::uint64_t kib = 0;
  std::string unit;
  bool found = false;
  while (meminfo >> name >> kib >> unit) {
    if (name == "MemAvailable:") {
      available = saturating_multiply(kib, 1024);
      found = true;
      break;
    }
  }
  if (!found) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_size > 0) {
      available = saturating_multiply(static_cast<std::uint64_t>(pages),
                                      static_cast<std::uint64_t>(page_size));
    }
  }
  const auto cgroup_max = read_number("/sys/fs/cgroup/memory.max");
  const auto cgroup_current = read_number("/sys/fs/cgroup/memory.current");
  if (cgroup_max && cgroup_current) {
    available =
        std::min(available, *cgroup_max > *cgroup_current ? *cgroup_max - *cgroup_current : 0);
  }
  return std::min({available, limit_of(RLIMIT_AS), limit_of(RLIMIT_DATA)});
}

std::uint64_t available_disk(const std::filesystem::path& target) {
  const std::filesystem::path parent = target.parent_path();
  struct statvfs fs {};
  if (::statvfs(parent.empty() ? "." : parent.c_str(), &fs) != 0) return kSaturated;
  return saturating_multiply(fs.f_bavail, fs.f_frsize);
}

bool stop_requested(const std::atomic<int>* stop_signal) noexcept {
  return stop_signal != nullptr && stop_signal->load(std::memory_order_relaxed) != 0;
}

// Collects output in a string and hands it to the sink in large writes: a stream's
// per-insertion overhead would otherwise dominate a 10M-line trace.
class ChunkWriter {
 public:
  using Sink = std::function<void(std::string_view)>;

  ChunkWriter(Sink sink, const std::atomic<int>* stop_signal)
      : sink_(std::move(sink)), stop_signal_(stop_signal) {
    buffer_.reserve(kFlushAt + 128);
  }
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;
  ~ChunkWriter() =
      default;  // callers flush(): a destructor must not write to a stream that may throw

  void text(std::string_view s) { buffer_.append(s); }
  void number(std::uint64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    buffer_.append(digits, result.ptr);
  }
  void byte(char c) { buffer_.push_back(c); }
  // Little-endian regardless of the host, byte by byte.
  template <class Unsigned>
  void little_endian(Unsigned value) {
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
      buffer_.push_back(static_cast<char>(static_cast<unsigned char>(value >> (8 * i))));
    }
  }
  // False once a stop is asked for, which is checked only here, once per 64 KiB.
  [[nodiscard]] bool end_record() {
    if (buffer_.size() >= kFlushAt) {
      flush();
      return !stop_requested(stop_signal_);
    }
    return true;
  }
  void flush() {
    sink_(buffer_);
    buffer_.clear();
  }

 private:
  Sink sink_;
  const std::atomic<int>* stop_signal_;  // may be null
  std::string buffer_;                   // pending bytes, flushed past kFlushAt
};

constexpr std::uint32_t timestamp_of(std::uint64_t position) noexcept {
  return static_cast<std::uint32_t>(position / kRequestsPerSecond);
}

// Each writer returns false when stopped early, having written part of the trace.
bool write_text(const GeneratorConfig& config, ChunkWriter& writer) {
  TraceGenerator generator(config);
  for (std::uint64_t i = 0; i < config.requests; ++i) {
    writer.number(generator.next_key());
    writer.byte('\n');
    if (!writer.end_record()) return false;
  }
  writer.flush();
  return true;
}

bool write_csv(const GeneratorConfig& config, ChunkWriter& writer) {
  TraceGenerator generator(config);
  writer.text("timestamp,key,size,op\n");
  for (std::uint64_t i = 0; i < config.requests; ++i) {
    const std::uint64_t key = generator.next_key();
    writer.number(timestamp_of(i));
    writer.byte(',');
    writer.number(key);
    writer.byte(',');
    writer.number(synthetic_object_size(key));
    writer.text(",get\n");
    if (!writer.end_record()) return false;
  }
  writer.flush();
  return true;
}

// Replaces each key in `slots` with the 1-based position of the next request for that key, or
// -1 (stored as its two's complement bit pattern). Keys >= config.keys are fresh scan keys that
// never repeat, so only keys below config.keys need a table.
void keys_to_next_access(const GeneratorConfig& config, std::vector<std::uint64_t>& slots) {
  const std::uint64_t n = slots.size();
  constexpr auto kNever = static_cast<std::uint64_t>(std::int64_t{-1});
  // A flat table is fastest, but a uniform trace of a few requests over 2^32 keys must not
  // allocate 32 GiB: past a few table slots per request, a hash map holds the seen keys only.
  if (config.keys <= 4 * n + 1024) {
    std::vector<std::uint64_t> next_of_key(config.keys, kNever);
    for (std::uint64_t i = n; i-- > 0;) {
      const std::uint64_t key = slots[i];
      std::uint64_t next = kNever;
      if (key < config.keys) {
        next = next_of_key[key];
        next_of_key[key] = i + 1;
      }
      slots[i] = next;
    }
    return;
  }
  std::unordered_map<std::uint64_t, std::uint64_t> next_of_key;
  next_of_key.reserve(n);
  for (std::uint64_t i = n; i-- > 0;) {
    const std::uint64_t key = slots[i];
    std::uint64_t next = kNever;
    if (key < config.keys) {
      auto [it, inserted] = next_of_key.try_emplace(key, i + 1);
      if (!inserted) {
        next = it->second;
        it->second = i + 1;
      }
    }
    slots[i] = next;
  }
}

bool write_oracle_general(const GeneratorConfig& config, ChunkWriter& writer,
                          const std::atomic<int>* stop_signal) {
  // next_access_vtime looks into the future, so the keys are generated once to compute it
  // backwards, then regenerated (same seed, same keys) while writing: 8 bytes per request
  // instead of 16.
  std::vector<std::uint64_t> slots(config.requests);
  {
    TraceGenerator generator(config);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (i % kFlushAt == 0 && stop_requested(stop_signal)) return false;
      slots[i] = generator.next_key();
    }
  }
  keys_to_next_access(config, slots);

  TraceGenerator generator(config);
  for (std::uint64_t i = 0; i < config.requests; ++i) {
    const std::uint64_t key = generator.next_key();
    writer.little_endian(timestamp_of(i));
    writer.little_endian(key);
    writer.little_endian(synthetic_object_size(key));
    writer.little_endian(slots[i]);
    if (!writer.end_record()) return false;
  }
  writer.flush();
  return true;
}

bool write_trace(const GeneratorConfig& config, GeneratorOutput output, ChunkWriter& writer,
                 const std::atomic<int>* stop_signal) {
  switch (output) {
    case GeneratorOutput::text:
      return write_text(config, writer);
    case GeneratorOutput::csv:
      return write_csv(config, writer);
    case GeneratorOutput::oracle_general:
      return write_oracle_general(config, writer, stop_signal);
  }
  return true;
}

}  // namespace

std::string_view to_string(GeneratorKind kind) noexcept {
  switch (kind) {
    case GeneratorKind::zipf:
      return "zipf";
    case GeneratorKind::uniform:
      return "uniform";
    case GeneratorKind::scan:
      return "scan";
    case GeneratorKind::loop:
      return "loop";
    case GeneratorKind::mix:
      return "mix";
  }
  return "?";
}

std::string_view to_string(GeneratorOutput output) noexcept {
  switch (output) {
    case GeneratorOutput::text:
      return "text";
    case GeneratorOutput::csv:
      return "csv";
    case GeneratorOutput::oracle_general:
      return "oracle-general";
  }
  return "?";
}

GeneratorKind parse_generator_kind(std::string_view word) {
  for (const auto kind : {GeneratorKind::zipf, GeneratorKind::uniform, GeneratorKind::scan,
                          GeneratorKind::loop, GeneratorKind::mix}) {
    if (word == to_string(kind)) {
      return kind;
    }
  }
  purecache::detail::throw_config_error("kind", purecache::detail::quoted(word),
                                        "must be one of zipf, uniform, scan, loop, mix");
}

GeneratorOutput parse_generator_output(std::string_view word) {
  for (const auto output :
       {GeneratorOutput::text, GeneratorOutput::csv, GeneratorOutput::oracle_general}) {
    if (word == to_string(output)) {
      return output;
    }
  }
  purecache::detail::throw_config_error("format", purecache::detail::quoted(word),
                                        "must be one of text, csv, oracle-general");
}

void validate(const GeneratorConfig& config) {
  if (config.keys < 1) {
    purecache::detail::throw_config_error("keys", format_number(config.keys), "must be >= 1");
  }
  if (config.keys > kMaxKeys) {
    purecache::detail::throw_config_error("keys", format_number(config.keys),
                                          "must be <= " + format_number(kMaxKeys));
  }
  if (config.requests < 1) {
    purecache::detail::throw_config_error("requests", format_number(config.requests),
                                          "must be >= 1");
  }
  if (!std::isfinite(config.alpha)) {
    purecache::detail::throw_config_error("alpha", format_number(config.alpha), "must be finite");
  }
  if (config.alpha < 0.0) {
    purecache::detail::throw_config_error("alpha", format_number(config.alpha), "must be >= 0");
  }
}

std::uint32_t synthetic_object_size(std::uint64_t key) noexcept {
  return kSizeUnit * static_cast<std::uint32_t>(1 + splitmix64_mix(key) % kSizeClasses);
}

namespace detail {

Xoshiro256::Xoshiro256(std::uint64_t seed) noexcept {
  std::uint64_t state = seed;
  for (auto& word : s_) {
    word = splitmix64_next(state);
  }
}

std::uint64_t Xoshiro256::operator()() noexcept {
  const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

std::uint64_t Xoshiro256::below(std::uint64_t bound) noexcept {
  // The high half of x * bound is uniform in [0, bound) once the few low halves that would
  // over-represent some results are rejected (Lemire 2019); integer-only, so portable.
  Uint128 product = Uint128{(*this)()} * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = Uint128{(*this)()} * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

ZipfSampler::ZipfSampler(std::uint64_t keys, double alpha, std::uint64_t seed)
    : rng_(splitmix64_mix(seed) ^ 0x2F6B9C3D8E1A4705ULL) {
  const std::size_t n = keys;

  // Integer weights summing to exactly 2^53: the rank's share of a 53-bit draw. This is the
  // only floating-point step; std::pow may differ in the last ulp between libms, which moves a
  // weight by one unit (a 2^-53 change in probability). Everything after is integer.
  std::vector<std::uint64_t> weight(n);
  {
    std::vector<double> power(n);
    double total = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
      power[r] = std::pow(static_cast<double>(r + 1), -alpha);
      total += power[r];
    }
    const double scale = static_cast<double>(kCdfOne) / total;
    double cumulative = 0.0;
    std::uint64_t previous = 0;
    for (std::size_t r = 0; r < n; ++r) {
      cumulative += power[r];
      const std::uint64_t bound =
          r + 1 == n ? kCdfOne : std::min(kCdfOne, static_cast<std::uint64_t>(cumulative * scale));
      weight[r] = bound - previous;
      previous = bound;
    }
  }

  // Without the shuffle rank 1 would be key 0, and any policy or hash that favours small ids
  // would look better than it is. Fisher-Yates with our own generator keeps it portable.
  std::vector<std::uint32_t> key_of_rank(n);
  for (std::size_t i = 0; i < n; ++i) {
    key_of_rank[i] = static_cast<std::uint32_t>(i);
  }
  Xoshiro256 shuffle_rng(splitmix64_mix(seed) ^ 0x5A17F1E5D0C4B3A2ULL);
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(shuffle_rng.below(i));
    std::swap(key_of_rank[i - 1], key_of_rank[j]);
  }

  // Vose's alias method in exact integers: column r holds capacity 2^53 and rank r's mass is
  // n * weight[r]; a column short of capacity is topped up from a rank with mass to spare.
  // Masses of "small" ranks are below 2^53 and are kept in weight[]; only the large rank being
  // drained needs 128 bits. Exactness guarantees the leftovers are exactly full columns.
  const Uint128 columns = n;
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t r = 0; r < n; ++r) {
    if (columns * weight[r] < kCdfOne) {
      weight[r] *= n;
      small.push_back(static_cast<std::uint32_t>(r));
    } else {
      large.push_back(static_cast<std::uint32_t>(r));
    }
  }
  columns_.resize(n);
  std::size_t draining = n;  // rank whose remaining mass is in draining_mass; n = none yet
  Uint128 draining_mass = 0;
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    if (l != draining) {
      draining = l;
      draining_mass = columns * weight[l];
    }
    columns_[s] = {weight[s], key_of_rank[s], key_of_rank[l]};
    draining_mass -= kCdfOne - weight[s];
    if (draining_mass < kCdfOne) {
      large.pop_back();
      weight[l] = static_cast<std::uint64_t>(draining_mass);
      small.push_back(l);
      draining = n;
    }
  }
  for (const auto* rest : {&small, &large}) {
    for (const std::uint32_t r : *rest) {
      columns_[r] = {kCdfOne, key_of_rank[r], key_of_rank[r]};
    }
  }
  for (auto& column : pending_) {
    column = choose_column();
  }
}

}  // namespace detail

TraceGenerator::TraceGenerator(const GeneratorConfig& config) : config_(config), rng_(config.seed) {
  validate(config);
  if (config.kind == GeneratorKind::zipf || config.kind == GeneratorKind::mix) {
    zipf_.emplace(config.keys, config.alpha, config.seed);
  }
}

std::uint64_t TraceGenerator::next_key() noexcept {
  const std::uint64_t position = position_++;
  switch (config_.kind) {
    case GeneratorKind::zipf:
      return (*zipf_)();
    case GeneratorKind::uniform:
      return rng_.below(config_.keys);
    case GeneratorKind::scan:
      return position;
    case GeneratorKind::loop:
      return position % config_.keys;
    case GeneratorKind::mix:
      if (rng_() < kMixScanThreshold) {
        return config_.keys + fresh_++;
      }
      return (*zipf_)();
  }
  return 0;
}

std::uint64_t generator_memory_bytes(const GeneratorConfig& config,
                                     GeneratorOutput output) noexcept {
  std::uint64_t bytes = 0;
  if (config.kind == GeneratorKind::zipf || config.kind == GeneratorKind::mix) {
    bytes = saturating_multiply(config.keys, kZipfBytesPerKey);
  }
  if (output == GeneratorOutput::oracle_general) {
    const std::uint64_t n = config.requests;
    // The same choice of table as keys_to_next_access.
    const bool flat = config.keys <= saturating_add(saturating_multiply(n, 4), 1024);
    const std::uint64_t table =
        flat ? saturating_multiply(config.keys, 8)
             : saturating_multiply(std::min(n, config.keys), kHashedKeyBytes);
    bytes = saturating_add(bytes, saturating_add(saturating_multiply(n, 8), table));
  }
  return bytes;
}

std::uint64_t minimum_trace_bytes(const GeneratorConfig& config, GeneratorOutput output) noexcept {
  switch (output) {
    case GeneratorOutput::text:
      return saturating_multiply(config.requests, 2);  // "0\n"
    case GeneratorOutput::csv:
      return saturating_add(std::string_view("timestamp,key,size,op\n").size(),
                            saturating_multiply(config.requests, 13));  // "0,0,1024,get\n"
    case GeneratorOutput::oracle_general:
      return saturating_multiply(config.requests, 24);
  }
  return 0;
}

void check_generator_resources(const GeneratorConfig& config, GeneratorOutput output,
                               std::uint64_t memory_available, std::uint64_t disk_available) {
  const std::uint64_t memory = generator_memory_bytes(config, output);
  if (memory > memory_available) {
    throw ConfigError("generating this trace needs about " + format_bytes(memory) +
                      " of memory, but " + format_bytes(memory_available) + " is available");
  }
  const std::uint64_t disk = minimum_trace_bytes(config, output);
  if (disk > disk_available) {
    throw ConfigError("the trace needs at least " + format_bytes(disk) + " of disk, but " +
                      format_bytes(disk_available) + " is free there");
  }
}

std::uint64_t available_memory_bytes() { return available_memory(); }

void generate_trace(const GeneratorConfig& config, GeneratorOutput output, std::ostream& out) {
  validate(config);
  check_generator_resources(config, output, available_memory(), kSaturated);
  ChunkWriter writer(
      [&out](std::string_view bytes) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      },
      nullptr);
  (void)write_trace(config, output, writer, nullptr);
}

bool generate_trace(const GeneratorConfig& config, GeneratorOutput output,
                    const std::filesystem::path& path, const std::atomic<int>* stop_signal) {
  validate(config);  // the target is only replaced at the end, but fail before any work
  check_generator_resources(config, output, available_memory(), available_disk(path));
  AtomicFile file(path, "the trace");
  ChunkWriter writer([&file](std::string_view bytes) { file.write(bytes); }, stop_signal);
  if (!write_trace(config, output, writer, stop_signal)) return false;  // file removes the rest
  file.commit();
  return true;
}

}  // namespace purecache::sim
