#pragma once
/// FIFO of entry numbers in a circular buffer, with removal from the middle by position.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// A FIFO queue of slab entry numbers, oldest first, kept in a ring buffer instead of links
/// through the entries: a queue that is mostly pushed at one end and popped at the other (S3-FIFO's
/// queues, a CLOCK-like reinsertion) then reads and writes contiguous memory, and the entries the
/// next pops will visit are known ahead without loading any entry.
/// - Each id gets a position when pushed (a 32-bit counter that wraps); the caller keeps it in its
///   entry to remove that id from the middle, which leaves a hole that oldest() skips.
/// - The buffer's size is a power of two. When it is full it grows by doubling, or, when at least
///   half its slots are holes, closes them instead: the live ids keep their order but get new
///   positions, reported through `moved(id, position)`.
class IdRing {
 public:
  explicit IdRing(MemoryCounter* counter) : slots_(CountingAllocator<std::uint32_t>(counter)) {}
  /// A moved-from ring is empty, with no buffer.
  IdRing(IdRing&& other) noexcept
      : slots_(std::move(other.slots_)),
        mask_(std::exchange(other.mask_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        front_(std::exchange(other.front_, 0)),
        back_(std::exchange(other.back_, 0)),
        live_(std::exchange(other.live_, 0)) {}
  IdRing& operator=(IdRing&& other) noexcept {
    slots_ = std::move(other.slots_);
    other.slots_.clear();
    mask_ = std::exchange(other.mask_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    front_ = std::exchange(other.front_, 0);
    back_ = std::exchange(other.back_, 0);
    live_ = std::exchange(other.live_, 0);
    return *this;
  }
  IdRing(const IdRing&) = delete;
  IdRing& operator=(const IdRing&) = delete;
  ~IdRing() = default;

  [[nodiscard]] bool empty() const noexcept { return live_ == 0; }
  /// Ids in the queue (holes not counted).
  [[nodiscard]] std::uint32_t size() const noexcept { return live_; }

  /// Appends `id` as the newest; returns its position. `moved(id, position)` is called for each
  /// live id whose position changes (closing holes to make room). Amortised O(1).
  template <class OnMove>
  std::uint32_t push_back(std::uint32_t id, OnMove&& moved) {
    if (back_ - front_ == capacity_) [[unlikely]] make_room(moved);
    const std::uint32_t position = back_;
    slots_[position & mask_] = id;
    back_ = position + 1;
    ++live_;
    return position;
  }

  /// The oldest id; the queue must not be empty. Skips (and forgets) holes at the front.
  [[nodiscard]] std::uint32_t oldest() noexcept {
    assert(!empty());
    while (slots_[front_ & mask_] == kNil) ++front_;
    return slots_[front_ & mask_];
  }
  /// Removes and returns the oldest id; the queue must not be empty.
  std::uint32_t pop_oldest() noexcept {
    assert(!empty());
    std::uint32_t front = front_;
    std::uint32_t id;
    while ((id = slots_[front & mask_]) == kNil) ++front;
    front_ = front + 1;
    --live_;
    return id;
  }
  /// Removes the id pushed at `position` (still in the queue), leaving a hole.
  void remove(std::uint32_t position) noexcept {
    assert(position - front_ < back_ - front_ && slots_[position & mask_] != kNil);
    slots_[position & mask_] = kNil;
    if (--live_ == 0) front_ = back_;  // only holes left: forget them
  }

  /// The id `ahead` places after the front, counting holes (kNil for a hole or past the newest):
  /// what a pop a few steps later will meet, for a prefetch. Changes nothing.
  [[nodiscard]] std::uint32_t peek(std::uint32_t ahead) const noexcept {
    if (ahead >= back_ - front_) return kNil;
    return slots_[(front_ + ahead) & mask_];
  }

  /// Empties the queue; keeps the buffer.
  void clear() noexcept { front_ = back_ = live_ = 0; }

 private:
  // Out of line and rare: push_back stays small enough to inline into an eviction loop.
  template <class OnMove>
  [[gnu::noinline, gnu::cold]] void make_room(OnMove& moved) {
    const std::uint32_t used = back_ - front_;
    if (used - live_ >= used / 2 && used != 0) {
      // Close the holes in place, oldest first: the write position never passes the read one.
      std::uint32_t to = front_;
      for (std::uint32_t from = front_; from != back_; ++from) {
        const std::uint32_t id = slots_[from & mask_];
        if (id == kNil) continue;
        slots_[to & mask_] = id;
        if (to != from) moved(id, to);
        ++to;
      }
      back_ = to;
      return;
    }
    // Positions stay valid: each id goes to its position's slot in the larger buffer.
    const std::size_t size = slots_.empty() ? 16 : slots_.size() * 2;
    std::vector<std::uint32_t, CountingAllocator<std::uint32_t>> larger(size, kNil,
                                                                       slots_.get_allocator());
    const auto larger_mask = static_cast<std::uint32_t>(size - 1);
    for (std::uint32_t p = front_; p != back_; ++p) larger[p & larger_mask] = slots_[p & mask_];
    slots_ = std::move(larger);
    mask_ = larger_mask;
    capacity_ = static_cast<std::uint32_t>(size);
  }

  std::vector<std::uint32_t, CountingAllocator<std::uint32_t>>
      slots_;                   // power-of-two size (or empty); slot p & mask_ holds position p
  std::uint32_t mask_ = 0;      // slots_.size() - 1
  std::uint32_t capacity_ = 0;  // slots_.size()
  std::uint32_t front_ = 0;     // position of the oldest id or hole
  std::uint32_t back_ = 0;      // position the next push takes; back_ - front_ <= slots_.size()
  std::uint32_t live_ = 0;      // ids in [front_, back_) that are not holes
};

}  // namespace purecache::detail
