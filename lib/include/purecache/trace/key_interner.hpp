#pragma once
/// Key interners: map trace keys (strings or 64-bit ids) to dense KeyIds 0, 1, 2, ...

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "purecache/core/hash.hpp"
#include "purecache/detail/huge_page_allocator.hpp"
#include "purecache/error.hpp"
#include "purecache/trace/request.hpp"

namespace purecache {

/// Most distinct keys an interner can hold: ids 0 .. 2^32-2, so `id + 1` fits a 32-bit slot.
inline constexpr std::size_t kMaxKeyCount = 0xFFFF'FFFFu;

/// Thrown by an interner asked to add a key beyond its limit. The trace reader turns it into a
/// TraceError at the offending line or record.
class KeyLimitError : public Error {
 public:
  explicit KeyLimitError(std::size_t limit);
  /// The limit that was hit.
  [[nodiscard]] std::size_t limit() const noexcept { return limit_; }

 private:
  std::size_t limit_;  // max_keys of the interner that threw
};

namespace detail {
/// The cores' one-multiply fold (mix64): its top bits index a power-of-two table well, at a
/// third of the cost of a full finaliser; it runs twice per request (prefetch, then lookup).
[[nodiscard]] inline std::uint64_t interner_mix(std::uint64_t x) noexcept { return mix64(x); }

/// Hash of a byte string, 8 bytes per step; good enough for open addressing, not for adversaries.
[[nodiscard]] inline std::uint64_t interner_hash(const char* data, std::size_t size) noexcept {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = 0x243F6A8885A308D3ULL ^ (size * kMul);
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, data, 8);
    h = std::rotl((h ^ word) * kMul, 29);
    data += 8;
    size -= 8;
  }
  if (size > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, data, size);
    h = (h ^ word) * kMul;
  }
  return interner_mix(h);
}

[[noreturn]] void throw_key_limit(std::size_t limit);
void check_max_keys(std::size_t max_keys);
}  // namespace detail

/// Interns string keys. Lookup takes a string_view and allocates nothing for a known key; a new
/// key's bytes are copied once into an arena of large blocks. Open addressing with linear probing;
/// a slot holds the full hash and points straight at its key's arena entry (id, size, bytes), so
/// a hit costs the slot plus one arena read. Memory: 16 bytes per slot (load <= 3/4) + 8 bytes
/// per key + the key bytes + 8.
class StringKeyInterner {
 public:
  /// max_keys in [1, kMaxKeyCount], else ConfigError.
  explicit StringKeyInterner(std::size_t max_keys = kMaxKeyCount);

  /// The hash intern() uses; pass it to prefetch() and intern(key, hash) to overlap the table's
  /// cache misses across a batch.
  [[nodiscard]] static std::uint64_t hash(std::string_view key) noexcept {
    return detail::interner_hash(key.data(), key.size());
  }
  /// Hints the CPU to load the slot `hash` starts probing at. No effect on contents.
  void prefetch(std::uint64_t hash) const noexcept {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(hash >> shift_)]);
  }

  /// Id of `key`, adding it as id size() if new. Amortised O(1); throws KeyLimitError if new
  /// and size() == max_keys. key.size() must be < 2^32.
  [[nodiscard]] KeyId intern(std::string_view key) { return intern(key, hash(key)); }

  /// intern(key) with `hash` == hash(key) computed earlier.
  [[nodiscard]] KeyId intern(std::string_view key, std::uint64_t hash) {
    std::size_t index = static_cast<std::size_t>(hash >> shift_);
    for (;;) {
      const Slot& slot = slots_[index];
      if (slot.entry == nullptr) {
        return insert(key, index, hash);
      }
      if (slot.hash == hash && entry_key(slot.entry) == key) {
        return entry_id(slot.entry);
      }
      index = (index + 1) & mask_;
    }
  }

  /// The key interned as `id` (id < size()); valid as long as the interner.
  [[nodiscard]] std::string_view key(KeyId id) const noexcept { return entry_key(entries_[id]); }
  /// Number of distinct keys interned.
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  /// Bytes held by the table, the id index and the arena.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  // Arena entry: u32 id, u32 size, then the key's bytes (unaligned; read with memcpy).
  static constexpr std::size_t kEntryHeader = 8;

  struct Slot {
    const char* entry;   // nullptr = empty
    std::uint64_t hash;  // full hash: compares cheaply and lets grow() skip the arena
  };

  static KeyId entry_id(const char* entry) noexcept {
    KeyId id;
    std::memcpy(&id, entry, sizeof id);
    return id;
  }
  static std::string_view entry_key(const char* entry) noexcept {
    std::uint32_t size;
    std::memcpy(&size, entry + 4, sizeof size);
    return {entry + kEntryHeader, size};
  }

  KeyId insert(std::string_view key, std::size_t index, std::uint64_t hash);
  void grow();
  const char* store(KeyId id, std::string_view key);

  std::vector<Slot, detail::HugePageAllocator<Slot>> slots_;           // size is 2^k
  std::size_t mask_ = 0;              // slots_.size() - 1
  unsigned shift_ = 64;               // 64 - log2(slots_.size()): top hash bits index the table
  std::vector<const char*> entries_;  // by id, dense
  std::vector<std::unique_ptr<char[]>> blocks_;  // arena: never moved, so entries stay valid
  std::size_t block_bytes_ = 0;                  // total capacity of blocks_
  char* free_ = nullptr;                         // next free byte of the last block
  std::size_t free_size_ = 0;                    // bytes left in the last block
  std::size_t max_keys_;                         // size() never exceeds it
};

/// Interns 64-bit object ids (binary traces). Same contract as StringKeyInterner.
/// Memory: 8 bytes per key + 16 bytes per slot (load <= 3/4).
class IdKeyInterner {
 public:
  /// max_keys in [1, kMaxKeyCount], else ConfigError.
  explicit IdKeyInterner(std::size_t max_keys = kMaxKeyCount);

  /// Hints the CPU to load the slot interning `key` starts probing at. No effect on contents.
  void prefetch(std::uint64_t key) const noexcept {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(detail::interner_mix(key) >> shift_)]);
  }

  /// Id of `key`, adding it as id size() if new. Amortised O(1); throws KeyLimitError if new
  /// and size() == max_keys.
  [[nodiscard]] KeyId intern(std::uint64_t key) {
    std::size_t index = static_cast<std::size_t>(detail::interner_mix(key) >> shift_);
    for (;;) {
      const Slot& slot = slots_[index];
      if (slot.id_plus_one == 0) {
        return insert(key, index);
      }
      if (slot.key == key) {
        return slot.id_plus_one - 1;
      }
      index = (index + 1) & mask_;
    }
  }

  /// The key interned as `id` (id < size()).
  [[nodiscard]] std::uint64_t key(KeyId id) const noexcept { return keys_[id]; }
  /// Number of distinct keys interned.
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  /// Bytes held by the table and the id index.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  struct Slot {
    std::uint64_t key;          // valid when id_plus_one != 0
    std::uint32_t id_plus_one;  // 0 = empty
  };

  KeyId insert(std::uint64_t key, std::size_t index);
  void grow();

  std::vector<Slot, detail::HugePageAllocator<Slot>> slots_;          // size is 2^k
  std::size_t mask_ = 0;             // slots_.size() - 1
  unsigned shift_ = 64;              // 64 - log2(slots_.size())
  std::vector<std::uint64_t> keys_;  // by id, dense
  std::size_t max_keys_;             // size() never exceeds it
};

}  // namespace purecache
