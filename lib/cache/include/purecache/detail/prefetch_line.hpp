#pragma once
/// A cache-line prefetch hint that the optimiser keeps.

namespace purecache::detail {

/// Starts loading the cache line at `p` (a hint: changes nothing). An asm statement on x86:
/// GCC 12 at -O2/-O3 deleted __builtin_prefetch calls whose address came from a mixed hash (the
/// sketch's 4 prefetches compiled to nothing) or from a loaded heap slot (Belady's).
inline void prefetch_line(const void* p) noexcept {
#if defined(__GNUC__) && defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace purecache::detail
