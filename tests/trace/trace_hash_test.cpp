#include "purecache/sim/trace/trace_hash.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "purecache/detail/uint128.hpp"
#include "purecache/sim/detail/splitmix64.hpp"
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

TEST_CASE("the trace hash is the formula of docs/report-schema.md", "[trace][hash]") {
  // Written out again from the document, not from the class: a change to either fails here.
  const auto m = [](std::uint64_t a, std::uint64_t b) {
    const auto product = static_cast<purecache::detail::Uint128>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  };
  const auto finalise = purecache::sim::detail::splitmix64_mix;
  const auto requests = sample_requests();
  std::uint64_t sum = 0;
  for (std::uint64_t n = 0; n < requests.size(); ++n) {
    const Request& r = requests[n];
    const std::uint64_t fields =
        m((r.key | std::uint64_t{r.size} << 32) ^ 0x9E3779B97F4A7C15ULL,
          static_cast<std::uint64_t>(r.time.count()) ^ 0xBF58476D1CE4E5B9ULL);
    sum += m(fields ^ static_cast<std::uint64_t>(r.ttl.count()),
             (n << 2 | static_cast<std::uint64_t>(r.op)) ^ 0x94D049BB133111EBULL);
  }
  const std::uint64_t count = requests.size();
  CHECK(hash_of(requests) ==
        purecache::sim::hex_digits(finalise(sum ^ finalise(count + 0x9E3779B97F4A7C15ULL))));
}

TEST_CASE("the trace hash changes with every bit of every field", "[trace][hash]") {
  std::vector<Request> base(3, Request{.time = purecache::Duration{7}, .key = 1, .size = 100});
  const std::string hex = hash_of(base);
  std::set<std::string> seen{hex};
  std::size_t variants = 1;
  const auto flip = [&](auto change) {
    for (std::size_t i = 0; i < base.size(); ++i) {
      auto changed = base;
      change(changed[i]);
      seen.insert(hash_of(changed));
      ++variants;
    }
  };
  for (int bit = 0; bit < 64; ++bit) {
    const auto one = std::int64_t{1} << bit;
    flip([&](Request& r) { r.time = purecache::Duration{r.time.count() ^ one}; });
    flip([&](Request& r) { r.ttl = purecache::Duration{r.ttl.count() ^ one}; });
  }
  for (int bit = 0; bit < 32; ++bit) {
    flip([&](Request& r) { r.key ^= std::uint32_t{1} << bit; });
    flip([&](Request& r) { r.size ^= std::uint32_t{1} << bit; });
  }
  flip([](Request& r) { r.op = Op::set; });
  flip([](Request& r) { r.op = Op::erase; });
  CHECK(seen.size() == variants);
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
