#include "purecache/sim/trace/trace_hash.hpp"

#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "purecache/sim/trace/trace_reader.hpp"

using purecache::sim::Op;
using purecache::sim::Request;
using purecache::sim::TraceHash;

namespace {

std::string hash_of(const std::vector<Request>& requests) {
  TraceHash hash;
  hash.update(requests);
  return hash.hex();
}

std::vector<Request> sample_requests() {
  std::vector<Request> requests;
  for (std::uint32_t i = 0; i < 100; ++i) {
    requests.push_back(Request{.key = i % 7, .size = i, .op = i % 5 == 0 ? Op::set : Op::get});
  }
  return requests;
}

}  // namespace

TEST_CASE("the trace hash is 16 hex digits and the same for the same requests", "[trace][hash]") {
  const std::string hex = hash_of(sample_requests());
  CHECK(hex.size() == 16);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(hash_of(sample_requests()) == hex);
}

TEST_CASE("the trace hash does not depend on how the requests are batched", "[trace][hash]") {
  const auto requests = sample_requests();
  TraceHash batched;
  batched.update(std::span(requests).first(37));
  batched.update(std::span(requests).subspan(37));
  CHECK(batched.hex() == hash_of(requests));
  CHECK(batched.requests() == requests.size());
}

TEST_CASE("the trace hash changes with any counted field, the order or the length",
          "[trace][hash]") {
  const auto base = sample_requests();
  const std::string hex = hash_of(base);
  auto changed = base;
  changed[50].key ^= 1;
  CHECK(hash_of(changed) != hex);
  changed = base;
  changed[50].size += 1;
  CHECK(hash_of(changed) != hex);
  changed = base;
  changed[50].time += purecache::Duration{1};
  CHECK(hash_of(changed) != hex);
  changed = base;
  changed[50].ttl = purecache::Duration{5};
  CHECK(hash_of(changed) != hex);
  changed = base;
  changed[50].op = Op::erase;
  CHECK(hash_of(changed) != hex);
  changed = base;
  std::swap(changed[10], changed[11]);
  CHECK(hash_of(changed) != hex);
  changed = base;
  changed.push_back(Request{});
  CHECK(hash_of(changed) != hex);
  CHECK(hash_of({}) != hash_of({Request{}}));
}

TEST_CASE("a compressed and a plain copy of a trace hash alike", "[trace][hash]") {
  const auto hash_file = [](const std::string& name) {
    purecache::sim::TraceReader reader(std::string(PURECACHE_SOURCE_DIR) + "/" + name);
    std::vector<Request> batch(4096);
    TraceHash hash;
    while (const std::size_t n = reader.read(batch)) hash.update(std::span(batch).first(n));
    return hash.hex();
  };
  CHECK(hash_file("tests/fuzz/corpus/text/tiny.txt") == hash_file("tests/fuzz/corpus/zstd/tiny.txt.zst"));
  CHECK(hash_file("traces/zipf.txt") != hash_file("traces/cloudPhysicsIO.txt.zst"));
}
