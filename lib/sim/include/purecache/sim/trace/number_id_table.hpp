#pragma once
/// Open-addressing map from 64-bit numbers to the key ids an interner gave them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/core/hash.hpp"
#include "purecache/sim/detail/huge_page_allocator.hpp"
#include "purecache/sim/trace/request.hpp"

namespace purecache::sim::detail {

/// Linear probing over 16-byte slots {number, id + 1}, power-of-two sized, load <= 3/4; the
/// caller supplies, for a new number, the id. Shared by both interners, so that numeric keys
/// cost one slot read whichever format they come in.
class NumberIdTable {
 public:
  NumberIdTable();

  /// The hash find_or_insert() wants: the cores' one-multiply fold, whose top bits pick the slot.
  [[nodiscard]] static std::uint64_t hash(std::uint64_t number) noexcept {
    return purecache::detail::mix64(number);
  }

  void prefetch(std::uint64_t hash) const noexcept {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(hash >> shift_)]);
  }

  /// The id of `number` (`hash` == hash(number)); if absent, stores and returns `make_id()`,
  /// which may throw (the table is then unchanged).
  template <class MakeId>
  [[nodiscard]] KeyId find_or_insert(std::uint64_t number, std::uint64_t hash, MakeId&& make_id) {
    std::size_t index = static_cast<std::size_t>(hash >> shift_);
    for (;;) {
      const Slot& slot = slots_[index];
      if (slot.id_plus_one == 0) {
        const KeyId id = make_id();
        insert_at(index, number, id);
        return id;
      }
      if (slot.number == number) return slot.id_plus_one - 1;
      index = (index + 1) & mask_;
    }
  }

  /// Bytes held by the slots.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    std::uint64_t number;       // valid when id_plus_one != 0
    std::uint32_t id_plus_one;  // 0 = empty
  };

  void insert_at(std::size_t index, std::uint64_t number, KeyId id);
  void grow();

  std::vector<Slot, HugePageAllocator<Slot>> slots_;  // size is 2^k
  std::size_t mask_;                                  // slots_.size() - 1
  unsigned shift_;        // 64 - log2(slots_.size()): top hash bits index the table
  std::size_t used_ = 0;  // slots holding a number
};

}  // namespace purecache::sim::detail
