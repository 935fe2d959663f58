#include "purecache/async/frame_allocator.hpp"

#include <new>

namespace purecache::detail {

constinit thread_local FrameCache tls_frame_cache{};

namespace {

std::size_t class_bytes(std::size_t index) noexcept { return (index + 1) * kFrameSizeGranule; }

void release_cached_frames(FrameCache& cache) noexcept {
  for (std::size_t index = 0; index < kFrameClassCount; ++index) {
    FreeFrame* frame = cache.heads[index];
    while (frame != nullptr) {
      PURECACHE_UNPOISON_MEMORY(frame, class_bytes(index));
      FreeFrame* next = frame->next;
      ::operator delete(frame);
      ++cache.releases;
      frame = next;
    }
    cache.heads[index] = nullptr;
  }
}

struct Reaper {
  Reaper() = default;
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;
  ~Reaper() {
    tls_frame_cache.open = false;
    tls_frame_cache.closed = true;
    release_cached_frames(tls_frame_cache);
  }
};

// A function-local thread_local is constructed (and its destructor registered) only on the
// first call per thread, which keeps the TLS init guard off the fast paths. A frame allocated on
// another thread may be freed on a thread that never allocated: frees arm the hook too, or that
// thread's cache would leak at exit.
void open_cache(FrameCache& cache) noexcept {
  thread_local Reaper reaper;
  static_cast<void>(reaper);
  cache.open = true;
}

}  // namespace

FrameAllocatorStats frame_allocator_stats() noexcept {
  const FrameCache& cache = tls_frame_cache;
  FrameAllocatorStats stats{.fresh_allocations = cache.fresh_allocations,
                            .reuses = cache.reuses,
                            .releases = cache.releases};
  for (const FreeFrame* head : cache.heads) {
    if (head != nullptr) stats.cached_frames += head->depth;
  }
  return stats;
}

void* allocate_frame_slow(std::size_t size) {
  FrameCache& cache = tls_frame_cache;
  if (size <= kMaxRecycledFrameSize) {
    // Rounded up to the class size: the frame may later serve any frame of its class.
    if (!cache.open && !cache.closed) open_cache(cache);
    size = class_bytes(frame_class(size));
  }
  void* frame = ::operator new(size);
  ++cache.fresh_allocations;
  return frame;
}

void deallocate_frame_slow(void* frame, std::size_t size) noexcept {
  FrameCache& cache = tls_frame_cache;
  if (size <= kMaxRecycledFrameSize && !cache.open && !cache.closed) {
    open_cache(cache);
    deallocate_frame(frame, size);
    return;
  }
  // Unsized: clang does not declare the sized form without -fsized-deallocation, and our
  // consumers' flags are their own. Every ::operator new result may be freed this way.
  ::operator delete(frame);
  ++cache.releases;
}

}  // namespace purecache::detail
