#pragma once
/// Open-addressing index from key hash to entry number, shared by every core.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// Linear probing over 8-byte slots {tag, entry + 1}. The tag is the hash's high 32 bits and
/// also picks the home slot (tag * slots >> 32), so the table can be any size and can be
/// rebuilt or backward-shifted without rehashing a single key. Deletion shifts later slots
/// back instead of leaving tombstones, so probe lengths stay short under constant churn.
/// The table keeps 2.5 slots per reserved entry (load <= 0.4): probes stay near one.
class KeyIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::size_t kSlotsPerTwoEntries = 5;  // 2.5 slots per entry

  explicit KeyIndex(MemoryCounter* counter) : slots_(CountingAllocator<Slot>(counter)) {}

  /// Entry number whose key `matches(entry)`, or kNone. Expected ~1.3 probes for a hit.
  template <class Matches>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, Matches&& matches) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t tag = tag_of(hash);
    for (std::size_t pos = home(tag);; pos = next(pos)) {
      const Slot slot = slots_[pos];
      if (slot.ref == 0) return kNone;
      if (slot.tag == tag && matches(slot.ref - 1)) return slot.ref - 1;
    }
  }

  /// Hint: start loading the home slot of `hash`, for a lookup a few operations from now.
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[home(tag_of(hash))]);
  }

  /// Adds a key known to be absent. reserve() must have made room for it.
  void insert(std::uint64_t hash, std::uint32_t entry) noexcept {
    assert(!slots_.empty() && entry < kNone - 1);
    const std::uint32_t tag = tag_of(hash);
    std::size_t pos = home(tag);
    while (slots_[pos].ref != 0)
      pos = next(pos);
    slots_[pos] = Slot{tag, entry + 1};
  }

  /// Removes the slot that refers to `entry`, which must be present under `hash`.
  void erase(std::uint64_t hash, std::uint32_t entry) noexcept {
    erase_at(position_of(hash, entry));
  }

  /// Points the slot of `from` (present under `hash`) at `to`: used when an entry moves.
  void retarget(std::uint64_t hash, std::uint32_t from, std::uint32_t to) noexcept {
    slots_[position_of(hash, from)].ref = to + 1;
  }

  /// Grows the table to hold `entries` at the target load; keeps every mapping. Never shrinks.
  void reserve(std::size_t entries) {
    const std::size_t wanted = entries * kSlotsPerTwoEntries / 2 + 1;
    if (wanted <= slots_.size()) return;
    std::vector<Slot, CountingAllocator<Slot>> old(slots_.get_allocator());
    old.swap(slots_);
    slots_.assign(wanted, Slot{});
    for (const Slot slot : old) {
      if (slot.ref == 0) continue;
      std::size_t pos = home(slot.tag);
      while (slots_[pos].ref != 0)
        pos = next(pos);
      slots_[pos] = slot;
    }
  }

  /// Forgets every mapping; keeps the table.
  void clear() noexcept { std::fill(slots_.begin(), slots_.end(), Slot{}); }

  [[nodiscard]] std::size_t slot_count() const noexcept { return slots_.size(); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // high half of the key's hash
    std::uint32_t ref = 0;  // entry number + 1; 0 = empty
  };

  [[nodiscard]] static std::uint32_t tag_of(std::uint64_t hash) noexcept {
    return static_cast<std::uint32_t>(hash >> 32);
  }
  [[nodiscard]] std::size_t home(std::uint32_t tag) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(tag) * slots_.size()) >> 32);
  }
  [[nodiscard]] std::size_t next(std::size_t pos) const noexcept {
    return pos + 1 == slots_.size() ? 0 : pos + 1;
  }
  [[nodiscard]] std::size_t position_of(std::uint64_t hash, std::uint32_t entry) const noexcept {
    const std::uint32_t tag = tag_of(hash);
    std::size_t pos = home(tag);
    while (slots_[pos].ref != entry + 1) {
      assert(slots_[pos].ref != 0 && "entry is not indexed under this hash");
      pos = next(pos);
    }
    return pos;
  }

  void erase_at(std::size_t hole) noexcept {
    for (std::size_t pos = next(hole);; pos = next(pos)) {
      const Slot slot = slots_[pos];
      if (slot.ref == 0) break;
      const std::size_t want = home(slot.tag);
      // The slot may fill the hole unless its home lies cyclically in (hole, pos].
      const bool stays = hole <= pos ? (hole < want && want <= pos) : (hole < want || want <= pos);
      if (!stays) {
        slots_[hole] = slot;
        hole = pos;
      }
    }
    slots_[hole] = Slot{};
  }

  std::vector<Slot, CountingAllocator<Slot>> slots_;  // size fixed between reserve() calls
};

}  // namespace purecache::detail
