#pragma once
/// An allocator that asks the kernel to back large blocks with huge pages.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace purecache::sim::detail {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// std::allocator for blocks under 2 MiB; larger ones are 2 MiB-aligned and madvise'd
/// MADV_HUGEPAGE (a hint: ignored where transparent huge pages are off). For tables probed at
/// random, such as the key interners', this saves a TLB miss on most lookups. Power-of-two
/// tables of 2 MiB and more waste nothing to the rounding.
template <class T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {
  }  // NOLINT: rebinding is implicit

  [[nodiscard]] T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) return std::allocator<T>{}.allocate(n);
    const std::size_t rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    void* block = std::aligned_alloc(kHugePageBytes, rounded);
    if (block == nullptr) throw std::bad_alloc();
    static_cast<void>(madvise(block, rounded, MADV_HUGEPAGE));
    return static_cast<T*>(block);
  }
  void deallocate(T* block, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePageBytes) {
      std::allocator<T>{}.deallocate(block, n);
    } else {
      std::free(block);  // NOLINT: pairs with aligned_alloc
    }
  }

  template <class U>
  friend bool operator==(const HugePageAllocator& /*a*/,
                         const HugePageAllocator<U>& /*b*/) noexcept {
    return true;
  }
};

}  // namespace purecache::sim::detail
