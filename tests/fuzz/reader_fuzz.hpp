#pragma once
// The trace reader targets: one input is one trace file, read three ways (strict, skipping bad
// records, a tiny key limit) and twice more from a pipe; the passes must agree with each other and
// with the reader's documented invariants. docs/fuzzing.md.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include "fuzz/scratch_dir.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "purecache/sim/trace/trace_format.hpp"
#include "purecache/sim/trace/trace_reader.hpp"
#include "purecache/sim/trace/trace_source.hpp"

namespace purecache::fuzz {

/// A pass stops here: a few KB of zstd can decompress to millions of lines.
inline constexpr std::size_t kMaxPassRequests = std::size_t{1} << 20;

/// Everything one pass of a TraceReader over a file produced.
struct ReadOutcome {
  std::vector<sim::Request> requests;  // in trace order, as read() returned them
  std::optional<std::string> error;    // what() of the TraceError that ended the pass
  bool opened = false;                 // the constructor succeeded: the fields below are set
  bool capped = false;                 // stopped at kMaxPassRequests, not at the end
  sim::TraceFormat format = sim::TraceFormat::auto_detect;
  bool has_timestamps = false;
  bool has_sizes = false;
  bool has_ttls = false;
  bool has_ops = false;
  // Counters, read after the pass; meaningful when !error.
  std::uint64_t requests_read = 0;
  std::uint64_t skipped = 0;
  std::uint64_t ignored = 0;
  std::size_t distinct_keys = 0;
  std::vector<std::string> error_locations;
};

/// Reads the trace of the TraceReader `make_reader()` returns to the end, in batches of `batch`.
/// A TraceError ends the pass and is recorded; any other exception (ConfigError, KeyLimitError,
/// std::bad_alloc...) propagates: the reader promises TraceError for every problem with a trace.
template <class MakeReader>
ReadOutcome read_with(MakeReader&& make_reader, std::size_t batch) {
  ReadOutcome outcome;
  std::optional<sim::TraceReader> reader;
  try {
    reader.emplace(make_reader());
    outcome.opened = true;
    outcome.format = reader->format();
    outcome.has_timestamps = reader->has_timestamps();
    outcome.has_sizes = reader->has_sizes();
    outcome.has_ttls = reader->has_ttls();
    outcome.has_ops = reader->has_ops();
    std::vector<sim::Request> buffer(batch);
    while (const std::size_t n = reader->read(buffer)) {
      if (n > batch) {
        outcome.error =
            "read() returned " + std::to_string(n) + " > batch " + std::to_string(batch);
        return outcome;
      }
      outcome.requests.insert(outcome.requests.end(), buffer.begin(),
                              buffer.begin() + static_cast<std::ptrdiff_t>(n));
      if (outcome.requests.size() >= kMaxPassRequests) {
        outcome.capped = true;
        break;
      }
    }
  } catch (const sim::TraceError& e) {
    outcome.error = e.what();
    return outcome;
  }
  outcome.requests_read = reader->requests_read();
  outcome.skipped = reader->skipped();
  outcome.ignored = reader->ignored();
  outcome.distinct_keys = reader->distinct_keys();
  outcome.error_locations = reader->error_locations();
  return outcome;
}

/// read_with() of the file at `path`.
inline ReadOutcome read_trace(const std::string& path, const sim::TraceOptions& options,
                              std::size_t batch) {
  return read_with([&] { return sim::TraceReader(path, options); }, batch);
}

inline bool same_request(const sim::Request& a, const sim::Request& b) noexcept {
  return a.time == b.time && a.ttl == b.ttl && a.key == b.key && a.size == b.size && a.op == b.op;
}

inline std::string describe(const sim::Request& r) {
  return "{time " + std::to_string(r.time.count()) + " ns, ttl " + std::to_string(r.ttl.count()) +
         " ns, key " + std::to_string(r.key) + ", size " + std::to_string(r.size) + ", op " +
         std::to_string(static_cast<int>(r.op)) + "}";
}

/// "" if `a` is a prefix of `b`, else where they differ.
inline std::string prefix_mismatch(const std::vector<sim::Request>& a,
                                   const std::vector<sim::Request>& b) {
  if (a.size() > b.size()) {
    return std::to_string(a.size()) + " requests where at most " + std::to_string(b.size()) +
           " were expected";
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_request(a[i], b[i])) {
      return "request " + std::to_string(i) + " is " + describe(a[i]) + ", expected " +
             describe(b[i]);
    }
  }
  return {};
}

