#pragma once
/// An allocator for large arrays written once from start to end: their pages mapped up front.

#include <sys/mman.h>

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace purecache::sim::detail {

/// std::allocator, unless constructed with populate = true: then blocks of 2 MiB and more come
/// from mmap with MAP_POPULATE, so the kernel maps every page in one call instead of taking a
/// fault per page as the array fills; several times cheaper where faults are expensive
/// (virtualised kernels). Only for blocks that will be filled: every page is resident at once.
template <class T>
struct PopulatedAllocator {
  using value_type = T;
  // The choice travels with the array it was made for.
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  static constexpr std::size_t kLargeBytes = std::size_t{2} << 20;

  PopulatedAllocator() noexcept = default;
  explicit PopulatedAllocator(bool populate) noexcept : populate_(populate) {}
  template <class U>
  PopulatedAllocator(const PopulatedAllocator<U>& other) noexcept  // NOLINT: rebinding
      : populate_(other.populates()) {}

  [[nodiscard]] bool populates() const noexcept { return populate_; }

  [[nodiscard]] T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!populate_ || bytes < kLargeBytes) return std::allocator<T>{}.allocate(n);
    void* block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (block == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(block);
  }
  void deallocate(T* block, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (!populate_ || bytes < kLargeBytes) {
      std::allocator<T>{}.deallocate(block, n);
    } else {
      munmap(block, bytes);
    }
  }

  /// resize() default-initialises: plain numbers are left as they are rather than zeroed, since
  /// an array written once from start to end overwrites them anyway; a type with member
  /// initialisers (Request) still gets them.
  template <class U>
  void construct(U* place) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(place)) U;
  }
  template <class U, class... Args>
  void construct(U* place, Args&&... args) {
    ::new (static_cast<void*>(place)) U(std::forward<Args>(args)...);
  }

  template <class U>
  friend bool operator==(const PopulatedAllocator& a, const PopulatedAllocator<U>& b) noexcept {
    return a.populates() == b.populates();
  }

 private:
  bool populate_ = false;
};

}  // namespace purecache::sim::detail
