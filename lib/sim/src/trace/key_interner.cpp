#include "purecache/sim/trace/key_interner.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <string>

namespace purecache::sim {

namespace {
constexpr std::size_t kInitialSlots = 1024;  // 2^10
constexpr unsigned kInitialShift = 64 - 10;
// Small enough not to matter for tiny traces.
constexpr std::size_t kArenaBlockBytes = std::size_t{64} << 10;

// Linear probing degrades quickly past 3/4 full.
bool over_load(std::size_t keys, std::size_t slots) noexcept { return keys * 4 > slots * 3; }
}  // namespace

KeyLimitError::KeyLimitError(std::size_t limit)
    : Error("too many distinct keys (limit " + std::to_string(limit) + ")"), limit_(limit) {}

namespace detail {
void throw_key_limit(std::size_t limit) { throw KeyLimitError(limit); }

void check_max_keys(std::size_t max_keys) {
  if (max_keys < 1 || max_keys > kMaxKeyCount) {
    purecache::detail::throw_config_error("max_keys", std::to_string(max_keys),
                                          "must be between 1 and " + std::to_string(kMaxKeyCount));
  }
}
}  // namespace detail

StringKeyInterner::StringKeyInterner(std::size_t max_keys)
    : slots_(kInitialSlots, Slot{nullptr, 0}),
      mask_(kInitialSlots - 1),
      shift_(kInitialShift),
      max_keys_(max_keys) {
  detail::check_max_keys(max_keys);
}

KeyId StringKeyInterner::add(std::string_view key) {
  assert(key.size() <= UINT32_MAX);
  if (entries_.size() == max_keys_) {
    detail::throw_key_limit(max_keys_);
  }
  const auto id = static_cast<KeyId>(entries_.size());
  entries_.push_back(store(id, key));
  return id;
}

KeyId StringKeyInterner::insert(std::string_view key, std::size_t index, std::uint64_t hash) {
  const KeyId id = add(key);
  slots_[index] = Slot{entries_.back(), hash};
  if (over_load(++string_keys_, slots_.size())) {
    grow();
  }
  return id;
}

const char* StringKeyInterner::store(KeyId id, std::string_view key) {
  const auto size = static_cast<std::uint32_t>(key.size());
  const std::size_t bytes = kEntryHeader + key.size();
  if (bytes > free_size_) {
    const std::size_t block = std::max(kArenaBlockBytes, bytes);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
    block_bytes_ += block;
    free_ = blocks_.back().get();
    free_size_ = block;
  }
  char* entry = free_;
  std::memcpy(entry, &id, sizeof id);
  std::memcpy(entry + 4, &size, sizeof size);
  if (size > 0) {
    std::memcpy(entry + kEntryHeader, key.data(), key.size());
  }
  free_ += bytes;
  free_size_ -= bytes;
  return entry;
}

void StringKeyInterner::grow() {
  decltype(slots_) slots(slots_.size() * 2, Slot{nullptr, 0});
  const std::size_t mask = slots.size() - 1;
  const unsigned shift = shift_ - 1;
  // Walking the old table (not the ids) keeps reads sequential; stored hashes spare the arena.
  for (const Slot& slot : slots_) {
    if (slot.entry == nullptr) {
      continue;
    }
    std::size_t index = static_cast<std::size_t>(slot.hash >> shift);
    while (slots[index].entry != nullptr) {
      index = (index + 1) & mask;
    }
    slots[index] = slot;
  }
  slots_ = std::move(slots);
  mask_ = mask;
  shift_ = shift;
}

std::size_t StringKeyInterner::memory_bytes() const noexcept {
  return numbers_.memory_bytes() + slots_.capacity() * sizeof(Slot) +
         entries_.capacity() * sizeof(const char*) + blocks_.capacity() * sizeof(blocks_[0]) +
         block_bytes_;
}

IdKeyInterner::IdKeyInterner(std::size_t max_keys) : max_keys_(max_keys) {
  detail::check_max_keys(max_keys);
}

KeyId IdKeyInterner::add(std::uint64_t key) {
  if (keys_.size() == max_keys_) {
    detail::throw_key_limit(max_keys_);
  }
  keys_.push_back(key);
  return static_cast<KeyId>(keys_.size() - 1);
}

std::size_t IdKeyInterner::memory_bytes() const noexcept {
  return numbers_.memory_bytes() + keys_.capacity() * sizeof(std::uint64_t);
}

namespace detail {

NumberIdTable::NumberIdTable()
    : slots_(kInitialSlots, Slot{0, 0}), mask_(kInitialSlots - 1), shift_(kInitialShift) {}

void NumberIdTable::insert_at(std::size_t index, std::uint64_t number, KeyId id) {
  slots_[index] = Slot{number, id + 1};
  if (over_load(++used_, slots_.size())) {
    grow();
  }
}

void NumberIdTable::grow() {
  decltype(slots_) slots(slots_.size() * 2, Slot{0, 0});
  const std::size_t mask = slots.size() - 1;
  const unsigned shift = shift_ - 1;
  for (const Slot& slot : slots_) {
    if (slot.id_plus_one == 0) {
      continue;
    }
    std::size_t index = static_cast<std::size_t>(hash(slot.number) >> shift);
    while (slots[index].id_plus_one != 0) {
      index = (index + 1) & mask;
    }
    slots[index] = slot;
  }
  slots_ = std::move(slots);
  mask_ = mask;
  shift_ = shift;
}

}  // namespace detail

}  // namespace purecache::sim
