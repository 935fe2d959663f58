#pragma once
/// Recycling of coroutine frames: a per-thread free list bucketed by size class.

#include <array>
#include <cstddef>
#include <cstdint>

#include "purecache/detail/sanitizers.hpp"

namespace purecache::detail {

/// Frames are rounded up to a multiple of this many bytes; each multiple is one size class.
inline constexpr std::size_t kFrameSizeGranule = 64;
/// Frames larger than this bypass the cache and go straight to ::operator new/delete.
inline constexpr std::size_t kMaxRecycledFrameSize = 2048;
/// At most this many free frames are kept per size class and thread; extra frees go to
/// ::operator delete, so a burst of frames does not pin its memory once it is over.
inline constexpr std::size_t kMaxCachedFramesPerClass = 64;

/// Counters of the calling thread's frame cache, since the thread started.
struct FrameAllocatorStats {
  std::uint64_t fresh_allocations = 0;  // calls that reached ::operator new
  std::uint64_t reuses = 0;             // allocations served from the free lists
  std::uint64_t releases = 0;           // frees that reached ::operator delete
  std::uint64_t cached_frames = 0;      // free frames held now, all classes together
};

/// The calling thread's counters. O(number of size classes), no synchronisation: other threads'
/// counters are unseen.
[[nodiscard]] FrameAllocatorStats frame_allocator_stats() noexcept;

inline constexpr std::size_t kFrameClassCount = kMaxRecycledFrameSize / kFrameSizeGranule;
static_assert(kMaxRecycledFrameSize % kFrameSizeGranule == 0);

/// The first bytes of a cached frame.
struct FreeFrame {
  FreeFrame* next;      // next free frame of the same class
  std::uint32_t depth;  // frames in the list from this one on, this one included
};

/// One thread's free lists. Trivially destructible on purpose: it stays usable while other
/// thread_local destructors (which may destroy coroutines) run at thread exit.
struct FrameCache {
  std::array<FreeFrame*, kFrameClassCount> heads;  // one LIFO list per class; hot frames first
  std::uint64_t fresh_allocations;                 // as in FrameAllocatorStats
  std::uint64_t reuses;                            // as in FrameAllocatorStats
  std::uint64_t releases;                          // as in FrameAllocatorStats
  bool open;    // the exit hook is armed and has not run: frees may be cached
  bool closed;  // the exit hook ran: nothing is cached any more on this thread
};

// constinit on the declaration lets inline callers skip the TLS init wrapper.
extern constinit thread_local FrameCache tls_frame_cache;

/// The size class of a frame of `size` (1..kMaxRecycledFrameSize) bytes.
[[nodiscard]] constexpr std::size_t frame_class(std::size_t size) noexcept {
  return (size - 1) / kFrameSizeGranule;
}

/// Out of line: fresh allocations, oversized frames, full lists and thread start and exit.
[[nodiscard]] void* allocate_frame_slow(std::size_t size);
void deallocate_frame_slow(void* frame, std::size_t size) noexcept;

/// Returns memory for a coroutine frame of `size` bytes, aligned for any fundamental type.
/// Reuses a cached frame of the same size class when the calling thread has one (inline, a few
/// instructions, no lock); otherwise calls ::operator new, which may throw std::bad_alloc.
[[nodiscard, gnu::always_inline]] inline void* allocate_frame(std::size_t size) {
  if (size <= kMaxRecycledFrameSize) {
    FrameCache& cache = tls_frame_cache;
    FreeFrame*& head = cache.heads[frame_class(size)];
    if (FreeFrame* frame = head; frame != nullptr) [[likely]] {
      head = frame->next;
      ++cache.reuses;
      PURECACHE_UNPOISON_MEMORY(frame, (frame_class(size) + 1) * kFrameSizeGranule);
      return frame;
    }
  }
  return allocate_frame_slow(size);
}

/// Gives back a frame from allocate_frame(size), from any thread: it joins the calling thread's
/// free list (or goes to ::operator delete when that list is full or the size is too large).
/// A thread's cached frames are released when the thread exits.
[[gnu::always_inline]] inline void deallocate_frame(void* frame, std::size_t size) noexcept {
  if (size <= kMaxRecycledFrameSize) {
    FrameCache& cache = tls_frame_cache;
    FreeFrame*& head = cache.heads[frame_class(size)];
    const std::uint32_t depth = head == nullptr ? 0 : head->depth;
    if (cache.open && depth < kMaxCachedFramesPerClass) [[likely]] {
      auto* node = static_cast<FreeFrame*>(frame);
      node->next = head;
      node->depth = depth + 1;
      head = node;
      PURECACHE_POISON_MEMORY(reinterpret_cast<char*>(frame) + sizeof(FreeFrame),
                              (frame_class(size) + 1) * kFrameSizeGranule - sizeof(FreeFrame));
      return;
    }
  }
  deallocate_frame_slow(frame, size);
}

/// Base for promise types whose coroutine frames come from allocate_frame/deallocate_frame.
/// Forced inline: GCC otherwise keeps operator delete out of line in some coroutines (ARC's and
/// W-TinyLFU's backend operations), a call and about 20 instructions more per operation.
struct RecycledFrame {
  /// The frame of a coroutine with this promise: see allocate_frame.
  [[nodiscard, gnu::always_inline]] static void* operator new(std::size_t size) {
    return allocate_frame(size);
  }
  /// See deallocate_frame; the compiler passes the size given to operator new.
  [[gnu::always_inline]] static void operator delete(void* frame, std::size_t size) noexcept {
    deallocate_frame(frame, size);
  }
};

}  // namespace purecache::detail
