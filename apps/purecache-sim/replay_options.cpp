#include "replay_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <thread>

#include "option_limits.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_format.hpp"

namespace purecache::sim {

[[noreturn]] void bad_value(std::string_view option, std::string_view value,
                            std::string_view requirement) {
  purecache::detail::throw_config_error(option, purecache::detail::quoted(value), requirement);
}

CapacitySpec parse_capacity(std::string_view text, std::string_view option) {
  constexpr std::string_view kRequirement =
      "must be a positive number of entries or a percentage like 10%";
  CapacitySpec spec;
  const bool is_percent = !text.empty() && text.back() == '%';
  const std::string_view number = is_percent ? text.substr(0, text.size() - 1) : text;
  const char* end = number.data() + number.size();
  if (is_percent) {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.percent);
    if (ec != std::errc{} || ptr != end || !(spec.percent > 0) || spec.percent > 100) {
      bad_value(option, text, "percentage must be in (0, 100]");
    }
    spec.is_percent = true;
  } else {
    const auto [ptr, ec] = std::from_chars(number.data(), end, spec.entries);
    if (ec != std::errc{} || ptr != end || number.empty())
      bad_value(option, text, kRequirement);
    if (spec.entries == 0) bad_value(option, text, "must be >= 1");
  }
  return spec;
}

CapacitySpec parse_capacity_bytes(std::string_view text, std::string_view option) {
  if (!text.empty() && text.back() == '%') {
    CapacitySpec spec = parse_capacity(text, option);
    spec.bytes = true;
    return spec;
  }
  return {.entries = parse_bytes(option, text), .bytes = true};
}

std::string parameters_for(BackendKind policy, const std::vector<std::string>& given,
                           const std::vector<BackendKind>& running) {
  std::string found;
  std::vector<BackendKind> named;
  for (const std::string& item : given) {
    const std::size_t colon = item.find(':');
    if (colon == std::string::npos) {
      bad_value("policy-params", item, "must be POLICY:name=value,... (like s3fifo:small=0.2)");
    }
    const BackendKind kind = parse_backend_kind(std::string_view(item).substr(0, colon));
    if (std::find(named.begin(), named.end(), kind) != named.end()) {
      bad_value("policy-params", item, "names a policy given already");
    }
    if (std::find(running.begin(), running.end(), kind) == running.end()) {
      bad_value("policy-params", item, "names a policy this run does not replay");
    }
    named.push_back(kind);
    if (kind == policy) found = item.substr(colon + 1);
  }
  return found;
}

TimelineWindow parse_timeline_window(std::string_view text) {
  constexpr std::string_view kOption = "timeline-window";
  const bool is_seconds = !text.empty() && text.back() == 's';
  const std::string_view number = is_seconds ? text.substr(0, text.size() - 1) : text;
  const char* end = number.data() + number.size();
  if (is_seconds) {
    double seconds = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), end, seconds);
    const bool numeric = !number.empty() && (std::isdigit(static_cast<unsigned char>(number[0])) ||
                                             number[0] == '-' || number[0] == '.');
    if (!numeric || ptr != end || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
      bad_value(kOption, text, "must be a number of requests N or of seconds like 0.5s");
    }
    if (ec == std::errc::result_out_of_range) {  // beyond a double: 1e400s or 1e-400s
      seconds = number[0] == '-' || number.find_first_of("eE") == std::string_view::npos ||
                        number[number.find_first_of("eE") + 1] == '-'
                    ? 0
                    : HUGE_VAL;
    }
    // Windows are whole nanoseconds: at least one, at most what the clock holds.
    if (!(seconds >= 1e-9)) bad_value(kOption, text, "must be at least 0.000000001 seconds");
    if (!(seconds <= static_cast<double>(kMaxWholeSeconds))) {
      bad_value(kOption, text, "must be at most " + std::to_string(kMaxWholeSeconds) + " seconds");
    }
    return {.time = Duration{std::llround(seconds * 1e9)}};
  }
  std::uint64_t requests = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), end, requests);
  const bool digits =
      !number.empty() && number.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits && ec == std::errc::result_out_of_range) {
    bad_value(kOption, text, "must be at most " + std::to_string(UINT64_MAX) + " requests");
  }
  if (!digits && !(number.size() > 1 && number[0] == '-' &&
                   number.find_first_not_of("0123456789", 1) == std::string_view::npos)) {
    bad_value(kOption, text, "must be a number of requests N or of seconds like 0.5s");
  }
  if (!digits || ec != std::errc{} || ptr != end || requests == 0) {
    bad_value(kOption, text, "must be at least 1 request");
  }
  return {.requests = requests};
}

