#include "purecache/sim/concurrency_config.hpp"

#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

std::string_view to_string(ClientPartition partition) noexcept {
  return partition == ClientPartition::key ? "key" : "round_robin";
}

std::string_view to_string(HandOff hand_off) noexcept {
  return hand_off == HandOff::scheduled ? "scheduled" : "inline";
}

std::string_view to_string(ReplayOrder order) noexcept {
  return order == ReplayOrder::interleaved ? "interleaved" : "trace";
}

ClientPartition parse_client_partition(std::string_view name) {
  if (name == "round_robin") return ClientPartition::round_robin;
  if (name == "key") return ClientPartition::key;
  throw ConfigError("partition must be round_robin or key, got " +
                    purecache::detail::quoted(name));
}

HandOff parse_hand_off(std::string_view name) {
  if (name == "inline") return HandOff::inline_resume;
  if (name == "scheduled") return HandOff::scheduled;
  throw ConfigError("hand-off must be inline or scheduled, got " +
                    purecache::detail::quoted(name));
}

ReplayOrder replay_order(const ConcurrencyConfig& config) noexcept {
  return config.clients <= 1 ? ReplayOrder::trace : ReplayOrder::interleaved;
}

void check_concurrency(const ConcurrencyConfig& config) {
  if (config.threads > kMaxReplayThreads) {
    throw ConfigError("threads must be at most " + std::to_string(kMaxReplayThreads) + ", got " +
                      std::to_string(config.threads));
  }
  if (config.clients == 0) throw ConfigError("clients must be at least 1, got 0");
  if (config.clients > kMaxReplayClients) {
    throw ConfigError("clients must be at most " + std::to_string(kMaxReplayClients) + ", got " +
                      std::to_string(config.clients));
  }
  if (config.shards == 0) throw ConfigError("shards must be at least 1, got 0");
  if (config.threads == 0 && config.clients > 1) {
    throw ConfigError("clients " + std::to_string(config.clients) +
                      " need threads >= 1: several clients run on a thread pool");
  }
}

}  // namespace purecache::sim
