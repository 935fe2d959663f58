#include "purecache/sim/replay.hpp"

#include <cassert>
#include <chrono>
#include <cstdint>
#include <string>

#include "purecache/error.hpp"
#include "replay/replay_steps.hpp"

namespace purecache::sim {

std::string_view to_string(ReplayEngine engine) noexcept {
  return engine == ReplayEngine::fast ? "fast" : "library";
}

std::string_view to_string(ReplayKeyType key_type) noexcept {
  switch (key_type) {
    case ReplayKeyType::u64:
      return "u64";
    case ReplayKeyType::string:
      return "string";
    case ReplayKeyType::interned:
      return "interned";
  }
  return "u64";
}

ReplayEngine parse_replay_engine(std::string_view name) {
  if (name == "library") return ReplayEngine::library;
  if (name == "fast") return ReplayEngine::fast;
  throw ConfigError("engine must be library or fast, got " + purecache::detail::quoted(name));
}

NonNumericKeyError::NonNumericKeyError(const std::string& trace, std::uint64_t request,
                                       const std::string& key)
    : Error(purecache::detail::escaped(trace) + ": request " + std::to_string(request) + ": key " +
            purecache::detail::quoted(key) +
            " is not a number below 10^19 (digits only, no leading zero), so the cache cannot "
            "use u64 keys; use string keys (--key-type string)"),
      request_(request) {}

namespace detail {

std::string seconds_text(std::int64_t ns) {
  std::string text = std::to_string(ns / 1'000'000'000);
  if (const std::int64_t fraction = ns % 1'000'000'000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 9 - digits.size(), '0');
    text.append(".").append(digits.substr(0, digits.find_last_not_of('0') + 1));
  }
  return text;
}

/// Request `index` (from 1) once (index - 1) steps overflow the clock: at its end, where every
/// entry has expired. Exact when no TTL outlives a step (each entry has expired by the next
/// request anyway); otherwise the replay stops.
Timestamp RequestClock::past_end(std::uint64_t index) const {
  assert(step_ > Duration::zero());
  if (ttl_may_outlive_step_) {
    throw ConfigError(
        "request " + std::to_string(index) + " falls past the synthetic clock's end (" +
        seconds_text(Timestamp::max().count()) + " seconds at " + seconds_text(step_.count()) +
        " seconds per request), where counts are exact only if no TTL is longer "
        "than a step; raise --rate");
  }
  return Timestamp::max();
}

}  // namespace detail

void check_replay_config(const ReplayConfig& config) {
  const ConcurrencyConfig& concurrency = config.concurrency;
  check_concurrency(concurrency);
  if (config.engine == ReplayEngine::fast) {
    if (concurrency.threads != 0 || concurrency.shards != 1 ||
        concurrency.hand_off != HandOff::inline_resume ||
        concurrency.partition != ClientPartition::round_robin) {
      throw ConfigError(
          "threads, clients, partition, shards and hand-off are for the library engine; the fast "
          "engine replays the bare core on one thread");
    }
    return;
  }
  if (concurrency.threads == 0) return;
  if (info(config.policy).expiring) {
    throw ConfigError("policy '" + std::string(info(config.policy).name) +
                      "' reads the clock, which interleaved clients would move back and forth: "
                      "replay expiring policies without threads");
  }
  if (config.warmup != 0) {
    throw ConfigError(
        "warmup needs the single-threaded replay: interleaved clients have no one request at "
        "which it ends");
  }
  if (config.timeline.enabled()) {
    throw ConfigError(
        "a timeline needs the single-threaded replay: interleaved clients have no one request "
        "order to cut windows in");
  }
}

ReplayResult replay(TraceReader& reader, const ReplayConfig& config) {
  check_replay_config(config);
  if (config.engine == ReplayEngine::library) {
    require_online(config.policy);
    if (config.concurrency.threads >= 1) return detail::replay_threaded(reader, config);
  }
  const auto started = std::chrono::steady_clock::now();
  ReplayResult result = config.engine == ReplayEngine::fast ? detail::replay_fast(reader, config)
                                                             : detail::replay_library(reader, config);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.concurrency = config.concurrency;
  result.order = replay_order(config.concurrency);
  result.thread_requests = {result.requests};
  return result;
}

ReplayResult replay(const LoadedTrace& trace, const ReplayConfig& config,
                    std::span<const std::uint64_t> next_access) {
  if (config.engine != ReplayEngine::fast) {
    throw ConfigError("a trace loaded into memory is replayed by the fast engine only");
  }
  check_replay_config(config);
  const auto started = std::chrono::steady_clock::now();
  ReplayResult result = detail::replay_fast(trace, config, next_access);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.concurrency = config.concurrency;
  result.thread_requests = {result.requests};
  return result;
}

}  // namespace purecache::sim