// The shortest text that reads back as `value`: what the user typed, in a canonical spelling.
std::string shortest(double value) {
  std::array<char, 32> text{};
  char* end = std::to_chars(text.data(), text.data() + text.size(), value).ptr;
  return std::string(text.data(), end);
}

/// --ttl in nanoseconds, rounded. Checked in seconds: 1 ns is the clock's resolution and
/// kMaxWholeSeconds the most it holds, so nothing rounds to 0 or overflows.
Duration ttl_duration(double seconds) {
  if (!(seconds >= kMinTTLSeconds)) {
    bad_value("ttl", shortest(seconds), "must be at least 0.000000001 seconds");
  }
  if (!(seconds <= static_cast<double>(kMaxWholeSeconds))) {
    bad_value("ttl", shortest(seconds),
              "must be at most " + std::to_string(kMaxWholeSeconds) + " seconds");
  }
  return Duration{std::llround(seconds * 1e9)};
}

/// The synthetic clock's step, 1e9 / rate nanoseconds rounded, from 1 ns to kMaxWholeSeconds:
/// a faster rate would put requests at one time, a slower one overflow the step itself.
Duration synthetic_step(double rate) {
  if (!(rate > 0)) bad_value("rate", shortest(rate), "must be > 0");
  if (!(rate <= static_cast<double>(kMaxRate))) {
    bad_value("rate", shortest(rate),
              "must be at most " + std::to_string(kMaxRate) + " requests per second");
  }
  if (rate < 1.0 / static_cast<double>(kMaxWholeSeconds)) {
    bad_value("rate", shortest(rate),
              "must be at least one request per " + std::to_string(kMaxWholeSeconds) + " seconds");
  }
  return Duration{std::llround(1e9 / rate)};
}

std::uint64_t parse_bytes(std::string_view option, std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
  };
  constexpr std::array kUnits{Unit{"KiB", 1ULL << 10}, Unit{"MiB", 1ULL << 20},
                              Unit{"GiB", 1ULL << 30}, Unit{"TiB", 1ULL << 40},
                              Unit{"K", 1'000ULL},     Unit{"M", 1'000'000ULL},
                              Unit{"G", 1'000'000'000ULL}, Unit{"T", 1'000'000'000'000ULL}};
  std::string_view digits = text;
  std::uint64_t factor = 1;
  for (const Unit& unit : kUnits) {
    if (digits.ends_with(unit.suffix)) {
      digits.remove_suffix(unit.suffix.size());
      factor = unit.factor;
      break;
    }
  }
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  constexpr std::string_view kRequirement =
      "must be a whole number of bytes with an optional unit K, M, G, T, KiB, MiB, GiB or TiB";
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size()) {
    bad_value(option, text, kRequirement);
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(value, factor, &bytes)) bad_value(option, text, "is too large");
  if (bytes == 0) bad_value(option, text, "must be > 0");
  return bytes;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const std::size_t comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

/// The default --memory-limit: half of physical memory.
std::uint64_t half_of_ram() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return std::uint64_t{4} << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size) / 2;
}

std::vector<BackendKind> parse_bounded_policies(std::string_view text, bool ttl_given,
                                                std::string_view why_bounded) {
  std::vector<BackendKind> policies;
  for (const std::string& name : split_list(text)) {
    const BackendKind kind = parse_backend_kind(name);
    if (!info(kind).bounded) {
      throw ConfigError("policy '" + name + "' is unbounded: " + std::string(why_bounded));
    }
    if (info(kind).expiring && !ttl_given) {
      throw ConfigError("policy '" + name +
                        "' needs --ttl SECONDS, the TTL of requests without their own");
    }
    policies.push_back(kind);
  }
  return policies;
}

unsigned jobs_or_every_core(const std::optional<unsigned>& jobs) noexcept {
  return jobs.value_or(std::max(1U, std::thread::hardware_concurrency()));
}

std::uint64_t CapacitySpec::resolve(std::uint64_t distinct) const {
  if (!is_percent) return entries;
  const auto share = static_cast<double>(distinct) * percent / 100.0;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::floor(share + 1e-9)));
}

}  // namespace purecache::sim
