#include "purecache/trace/key_interner.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <string>

namespace purecache {

namespace {
constexpr std::size_t kInitialSlots = 1024;         // 2^10
constexpr unsigned kInitialShift = 64 - 10;
constexpr std::size_t kArenaBlockBytes = 64 * 1024;  // small enough not to matter for tiny traces

// Linear probing degrades quickly past 3/4 full.
bool over_load(std::size_t keys, std::size_t slots) noexcept { return keys * 4 > slots * 3; }
}  // namespace

KeyLimitError::KeyLimitError(std::size_t limit)
    : Error("too many distinct keys (limit " + std::to_string(limit) + ")"), limit_(limit) {}

namespace detail {
void throw_key_limit(std::size_t limit) { throw KeyLimitError(limit); }

void check_max_keys(std::size_t max_keys) {
  if (max_keys < 1 || max_keys > kMaxKeyCount) {
    throw_config_error("max_keys", std::to_string(max_keys),
                       "must be between 1 and " + std::to_string(kMaxKeyCount));
  }
}
}  // namespace detail

StringKeyInterner::StringKeyInterner(std::size_t max_keys)
    : slots_(kInitialSlots, 0), mask_(kInitialSlots - 1), shift_(kInitialShift), max_keys_(max_keys) {
  detail::check_max_keys(max_keys);
}

KeyId StringKeyInterner::insert(std::string_view key, std::size_t index, std::uint32_t tag) {
  assert(key.size() <= UINT32_MAX);
  if (keys_.size() == max_keys_) {
    detail::throw_key_limit(max_keys_);
  }
  const auto id = static_cast<KeyId>(keys_.size());
  keys_.push_back(Stored{store(key), static_cast<std::uint32_t>(key.size())});
  slots_[index] = (std::uint64_t{tag} << 32) | (std::uint64_t{id} + 1);
  if (over_load(keys_.size(), slots_.size())) {
    grow();
  }
  return id;
}

const char* StringKeyInterner::store(std::string_view key) {
  if (key.size() > free_size_) {
    const std::size_t bytes = std::max(kArenaBlockBytes, key.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(bytes));
    block_bytes_ += bytes;
    free_ = blocks_.back().get();
    free_size_ = bytes;
  }
  char* out = free_;
  if (!key.empty()) {
    std::memcpy(out, key.data(), key.size());
  }
  free_ += key.size();
  free_size_ -= key.size();
  return out;
}

void StringKeyInterner::grow() {
  std::vector<std::uint64_t> slots(slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  const unsigned shift = shift_ - 1;
  // Re-hashing from the arena keeps slots at 8 bytes instead of storing the full hash.
  for (std::size_t id = 0; id < keys_.size(); ++id) {
    const std::uint64_t h = detail::interner_hash(keys_[id].data, keys_[id].size);
    std::size_t index = static_cast<std::size_t>(h >> shift);
    while (slots[index] != 0) {
      index = (index + 1) & mask;
    }
    slots[index] = (std::uint64_t{static_cast<std::uint32_t>(h)} << 32) | (std::uint64_t{id} + 1);
  }
  slots_ = std::move(slots);
  mask_ = mask;
  shift_ = shift;
}

std::size_t StringKeyInterner::memory_bytes() const noexcept {
  return slots_.capacity() * sizeof(std::uint64_t) + keys_.capacity() * sizeof(Stored) +
         blocks_.capacity() * sizeof(blocks_[0]) + block_bytes_;
}

IdKeyInterner::IdKeyInterner(std::size_t max_keys)
    : slots_(kInitialSlots, Slot{0, 0}), mask_(kInitialSlots - 1), shift_(kInitialShift),
      max_keys_(max_keys) {
  detail::check_max_keys(max_keys);
}

KeyId IdKeyInterner::insert(std::uint64_t key, std::size_t index) {
  if (keys_.size() == max_keys_) {
    detail::throw_key_limit(max_keys_);
  }
  const auto id = static_cast<KeyId>(keys_.size());
  keys_.push_back(key);
  slots_[index] = Slot{key, id + 1};
  if (over_load(keys_.size(), slots_.size())) {
    grow();
  }
  return id;
}

void IdKeyInterner::grow() {
  std::vector<Slot> slots(slots_.size() * 2, Slot{0, 0});
  const std::size_t mask = slots.size() - 1;
  const unsigned shift = shift_ - 1;
  for (std::size_t id = 0; id < keys_.size(); ++id) {
    std::size_t index = static_cast<std::size_t>(detail::interner_mix(keys_[id]) >> shift);
    while (slots[index].id_plus_one != 0) {
      index = (index + 1) & mask;
    }
    slots[index] = Slot{keys_[id], static_cast<std::uint32_t>(id + 1)};
  }
  slots_ = std::move(slots);
  mask_ = mask;
  shift_ = shift;
}

std::size_t IdKeyInterner::memory_bytes() const noexcept {
  return slots_.capacity() * sizeof(Slot) + keys_.capacity() * sizeof(std::uint64_t);
}

}  // namespace purecache
