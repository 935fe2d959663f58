#include <catch2/catch.hpp>

#include <cstdint>
#include <list>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "purecache/sim/replay.hpp"
#include "purecache/sim/trace/trace_reader.hpp"

// The replay, end to end, against textbook simulators written with standard containers: the
// miss counts must agree exactly, request for request, on a real trace.

using namespace purecache;
using namespace purecache::sim;

namespace {

const std::string kRealTrace =
    std::string(PURECACHE_SOURCE_DIR) + "/traces/cloudPhysicsIO.oracleGeneral.bin.zst";

std::vector<KeyId> read_keys(const std::string& path) {
  TraceReader reader(path);
  std::vector<Request> batch(1000);
  std::vector<KeyId> keys;
  while (const std::size_t n = reader.read(batch)) {
    for (std::size_t i = 0; i < n; ++i)
      keys.push_back(batch[i].key);
  }
  return keys;
}

std::uint64_t reference_lru_misses(const std::vector<KeyId>& keys, std::size_t capacity) {
  std::list<KeyId> order;  // front = most recent
  std::unordered_map<KeyId, std::list<KeyId>::iterator> where;
  std::uint64_t misses = 0;
  for (const KeyId key : keys) {
    if (auto it = where.find(key); it != where.end()) {
      order.splice(order.begin(), order, it->second);
      continue;
    }
    ++misses;
    if (order.size() == capacity) {
      where.erase(order.back());
      order.pop_back();
    }
    order.push_front(key);
    where[key] = order.begin();
  }
  return misses;
}

std::uint64_t reference_lfu_misses(const std::vector<KeyId>& keys, std::size_t capacity) {
  // Ordered by (frequency, time of last access): begin() is the victim.
  std::set<std::tuple<std::uint64_t, std::uint64_t, KeyId>> order;
  std::unordered_map<KeyId, std::pair<std::uint64_t, std::uint64_t>> state;  // key -> (freq, last)
  std::uint64_t misses = 0;
  std::uint64_t tick = 0;
  for (const KeyId key : keys) {
    ++tick;
    if (auto it = state.find(key); it != state.end()) {
      auto& [freq, last] = it->second;
      order.erase({freq, last, key});
      ++freq;
      last = tick;
      order.insert({freq, last, key});
      continue;
    }
    ++misses;
    if (state.size() == capacity) {
      const auto victim = *order.begin();
      order.erase(order.begin());
      state.erase(std::get<2>(victim));
    }
    state[key] = {1, tick};
    order.insert({1, tick, key});
  }
  return misses;
}

std::uint64_t replay_misses(BackendKind policy, std::size_t capacity) {
  TraceReader reader(kRealTrace);
  const ReplayResult result =
      replay(reader, ReplayConfig{.policy = policy, .core = {.capacity = capacity}});
  return result.misses;
}

}  // namespace

TEST_CASE("replayed LRU and LFU miss counts equal textbook simulators on a real trace",
          "[sim][reference]") {
  const std::vector<KeyId> keys = read_keys(kRealTrace);
  REQUIRE(keys.size() == 113'872);
  for (const std::size_t capacity : std::vector<std::size_t>{1, 10, 500, 4897, 20000, 48974}) {
    INFO("capacity " << capacity);
    CHECK(replay_misses(BackendKind::lru, capacity) == reference_lru_misses(keys, capacity));
    CHECK(replay_misses(BackendKind::lfu, capacity) == reference_lfu_misses(keys, capacity));
  }
  // With room for every key, only first accesses miss (the README's compulsory miss count).
  CHECK(replay_misses(BackendKind::lru, 48'974) == 48'974);
}