/// Checks one pass against what docs/trace-formats.md promises of every trace; "" if it holds.
inline std::string check_pass(const ReadOutcome& pass, const std::string& path,
                              const sim::TraceOptions& options) {
  if (pass.error) {
    // Compiler form, naming the file: "FILE: reason", "FILE:LINE: reason", "FILE:record N: ...".
    if (!pass.error->starts_with(path + ":") || pass.error->size() <= path.size() + 2) {
      return "malformed TraceError message: " + *pass.error;
    }
  }
  if (!pass.opened) return {};
  if (pass.format == sim::TraceFormat::auto_detect) return "format() is auto after opening";
  if (options.format != sim::TraceFormat::auto_detect && pass.format != options.format) {
    return "format() is " + std::string(sim::to_string(pass.format)) + ", not the forced " +
           std::string(sim::to_string(options.format));
  }
  // Ids are dense, in order of first appearance.
  sim::KeyId next_new = 0;
  for (std::size_t i = 0; i < pass.requests.size(); ++i) {
    const sim::Request& r = pass.requests[i];
    if (r.key > next_new) {
      return "request " + std::to_string(i) + " has key id " + std::to_string(r.key) +
             " before id " + std::to_string(next_new) + " appeared";
    }
    if (r.key == next_new) ++next_new;
    // Fields a format lacks are zero; times and TTLs are never negative.
    if (r.time.count() < 0 || (!pass.has_timestamps && r.time.count() != 0) || r.ttl.count() < 0 ||
        (!pass.has_ttls && r.ttl.count() != 0) || (!pass.has_sizes && r.size != 0) ||
        (!pass.has_ops && r.op != sim::Op::get) ||
        static_cast<int>(r.op) > static_cast<int>(sim::Op::erase) ||
        (pass.format == sim::TraceFormat::oracle_general && r.size == 0)) {
      return "request " + std::to_string(i) + " " + describe(r) + " breaks the field rules";
    }
  }
  if (pass.error || pass.capped) return {};
  if (pass.requests_read != pass.requests.size()) {
    return "requests_read() " + std::to_string(pass.requests_read) + " but " +
           std::to_string(pass.requests.size()) + " requests returned";
  }
  if (pass.distinct_keys != next_new) {
    return "distinct_keys() " + std::to_string(pass.distinct_keys) + " but the requests use " +
           std::to_string(next_new) + " ids";
  }
  if (pass.distinct_keys > options.max_keys) return "more distinct keys than max_keys";
  if (!options.skip_errors && pass.skipped != 0) return "skipped() > 0 without skip_errors";
  if (pass.format != sim::TraceFormat::oracle_general && pass.ignored != 0) {
    return "ignored() > 0 outside oracleGeneral";
  }
  const std::size_t kept = std::min<std::uint64_t>(pass.skipped, options.max_error_locations);
  if (pass.error_locations.size() != kept) {
    return "error_locations() holds " + std::to_string(pass.error_locations.size()) +
           " messages for " + std::to_string(pass.skipped) + " skipped records";
  }
  for (const std::string& location : pass.error_locations) {
    if (!location.starts_with(path + ":")) return "malformed error location: " + location;
  }
  return {};
}

/// "" if `x` (read from `x_path`) and `y` (from `y_path`) are the same pass: error message after
/// the file name, requests (up to the error, if any: then one list is a prefix of the other),
/// counters.
inline std::string same_pass(const ReadOutcome& x, const std::string& x_path, const ReadOutcome& y,
                             const std::string& y_path) {
  const auto after_path = [](const std::optional<std::string>& error, const std::string& path) {
    return !error                     ? std::string("no error")
           : error->starts_with(path) ? error->substr(path.size())
                                      : *error;
  };
  if (after_path(x.error, x_path) != after_path(y.error, y_path)) {
    return "'" + x.error.value_or("no error") + "' vs '" + y.error.value_or("no error") + "'";
  }
  // Before an error, how many requests come back depends on the batch size.
  const bool whole = !x.error && !x.capped && !y.capped;
  if (whole && x.requests.size() != y.requests.size()) {
    return std::to_string(x.requests.size()) + " vs " + std::to_string(y.requests.size()) +
           " requests";
  }
  if (std::string why = x.requests.size() <= y.requests.size()
                            ? prefix_mismatch(x.requests, y.requests)
                            : prefix_mismatch(y.requests, x.requests);
      !why.empty()) {
    return why;
  }
  if (!whole) return {};
  if (x.opened != y.opened || x.format != y.format || x.has_timestamps != y.has_timestamps ||
      x.has_sizes != y.has_sizes || x.has_ttls != y.has_ttls || x.has_ops != y.has_ops ||
      x.requests_read != y.requests_read || x.skipped != y.skipped || x.ignored != y.ignored ||
      x.distinct_keys != y.distinct_keys || x.error_locations.size() != y.error_locations.size()) {
    return "format, fields or counters differ";
  }
  return {};
}

