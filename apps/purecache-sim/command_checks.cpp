#include "command_checks.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "purecache/error.hpp"

namespace purecache::sim {

void check_output_is_not_trace(const std::string& output, const std::string& trace) {
  struct stat trace_stat {};
  struct stat output_stat {};
  const int traced =
      trace == "-" ? ::fstat(STDIN_FILENO, &trace_stat) : ::stat(trace.c_str(), &trace_stat);
  if (traced != 0 || ::stat(output.c_str(), &output_stat) != 0) return;
  if (trace_stat.st_dev == output_stat.st_dev && trace_stat.st_ino == output_stat.st_ino) {
    throw ConfigError("--output " + output + " is the trace " + trace +
                      ": the report would overwrite it");
  }
}

void check_output_is_no_input(const std::string& output, const std::vector<std::string>& inputs,
                              std::string_view what) {
  if (output.empty()) return;
  struct stat output_stat {};
  const bool output_exists = ::stat(output.c_str(), &output_stat) == 0;
  for (const std::string& input : inputs) {
    struct stat input_stat {};
    const bool same = input == output || (output_exists && ::stat(input.c_str(), &input_stat) == 0 &&
                                          input_stat.st_dev == output_stat.st_dev &&
                                          input_stat.st_ino == output_stat.st_ino);
    if (same) {
      throw ConfigError("--output " + output + " is the input " + input + ": the " +
                        std::string(what) + " would overwrite it");
    }
  }
}

void check_warmup(std::uint64_t warmup, std::uint64_t requests) {
  if (warmup >= requests) {
    purecache::detail::throw_config_error(
        "warmup", purecache::detail::quoted(std::to_string(warmup)),
        "must be below the trace's " + std::to_string(requests) + " requests");
  }
}

std::string no_requests_reason(const TraceFacts& facts) {
  std::string reason = "trace has no requests";
  const char* separator = ": ";
  if (facts.skipped > 0) {
    reason.append(separator).append(std::to_string(facts.skipped));
    reason.append(" malformed records skipped (--on-error skip)");
    separator = " and ";
  }
  if (facts.ignored > 0) {
    reason.append(separator).append(std::to_string(facts.ignored));
    reason.append(" records of size 0 ignored");
  }
  if (!facts.error_locations.empty()) {
    reason.append("; the first skipped: ").append(facts.error_locations.front());
  }
  return reason;
}

std::string no_requests_reason(const TraceReader& reader) {
  return no_requests_reason(TraceFacts::of(reader));
}

bool stop_requested(const CliStreams& streams) noexcept {
  return streams.stop_signal != nullptr &&
         streams.stop_signal->load(std::memory_order_relaxed) != 0;
}

bool every_key_is_a_number(const TraceReader& reader) noexcept {
  for (std::size_t id = 0; id < reader.distinct_keys(); ++id) {
    if (!reader.key_number(static_cast<KeyId>(id))) return false;
  }
  return true;
}

void check_sizes_for_bytes(bool has_sizes, const std::string& path, TraceFormat format,
                           std::string_view what, std::string_view instead) {
  if (has_sizes) return;
  throw ConfigError(std::string(what) + " weighs objects by their sizes, and " + path + " (" +
                    std::string(to_string(format)) + ") has none: give a trace with sizes, or " +
                    std::string(instead) + " in entries");
}

}  // namespace purecache::sim
