#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <thread>
#include <vector>

#include "purecache/async/frame_allocator.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::sync_wait;
using purecache::Task;
using purecache::detail::frame_allocator_stats;
using purecache::detail::FrameAllocatorStats;
using purecache::detail::kMaxCachedFramesPerClass;

Task<int> inner(int value) { co_return value * 2; }

Task<int> outer(int value) { co_return co_await inner(value) + 1; }

Task<int> idle() { co_return 0; }

Task<std::size_t> huge_frame(std::array<char, 4096> payload) { co_return payload.size(); }

// Runs `body` on a new thread, whose frame cache starts empty, and returns the body's result.
template <class Body>
auto on_fresh_thread(Body body) {
  decltype(body()) result{};
  std::thread thread([&] { result = body(); });
  thread.join();
  return result;
}

}  // namespace

TEST_CASE("steady-state sync_wait of nested tasks allocates no fresh frames", "[async][frame]") {
  for (int i = 0; i < 10; ++i)
    REQUIRE(sync_wait(outer(i)) == 2 * i + 1);

  const FrameAllocatorStats before = frame_allocator_stats();
  long sum = 0;
  for (int i = 0; i < 10'000; ++i)
    sum += sync_wait(outer(i));
  const FrameAllocatorStats after = frame_allocator_stats();

  REQUIRE(sum == 10'000L * 9'999L + 10'000L);
  REQUIRE(after.fresh_allocations == before.fresh_allocations);
  // Three frames per call: the sync_wait driver, outer and inner.
  REQUIRE(after.reuses - before.reuses == 30'000);
}

TEST_CASE("a thread's frame cache keeps at most 64 frames per size class", "[async][frame]") {
  struct Counts {
    FrameAllocatorStats after_burst;
    FrameAllocatorStats after_free;
    FrameAllocatorStats after_reuse;
  };
  const Counts counts = on_fresh_thread([] {
    Counts c;
    std::vector<Task<int>> burst;
    for (int i = 0; i < 1000; ++i)
      burst.push_back(idle());
    c.after_burst = frame_allocator_stats();
    burst.clear();
    c.after_free = frame_allocator_stats();
    for (int i = 0; i < 100; ++i)
      burst.push_back(idle());
    c.after_reuse = frame_allocator_stats();
    return c;
  });
  REQUIRE(counts.after_burst.fresh_allocations == 1000);
  REQUIRE(counts.after_burst.reuses == 0);
  REQUIRE(counts.after_free.cached_frames == kMaxCachedFramesPerClass);
  REQUIRE(counts.after_free.releases == 1000 - kMaxCachedFramesPerClass);
  REQUIRE(counts.after_reuse.reuses == kMaxCachedFramesPerClass);
  REQUIRE(counts.after_reuse.fresh_allocations == 1000 + 100 - kMaxCachedFramesPerClass);
  REQUIRE(counts.after_reuse.cached_frames == 0);
}

TEST_CASE("a frame freed on another thread joins that thread's cache",
          "[async][frame][concurrency]") {
  Task<int> task = on_fresh_thread([] { return idle(); });
  struct Counts {
    FrameAllocatorStats after_free;
    FrameAllocatorStats after_reuse;
  };
  const Counts counts = on_fresh_thread([&task] {
    Counts c;
    task = Task<int>{};  // destroys the frame allocated by the other thread
    c.after_free = frame_allocator_stats();
    Task<int> again = idle();
    c.after_reuse = frame_allocator_stats();
    return c;
  });
  REQUIRE(counts.after_free.cached_frames == 1);
  REQUIRE(counts.after_free.releases == 0);
  REQUIRE(counts.after_reuse.reuses == 1);
  REQUIRE(counts.after_reuse.fresh_allocations == 0);
}

TEST_CASE("frames above the size limit bypass the cache", "[async][frame]") {
  const FrameAllocatorStats counts = on_fresh_thread([] {
    if (sync_wait(huge_frame({})) != 4096) return FrameAllocatorStats{};
    return frame_allocator_stats();
  });
  // The sync_wait driver's small frame is cached; the huge one goes back to ::operator delete.
  REQUIRE(counts.fresh_allocations == 2);
  REQUIRE(counts.releases == 1);
  REQUIRE(counts.cached_frames == 1);
}
