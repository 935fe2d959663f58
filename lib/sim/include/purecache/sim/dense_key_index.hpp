#pragma once
/// Index for keys that are already small dense numbers: an array from key to entry number.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "purecache/detail/memory_counter.hpp"

namespace purecache::sim {

/// The KeyIndex interface for a hash that is the identity onto 0, 1, 2, ... (DenseIdHash): the
/// hash is the array position, so a lookup is one load and never compares a key. Memory is
/// 4 bytes per key number up to the largest seen, not per entry: it suits interned trace keys.
class DenseKeyIndex {
  using MemoryCounter = purecache::detail::MemoryCounter;
  template <class T>
  using CountingAllocator = purecache::detail::CountingAllocator<T>;

 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  explicit DenseKeyIndex(MemoryCounter* counter) : refs_(Refs::allocator_type(counter)) {}

  /// Entry number of key number `hash`, or kNone. `matches` only checks the array in debug builds.
  template <class Matches>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, [[maybe_unused]] Matches&& matches) const {
    if (hash >= refs_.size()) return kNone;
    const std::uint32_t entry = refs_[hash];
    assert(entry == kNone || matches(entry));
    return entry;
  }

  void prefetch(std::uint64_t hash) const noexcept {
    if (hash < refs_.size()) __builtin_prefetch(&refs_[hash]);
  }

  /// Adds a key number known to be absent, growing the array geometrically past it if needed.
  void insert(std::uint64_t hash, std::uint32_t entry) {
    assert(entry != kNone);
    if (hash >= refs_.size()) [[unlikely]]
      grow_past(hash);
    refs_[hash] = entry;
  }

  void erase(std::uint64_t hash, [[maybe_unused]] std::uint32_t entry) noexcept {
    assert(refs_[hash] == entry);
    refs_[hash] = kNone;
  }

  void retarget(std::uint64_t hash, [[maybe_unused]] std::uint32_t from,
                std::uint32_t to) noexcept {
    assert(refs_[hash] == from);
    refs_[hash] = to;
  }

  /// Nothing to do: the array grows with key numbers, not with entries.
  void reserve(std::size_t /*entries*/) noexcept {}

  void clear() noexcept { std::fill(refs_.begin(), refs_.end(), kNone); }

  [[nodiscard]] std::size_t slot_count() const noexcept { return refs_.size(); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return refs_.capacity() * sizeof(std::uint32_t);
  }

 private:
  [[gnu::noinline]] void grow_past(std::uint64_t hash) {
    refs_.resize(std::max<std::size_t>(hash + 1, refs_.size() * 2), kNone);
  }

  using Refs = std::vector<std::uint32_t, CountingAllocator<std::uint32_t>>;

  Refs refs_;  // key number -> entry, kNone if absent
};

}  // namespace purecache::sim
