#pragma once
/// FIFO of slab entry numbers in a circular buffer, with no position kept per entry.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// A FIFO queue of slab entry numbers, oldest first, in a power-of-two ring buffer instead of
/// links through the entries: a queue pushed at one end and popped at the other (S3-FIFO's
/// queues, a CLOCK-like reinsertion) reads and writes contiguous memory, and the entries the next
/// pops will visit are known without loading any entry (peek).
/// - It keeps no position per entry, so it cannot remove an id from the middle: its owner leaves
///   such an id in place (stale), recognises it when it is popped, and drops stale ids in one
///   pass with retain() when they grow too many.
/// - It grows by doubling when full and shrinks on request (resize); ids keep their order.
class EntryRing {
 public:
  explicit EntryRing(MemoryCounter* counter) : slots_(CountingAllocator<std::uint32_t>(counter)) {}
  /// A moved-from ring is empty, with no buffer.
  EntryRing(EntryRing&& other) noexcept
      : slots_(std::move(other.slots_)),
        mask_(std::exchange(other.mask_, 0)),
        front_(std::exchange(other.front_, 0)),
        back_(std::exchange(other.back_, 0)) {}
  EntryRing& operator=(EntryRing&& other) noexcept {
    slots_ = std::move(other.slots_);
    other.slots_.clear();
    mask_ = std::exchange(other.mask_, 0);
    front_ = std::exchange(other.front_, 0);
    back_ = std::exchange(other.back_, 0);
    return *this;
  }
  EntryRing(const EntryRing&) = delete;
  EntryRing& operator=(const EntryRing&) = delete;
  ~EntryRing() = default;

  [[nodiscard]] bool empty() const noexcept { return front_ == back_; }
  /// Ids held, stale ones included.
  [[nodiscard]] std::size_t size() const noexcept { return back_ - front_; }
  /// Slots of the buffer (0 or a power of two).
  [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
  [[nodiscard]] bool full() const noexcept { return size() == capacity(); }

  /// Appends `id` as the newest, doubling the buffer if it is full. Amortised O(1).
  void push_back(std::uint32_t id) {
    if (full()) [[unlikely]]
      resize(capacity() == 0 ? kMinSlots : capacity() * 2);
    slots_[back_ & mask_] = id;
    ++back_;
  }

  /// The oldest id; the ring must not be empty.
  [[nodiscard]] std::uint32_t front() const noexcept {
    assert(!empty());
    return slots_[front_ & mask_];
  }
  /// Removes and returns the oldest id; the ring must not be empty.
  std::uint32_t pop_front() noexcept {
    assert(!empty());
    return slots_[front_++ & mask_];
  }
  /// The id `ahead` places after the oldest, or kNil past the newest: what a pop a few steps
  /// later will meet, for a prefetch. Changes nothing.
  [[nodiscard]] std::uint32_t peek(std::size_t ahead) const noexcept {
    return ahead < size() ? slots_[(front_ + ahead) & mask_] : kNil;
  }

  /// Keeps, in order, the ids for which `keep(id)` is true; calls it once per id, oldest first.
  template <class Keep>
  void retain(Keep&& keep) {
    std::uint32_t to = front_;
    for (std::uint32_t from = front_; from != back_; ++from) {
      const std::uint32_t id = slots_[from & mask_];
      if (keep(id)) slots_[to++ & mask_] = id;
    }
    back_ = to;
  }

  /// Moves the ids, in order, to a buffer of `slots` slots (a power of two, at least size()).
  [[gnu::noinline]] void resize(std::size_t slots) {
    assert(slots >= size() && (slots & (slots - 1)) == 0);
    std::vector<std::uint32_t, CountingAllocator<std::uint32_t>> moved(slots,
                                                                       slots_.get_allocator());
    const auto count = static_cast<std::uint32_t>(size());
    for (std::uint32_t k = 0; k != count; ++k)
      moved[k] = slots_[(front_ + k) & mask_];
    slots_ = std::move(moved);
    mask_ = static_cast<std::uint32_t>(slots - 1);
    front_ = 0;
    back_ = count;
  }

  /// Empties the ring; keeps the buffer.
  void clear() noexcept { front_ = back_ = 0; }

 private:
  static constexpr std::size_t kMinSlots = 16;

  std::vector<std::uint32_t, CountingAllocator<std::uint32_t>>
      slots_;                // power-of-two size (or empty); position p lives in slot p & mask_
  std::uint32_t mask_ = 0;   // slots_.size() - 1
  std::uint32_t front_ = 0;  // position of the oldest id (wraps)
  std::uint32_t back_ = 0;   // position the next push takes; back_ - front_ <= slots_.size()
};

}  // namespace purecache::detail
