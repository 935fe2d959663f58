// Uses the installed simulator library: replays the trace named on the command line through LRU.
#include <iostream>

#include <purecache/sim/replay.hpp>
#include <purecache/sim/trace/trace_reader.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer_sim TRACE\n";
    return 2;
  }
  purecache::sim::TraceReader reader(argv[1]);
  const purecache::sim::ReplayResult result = purecache::sim::replay(
      reader, {.policy = purecache::BackendKind::lru, .core = {.capacity = 1000}});
  std::cout << "replayed " << result.requests << " requests: " << result.misses << " misses\n";
  return result.requests > 0 ? 0 : 1;
}
