#include "purecache/async/frame_allocator.hpp"

#include <array>
#include <new>

// GCC defines __SANITIZE_ADDRESS__; clang 14 reports ASan only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define PURECACHE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PURECACHE_ASAN 1
#endif
#endif

#if defined(PURECACHE_ASAN)
#include <sanitizer/asan_interface.h>
#define PURECACHE_POISON_FRAME(addr, size) ASAN_POISON_MEMORY_REGION(addr, size)
#define PURECACHE_UNPOISON_FRAME(addr, size) ASAN_UNPOISON_MEMORY_REGION(addr, size)
#else
#define PURECACHE_POISON_FRAME(addr, size) static_cast<void>(0)
#define PURECACHE_UNPOISON_FRAME(addr, size) static_cast<void>(0)
#endif

namespace purecache::detail {

namespace {

constexpr std::size_t kClassCount = kMaxRecycledFrameSize / kFrameSizeGranule;
static_assert(kMaxRecycledFrameSize % kFrameSizeGranule == 0);

// A cached frame's first bytes hold the link to the next free frame of its class.
struct FreeFrame {
  FreeFrame* next;
};

// Trivially destructible on purpose: it stays usable while other thread_local destructors
// (which may destroy coroutines) run at thread exit; the Reaper below empties it.
struct FrameCache {
  std::array<FreeFrame*, kClassCount> heads;       // one LIFO list per class; hot frames first
  std::array<std::uint32_t, kClassCount> lengths;  // <= kMaxCachedFramesPerClass
  FrameAllocatorStats stats;
  bool reaper_armed;  // this thread registered the exit hook
  bool closed;        // the exit hook ran: no more caching on this thread
};

constinit thread_local FrameCache tls_cache{};

std::size_t class_bytes(std::size_t index) noexcept { return (index + 1) * kFrameSizeGranule; }

void release_cached_frames(FrameCache& cache) noexcept {
  for (std::size_t index = 0; index < kClassCount; ++index) {
    FreeFrame* frame = cache.heads[index];
    while (frame != nullptr) {
      PURECACHE_UNPOISON_FRAME(frame, class_bytes(index));
      FreeFrame* next = frame->next;
      ::operator delete(frame);
      ++cache.stats.releases;
      frame = next;
    }
    cache.heads[index] = nullptr;
    cache.lengths[index] = 0;
  }
  cache.stats.cached_frames = 0;
}

struct Reaper {
  Reaper() = default;
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;
  ~Reaper() {
    release_cached_frames(tls_cache);
    tls_cache.closed = true;
  }
};

// A function-local thread_local is constructed (and its destructor registered) only on the
// first call per thread, which keeps the TLS init guard off the allocation fast path.
void arm_reaper(FrameCache& cache) noexcept {
  thread_local Reaper reaper;
  static_cast<void>(reaper);
  cache.reaper_armed = true;
}

}  // namespace

FrameAllocatorStats frame_allocator_stats() noexcept { return tls_cache.stats; }

void* allocate_frame(std::size_t size) {
  FrameCache& cache = tls_cache;
  if (size <= kMaxRecycledFrameSize && !cache.closed) {
    const std::size_t index = (size + kFrameSizeGranule - 1) / kFrameSizeGranule - 1;
    if (FreeFrame* frame = cache.heads[index]; frame != nullptr) {
      PURECACHE_UNPOISON_FRAME(frame, class_bytes(index));
      cache.heads[index] = frame->next;
      --cache.lengths[index];
      --cache.stats.cached_frames;
      ++cache.stats.reuses;
      return frame;
    }
    if (!cache.reaper_armed) arm_reaper(cache);
    void* frame = ::operator new(class_bytes(index));
    ++cache.stats.fresh_allocations;
    return frame;
  }
  void* frame = ::operator new(size);
  ++cache.stats.fresh_allocations;
  return frame;
}

void deallocate_frame(void* frame, std::size_t size) noexcept {
  FrameCache& cache = tls_cache;
  if (size <= kMaxRecycledFrameSize) {
    const std::size_t index = (size + kFrameSizeGranule - 1) / kFrameSizeGranule - 1;
    if (cache.lengths[index] < kMaxCachedFramesPerClass && !cache.closed) {
      // A frame allocated on another thread may land on a thread that never allocated:
      // arm the exit hook here too, or that thread's cache would leak at exit.
      if (!cache.reaper_armed) arm_reaper(cache);
      auto* node = static_cast<FreeFrame*>(frame);
      node->next = cache.heads[index];
      cache.heads[index] = node;
      ++cache.lengths[index];
      ++cache.stats.cached_frames;
      PURECACHE_POISON_FRAME(reinterpret_cast<char*>(frame) + sizeof(FreeFrame),
                             class_bytes(index) - sizeof(FreeFrame));
      return;
    }
  }
  // Unsized: clang does not declare the sized form without -fsized-deallocation, and our
  // consumers' flags are their own. Every ::operator new result may be freed this way.
  ::operator delete(frame);
  ++cache.stats.releases;
}

}  // namespace purecache::detail
