#pragma once
/// Option values shared by the replay, sweep and curve commands: parsing and checks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/time.hpp"
#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

namespace purecache::sim {

/// "N" entries or "P%" of the distinct keys; in bytes, "N" bytes or "P%" of the distinct
/// objects' bytes (each object counted once, at its first size).
struct CapacitySpec {
  std::uint64_t entries = 0;  // when !is_percent: entries, or bytes when `bytes`
  double percent = 0;         // when is_percent
  bool is_percent = false;
  bool bytes = false;  // a --capacity-bytes value

  /// The capacity for a trace of `distinct` keys (or distinct bytes): a percentage rounds down,
  /// to at least 1.
  [[nodiscard]] std::uint64_t resolve(std::uint64_t distinct) const;
};

/// Throws ConfigError "invalid value for --OPTION: 'VALUE' REQUIREMENT".
[[noreturn]] void bad_value(std::string_view option, std::string_view value,
                            std::string_view requirement);
/// --capacity as given ("1000" or "10%"); throws ConfigError naming `option`.
[[nodiscard]] CapacitySpec parse_capacity(std::string_view text,
                                          std::string_view option = "capacity");
/// --capacity-bytes as given ("64MiB", "1000000" or "10%"); throws ConfigError naming `option`.
[[nodiscard]] CapacitySpec parse_capacity_bytes(std::string_view text,
                                                std::string_view option = "capacity-bytes");
/// The knobs --policy-params gives `policy` ("name=value,..."; "" for none). `given` holds
/// "POLICY:name=value,..." items; throws ConfigError for an item without a known policy name,
/// a policy named twice, or a policy that is not in `running`.
[[nodiscard]] std::string parameters_for(BackendKind policy, const std::vector<std::string>& given,
                                         const std::vector<BackendKind>& running);
/// --timeline-window: "N" requests (N >= 1) or "Ss" seconds (a decimal, 1 ns to
/// kMaxWholeSeconds); throws ConfigError "timeline-window must be ..., got 'VALUE'".
[[nodiscard]] TimelineWindow parse_timeline_window(std::string_view text);
/// The shortest text that reads back as `value`.
[[nodiscard]] std::string shortest(double value);
/// --ttl in nanoseconds, checked.
[[nodiscard]] Duration ttl_duration(double seconds);
/// The synthetic clock's step for --rate, checked.
[[nodiscard]] Duration synthetic_step(double rate);
/// A byte count: digits with an optional unit K, M, G, T (powers of 1000) or KiB, MiB, GiB, TiB
/// (powers of 1024); throws ConfigError naming --`option`.
[[nodiscard]] std::uint64_t parse_bytes(std::string_view option, std::string_view text);
/// "a,b,c" as {"a", "b", "c"}; "" as {""}.
[[nodiscard]] std::vector<std::string> split_list(std::string_view text);
/// --policies: bounded policies, comma-separated. Throws ConfigError for an unknown or unbounded
/// one ("policy 'ttl' is unbounded: WHY") and for an expiring one without --ttl (`ttl_given`).
[[nodiscard]] std::vector<BackendKind> parse_bounded_policies(std::string_view text, bool ttl_given,
                                                              std::string_view why_bounded);
/// --jobs as given, else every core (at least 1).
[[nodiscard]] unsigned jobs_or_every_core(const std::optional<unsigned>& jobs) noexcept;
/// Half of physical memory: the default --memory-limit.
[[nodiscard]] std::uint64_t half_of_ram();

}  // namespace purecache::sim
