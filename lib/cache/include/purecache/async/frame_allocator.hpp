#pragma once
/// Recycling of coroutine frames: a per-thread free list bucketed by size class.

#include <cstddef>
#include <cstdint>

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

/// The calling thread's counters. O(1), no synchronisation: other threads' counters are unseen.
[[nodiscard]] FrameAllocatorStats frame_allocator_stats() noexcept;

/// Returns memory for a coroutine frame of `size` bytes, aligned for any fundamental type.
/// Reuses a cached frame of the same size class when the calling thread has one (O(1), no lock);
/// otherwise calls ::operator new, which may throw std::bad_alloc.
[[nodiscard]] void* allocate_frame(std::size_t size);

/// Gives back a frame from allocate_frame(size), from any thread: it joins the calling thread's
/// free list (or goes to ::operator delete when that list is full or the size is too large).
/// A thread's cached frames are released when the thread exits.
void deallocate_frame(void* frame, std::size_t size) noexcept;

/// Base for promise types whose coroutine frames come from allocate_frame/deallocate_frame.
struct RecycledFrame {
  /// The frame of a coroutine with this promise: see allocate_frame.
  [[nodiscard]] static void* operator new(std::size_t size) { return allocate_frame(size); }
  /// See deallocate_frame; the compiler passes the size given to operator new.
  static void operator delete(void* frame, std::size_t size) noexcept {
    deallocate_frame(frame, size);
  }
};

}  // namespace purecache::detail
