#pragma once
/// Key interners: map trace keys (strings or 64-bit ids) to dense KeyIds 0, 1, 2, ...

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "purecache/core/hash.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/detail/huge_page_allocator.hpp"
#include "purecache/sim/trace/number_id_table.hpp"
#include "purecache/sim/trace/request.hpp"
#include "purecache/sim/trace/trace_error.hpp"

namespace purecache::sim {

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
  return purecache::detail::mix64(h);
}

/// The value of `key` if it is the canonical decimal spelling of a number below 10^19: digits
/// only, no sign, no leading zero but in "0". Canonical spellings and values are one to one.
[[nodiscard]] inline bool canonical_decimal(std::string_view key, std::uint64_t& value) noexcept {
  if (key.empty() || key.size() > 19 || (key[0] == '0' && key.size() > 1)) return false;
  std::uint64_t v = 0;
  for (const char c : key) {
    const auto digit = static_cast<unsigned char>(c - '0');
    if (digit > 9) return false;
    v = v * 10 + digit;
  }
  value = v;
  return true;
}

[[noreturn]] void throw_key_limit(std::size_t limit);
void check_max_keys(std::size_t max_keys);
}  // namespace detail

/// A string key looked at ahead of interning, so that a batch can prefetch its slots first.
struct KeyProbe {
  std::uint64_t hash;    // NumberIdTable::hash(number) if numeric, else of the key's bytes
  std::uint64_t number;  // the key's value, if numeric
  bool numeric;          // the key is a canonical decimal number (detail::canonical_decimal)
};

/// Interns string keys; a known key costs no allocation. Canonical decimal keys are found by value
/// (one slot read), others by hash then bytes in an arena; one id sequence (docs/trace-formats.md).
/// Memory: 16 bytes per slot of either table (load <= 3/4) + 8 bytes per key + the key bytes + 8.
class StringKeyInterner {
 public:
  /// max_keys in [1, kMaxKeyCount], else ConfigError.
  explicit StringKeyInterner(std::size_t max_keys = kMaxKeyCount);

  /// What intern() computes first; pass it to prefetch() and intern(key, probe) to overlap the
  /// tables' cache misses across a batch.
  [[nodiscard]] static KeyProbe probe(std::string_view key) noexcept {
    KeyProbe p{0, 0, false};
    p.numeric = detail::canonical_decimal(key, p.number);
    p.hash = p.numeric ? detail::NumberIdTable::hash(p.number)
                       : detail::interner_hash(key.data(), key.size());
    return p;
  }
  /// Hints the CPU to load the slot `probe` starts at. No effect on contents.
  void prefetch(const KeyProbe& probe) const noexcept {
    if (probe.numeric) {
      numbers_.prefetch(probe.hash);
    } else {
      __builtin_prefetch(&slots_[static_cast<std::size_t>(probe.hash >> shift_)]);
    }
  }

  /// Id of `key`, adding it as id size() if new. Amortised O(1); throws KeyLimitError if new
  /// and size() == max_keys. key.size() must be < 2^32.
  [[nodiscard]] KeyId intern(std::string_view key) { return intern(key, probe(key)); }

  /// intern(key) with `probe` == probe(key) computed earlier.
  [[nodiscard]] KeyId intern(std::string_view key, const KeyProbe& probe) {
    if (probe.numeric)
      return numbers_.find_or_insert(probe.number, probe.hash, [&] { return add(key); });
    std::size_t index = static_cast<std::size_t>(probe.hash >> shift_);
    for (;;) {
      const Slot& slot = slots_[index];
      if (slot.entry == nullptr) {
        return insert(key, index, probe.hash);
      }
      if (slot.hash == probe.hash && entry_key(slot.entry) == key) {
        return entry_id(slot.entry);
      }
      index = (index + 1) & mask_;
    }
  }

  /// The key interned as `id` (id < size()); valid as long as the interner.
  [[nodiscard]] std::string_view key(KeyId id) const noexcept { return entry_key(entries_[id]); }
  /// The value of the key interned as `id` if it is a canonical decimal number, else nullopt.
  [[nodiscard]] std::optional<std::uint64_t> number(KeyId id) const noexcept {
    std::uint64_t value = 0;
    if (!detail::canonical_decimal(key(id), value)) return std::nullopt;
    return value;
  }
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
  /// Gives `key` the next id and stores it; throws KeyLimitError at max_keys.
  KeyId add(std::string_view key);
  void grow();
  const char* store(KeyId id, std::string_view key);

  detail::NumberIdTable numbers_;                             // canonical decimal keys, by value
  std::vector<Slot, detail::HugePageAllocator<Slot>> slots_;  // other keys; size is 2^k
  std::size_t mask_ = 0;                                      // slots_.size() - 1
  unsigned shift_ = 64;               // 64 - log2(slots_.size()): top hash bits index the table
  std::vector<const char*> entries_;  // by id, dense
  std::vector<std::unique_ptr<char[]>> blocks_;  // arena: never moved, so entries stay valid
  std::size_t block_bytes_ = 0;                  // total capacity of blocks_
  char* free_ = nullptr;                         // next free byte of the last block
  std::size_t free_size_ = 0;                    // bytes left in the last block
  std::size_t string_keys_ = 0;                  // keys in slots_ (the others are in numbers_)
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
    numbers_.prefetch(detail::NumberIdTable::hash(key));
  }

  /// Id of `key`, adding it as id size() if new. Amortised O(1); throws KeyLimitError if new
  /// and size() == max_keys.
  [[nodiscard]] KeyId intern(std::uint64_t key) {
    return numbers_.find_or_insert(key, detail::NumberIdTable::hash(key), [&] { return add(key); });
  }

  /// The key interned as `id` (id < size()).
  [[nodiscard]] std::uint64_t key(KeyId id) const noexcept { return keys_[id]; }
  /// Every key by id; valid until the next intern().
  [[nodiscard]] std::span<const std::uint64_t> keys() const noexcept { return keys_; }
  /// Number of distinct keys interned.
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  /// Bytes held by the table and the id index.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  /// Gives `key` the next id; throws KeyLimitError at max_keys.
  KeyId add(std::uint64_t key);

  detail::NumberIdTable numbers_;  // key -> id
  // By id, dense. Huge pages: the library engine reads it once per request, at random for rare
  // keys.
  std::vector<std::uint64_t, detail::HugePageAllocator<std::uint64_t>> keys_;
  std::size_t max_keys_;  // size() never exceeds it
};

}  // namespace purecache::sim
