#pragma once
/// Exact accounting of the bytes a core's containers hold.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "purecache/core/core_stats.hpp"

namespace purecache::detail {

/// Running and peak byte totals; shared by every allocator of one core.
class MemoryCounter {
 public:
  void add(std::size_t bytes) noexcept {
    current_ += bytes;
    if (current_ > peak_) peak_ = current_;
  }
  void subtract(std::size_t bytes) noexcept { current_ -= bytes; }
  [[nodiscard]] MemoryUsage usage() const noexcept { return {current_, peak_}; }

 private:
  std::uint64_t current_ = 0;  // bytes allocated and not yet freed
  std::uint64_t peak_ = 0;     // max of current_ over the counter's life
};

/// std::allocator that reports every allocation to a MemoryCounter. The counter must outlive
/// every container using it; cores keep it on the heap so that moving a core keeps it valid.
template <class T>
class CountingAllocator {
 public:
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  explicit CountingAllocator(MemoryCounter* counter) noexcept : counter_(counter) {}
  template <class U>
  CountingAllocator(const CountingAllocator<U>& other) noexcept  // NOLINT: rebinding is implicit
      : counter_(other.counter()) {}

  [[nodiscard]] T* allocate(std::size_t n) {
    T* p = std::allocator<T>{}.allocate(n);
    counter_->add(n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    counter_->subtract(n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }

  [[nodiscard]] MemoryCounter* counter() const noexcept { return counter_; }

  template <class U>
  friend bool operator==(const CountingAllocator& a, const CountingAllocator<U>& b) noexcept {
    return a.counter_ == b.counter();
  }

 private:
  MemoryCounter* counter_;  // never null
};

}  // namespace purecache::detail
