#pragma once
/// Doubly linked list threaded through slab entries by 32-bit numbers.

#include <cstdint>

namespace purecache::detail {

inline constexpr std::uint32_t kNil = UINT32_MAX;

/// Head and tail of a list whose nodes are entries of a slab `S` (anything indexable by
/// std::uint32_t whose elements have `prev` and `next` members). Head = most recent.
/// The list does not own the nodes; every call is O(1).
struct LinkedOrder {
  std::uint32_t head = kNil;  // most recently linked, kNil when empty
  std::uint32_t tail = kNil;  // least recently linked, kNil when empty

  [[nodiscard]] bool empty() const noexcept { return head == kNil; }

  template <class S>
  void push_front(S& slab, std::uint32_t i) noexcept {
    auto& node = slab[i];
    node.prev = kNil;
    node.next = head;
    if (head != kNil) {
      slab[head].prev = i;
    } else {
      tail = i;
    }
    head = i;
  }

  template <class S>
  void unlink(S& slab, std::uint32_t i) noexcept {
    auto& node = slab[i];
    if (node.prev != kNil) {
      slab[node.prev].next = node.next;
    } else {
      head = node.next;
    }
    if (node.next != kNil) {
      slab[node.next].prev = node.prev;
    } else {
      tail = node.prev;
    }
  }

  template <class S>
  void move_to_front(S& slab, std::uint32_t i) noexcept {
    if (head == i) return;
    unlink(slab, i);
    push_front(slab, i);
  }

  /// The node formerly numbered `from` now lives at `to` (its prev/next moved with it):
  /// repoint its neighbours, or the ends of the list.
  template <class S>
  void relocated(S& slab, std::uint32_t from, std::uint32_t to) noexcept {
    auto& node = slab[to];
    if (node.prev != kNil) {
      slab[node.prev].next = to;
    } else if (head == from) {
      head = to;
    }
    if (node.next != kNil) {
      slab[node.next].prev = to;
    } else if (tail == from) {
      tail = to;
    }
  }

  void clear() noexcept { head = tail = kNil; }
};

}  // namespace purecache::detail