/// An anonymous pipe holding `bytes`, its write end closed; named by /dev/fd/N. Empty (no path)
/// when the bytes do not fit the pipe's buffer.
class FilledPipe {
 public:
  explicit FilledPipe(std::span<const std::uint8_t> bytes) {
    if (::pipe2(fds_.data(), O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    const int capacity = ::fcntl(fds_[1], F_GETPIPE_SZ);
    if (capacity < 0 || bytes.size() > static_cast<std::size_t>(capacity)) return;
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fds_[1], bytes.data() + done, bytes.size() - done);
      if (n <= 0) throw std::system_error(errno, std::generic_category(), "write to pipe");
      done += static_cast<std::size_t>(n);
    }
    ::close(fds_[1]);
    fds_[1] = -1;
    path_ = "/dev/fd/" + std::to_string(fds_[0]);
  }
  FilledPipe(const FilledPipe&) = delete;
  FilledPipe& operator=(const FilledPipe&) = delete;
  ~FilledPipe() {
    for (const int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::array<int, 2> fds_{-1, -1};  // read end, write end; -1 once closed
  std::string path_;                // empty: not filled
};

/// The input read from a pipe, twice from one TraceSource: the first reader keeps the bytes in
/// memory, the second (given the source by move) reads them from there. Both must give the same
/// pass, and, with a forced format, the same as the file (`from_file`, read from `file_path`).
inline std::string check_pipe(sim::TraceFormat format, std::span<const std::uint8_t> input,
                              const ReadOutcome& from_file, const std::string& file_path) {
  const FilledPipe pipe(input);
  if (pipe.path().empty()) return {};
  std::optional<sim::TraceSource> source;
  try {
    source.emplace(pipe.path());
  } catch (const sim::TraceError& e) {
    return std::string("opening the pipe: ") + e.what();
  }
  const sim::TraceOptions options{.format = format};
  const ReadOutcome first = read_with([&] { return sim::TraceReader(*source, options); }, 4096);
  const ReadOutcome second =
      read_with([&] { return sim::TraceReader(std::move(*source), options); }, 3);
  if (std::string why = check_pass(first, pipe.path(), options); !why.empty()) return why;
  if (std::string why = same_pass(first, pipe.path(), second, pipe.path()); !why.empty()) {
    return "first and second reader of one source: " + why;
  }
  // The name of a pipe says nothing (no .zst, no extension), so only a forced format compares.
  if (format == sim::TraceFormat::auto_detect) return {};
  if (std::string why = same_pass(first, pipe.path(), from_file, file_path); !why.empty()) {
    return "pipe vs file: " + why;
  }
  return {};
}

/// What a reader target gives TraceReader.
struct ReaderTarget {
  std::string_view file_name;  // in the scratch dir; ".zst" forces zstd, auto_detect reads it
  sim::TraceFormat format;     // auto_detect or forced
};

/// One input through one reader target; "" if every check holds. TraceErrors are clean
/// outcomes; other exceptions propagate.
inline std::string run_reader_target(const ReaderTarget& target,
                                     std::span<const std::uint8_t> input) {
  const std::string path = ScratchDir::instance().write(target.file_name, input);
  const sim::TraceOptions strict{.format = target.format};
  const sim::TraceOptions skipping{
      .format = target.format, .skip_errors = true, .max_error_locations = 2};
  const sim::TraceOptions few_keys{.format = target.format, .max_keys = 2};
  // Different batch sizes too: the request stream must not depend on them.
  const ReadOutcome a = read_trace(path, strict, 4096);
  const ReadOutcome b = read_trace(path, skipping, 7);
  const ReadOutcome c = read_trace(path, few_keys, 1);
  for (const auto& [pass, options, name] :
       {std::tuple{&a, &strict, "strict"}, std::tuple{&b, &skipping, "skip_errors"},
        std::tuple{&c, &few_keys, "max_keys 2"}}) {
    if (std::string why = check_pass(*pass, path, *options); !why.empty()) {
      return std::string(name) + " pass: " + why;
    }
  }
  // Every pass reads the same stream, so the shorter is a prefix of the longer.
  const auto consistent = [](const ReadOutcome& x, const ReadOutcome& y) {
    return x.requests.size() <= y.requests.size() ? prefix_mismatch(x.requests, y.requests)
                                                  : prefix_mismatch(y.requests, x.requests);
  };
  if (std::string why = consistent(a, b); !why.empty()) return "strict vs skip_errors: " + why;
  if (std::string why = consistent(a, c); !why.empty()) return "strict vs max_keys 2: " + why;
  if (std::string why = check_pipe(target.format, input, a, path); !why.empty()) {
    return "pipe: " + why;
  }
  if (a.opened != b.opened || a.opened != c.opened || a.format != b.format ||
      a.format != c.format) {
    return "the passes disagree on opening or on the format";
  }
  if (a.error || a.capped) return {};
  // A clean trace: skipping finds nothing to skip, and the key limit bites iff > 2 keys.
  if (b.error || b.requests.size() != a.requests.size() || b.skipped != 0) {
    return "skip_errors changed a clean trace: " + b.error.value_or("no error");
  }
  if (a.distinct_keys <= 2) {
    if (c.error || c.requests.size() != a.requests.size()) {
      return "max_keys 2 changed a trace of " + std::to_string(a.distinct_keys) +
             " keys: " + c.error.value_or("no error");
    }
  } else if (!c.error || c.error->find("too many distinct keys (limit 2)") == std::string::npos) {
    return "max_keys 2 on a trace of " + std::to_string(a.distinct_keys) +
           " keys: " + c.error.value_or("no error");
  }
  return {};
}

}  // namespace purecache::fuzz
