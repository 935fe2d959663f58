#pragma once
/// Dense slab of entries plus the key index over it: the storage every core builds on.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "purecache/core/core_stats.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/detail/key_index.hpp"
#include "purecache/detail/memory_counter.hpp"

namespace purecache::detail {

/// Ends the lifetime of `value` as an application sees it (its destructor's effects, its memory)
/// while its slot stays in a slab: a core that keeps an entry without its value (a ghost, a free
/// entry) moves the value out into a temporary destroyed at once.
template <class V>
void release_value(V& value) {
  if constexpr (!std::is_trivially_destructible_v<V>) {
    [[maybe_unused]] const V gone = std::move(value);
  }
}

/// The key index a core uses with hash HashFn.
template <class HashFn>
struct IndexFor {
  using type = KeyIndex;
};
template <class HashFn>
requires requires { typename HashFn::index_type; }
struct IndexFor<HashFn> {
  using type = typename HashFn::index_type;
};

/// Entries live in one vector with no holes: removal moves the last entry into the gap and tells
/// the caller, so a core's 32-bit links stay valid. The slab grows geometrically but never past
/// max_entries, so a full bounded cache holds exactly capacity entries' worth of memory.
/// `Entry` must have a public member `key`. The index is KeyIndex unless the hash names another
/// with a nested `index_type` (one with KeyIndex's interface and constructor).
template <class Entry, class Key, class HashFn, class KeyEqual>
class EntryTable {
  using Index = typename IndexFor<HashFn>::type;
  // KeyIndex takes its home slot and tag from the high bits, so a hash whose high bits do not
  // vary (std::hash of an integer is the identity on libstdc++) must be mixed first.
  static constexpr bool kUsesHashAsIs = AvalanchingHash<HashFn> || !std::is_same_v<Index, KeyIndex>;

 public:
  /// max_entries == 0 means unbounded. max_indexed, if not 0, bounds the keys indexed at once
  /// below max_entries (a core that keeps unindexed entries in its slab): the index is sized for
  /// no more.
  explicit EntryTable(std::size_t max_entries, std::size_t max_indexed = 0)
      : counter_(std::make_unique<MemoryCounter>()),
        entries_(CountingAllocator<Entry>(counter_.get())),
        index_(counter_.get()),
        max_entries_(max_entries),
        max_indexed_(max_indexed) {}

  EntryTable(EntryTable&&) noexcept = default;
  /// The containers free their old buffers through the counter they were allocated from, so
  /// they are assigned before that counter is replaced (the default order would free it first).
  EntryTable& operator=(EntryTable&& other) noexcept {
    entries_ = std::move(other.entries_);
    index_ = std::move(other.index_);
    counter_ = std::move(other.counter_);
    max_entries_ = other.max_entries_;
    max_indexed_ = other.max_indexed_;
    free_ = other.free_;
    return *this;
  }
  ~EntryTable() = default;

  /// The hash the index files `key` under: HashFn's own if it avalanches, else mixed.
  [[nodiscard]] std::uint64_t hash(const Key& key) const noexcept {
    if constexpr (kUsesHashAsIs) {
      return static_cast<std::uint64_t>(hash_(key));
    } else {
      return mix64(static_cast<std::uint64_t>(hash_(key)));
    }
  }

  /// Entry number of `key` (whose hash is `h`), or KeyIndex::kNone.
  [[nodiscard]] std::uint32_t find(const Key& key, std::uint64_t h) const {
    return index_.find(h, [&](std::uint32_t i) { return equal_(entries_[i].key, key); });
  }

  /// Hint: start loading the index slot where `key` would be found. No effect on contents.
  void prefetch_slot(const Key& key) const noexcept { index_.prefetch(hash(key)); }

  /// Hint, best issued once prefetch_slot had time to land: start loading `key`'s entry.
  void prefetch_entry(const Key& key) const {
    const std::uint32_t i = find(key, hash(key));
    if (i != KeyIndex::kNone) __builtin_prefetch(&entries_[i]);
  }

  /// Appends an entry for a key known to be absent; returns its number.
  template <class... Args>
  std::uint32_t emplace(std::uint64_t h, Args&&... args) {
    assert(max_entries_ == 0 || entries_.size() < max_entries_);
    if (entries_.size() == entries_.capacity()) grow();
    const auto entry = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(Entry{std::forward<Args>(args)...});
    index_.insert(h, entry);
    return entry;
  }

  /// Re-files entry `i` after its key changed from one hashing to `old_h` to one hashing to `new_h`
  /// (a core reusing an evicted entry for a new key).
  void rekey(std::uint32_t i, std::uint64_t old_h, std::uint64_t new_h) {
    index_.erase(old_h, i);
    index_.insert(new_h, i);
  }

  /// For cores whose entries never move (Entry then needs a `std::uint32_t next`): files a new
  /// entry for a key of hash `h`, known to be absent, in the slot free_entry() freed last, or
  /// appended as emplace() does when none is free.
  template <class... Args>
  std::uint32_t emplace_reusing(std::uint64_t h, Args&&... args) {
    if (free_ == kNoFreeEntry) return emplace(h, std::forward<Args>(args)...);
    const std::uint32_t i = free_;
    free_ = entries_[i].next;
    entries_[i] = Entry{std::forward<Args>(args)...};
    index_.insert(h, i);
    return i;
  }
  /// Takes entry `i` (hash `h`) out of the index and onto the free list, its value released
  /// (release_value): it stays in the slab until emplace_reusing() fills it again.
  void free_entry(std::uint32_t i, std::uint64_t h) {
    index_.erase(h, i);
    release_value(entries_[i].value);
    entries_[i].next = free_;
    free_ = i;
  }

  /// For cores that keep their own spare entries: takes entry `i` (hash `h`) out of the index and
  /// releases its value (release_value); it stays in the slab, on no free list.
  void unindex(std::uint32_t i, std::uint64_t h) {
    index_.erase(h, i);
    release_value(entries_[i].value);
  }
  /// Files entry `i`, taken out by unindex(), for a new key of hash `h` known to be absent.
  template <class... Args>
  void refill(std::uint32_t i, std::uint64_t h, Args&&... args) {
    entries_[i] = Entry{std::forward<Args>(args)...};
    index_.insert(h, i);
  }

  /// Removes entry `i` (hash `h`). If another entry had to move into its place, calls
  /// `moved(from, to)` after the move so the caller can repair links that pointed at `from`.
  template <class OnMove>
  void remove(std::uint32_t i, std::uint64_t h, OnMove&& moved) {
    index_.erase(h, i);
    const auto last = static_cast<std::uint32_t>(entries_.size() - 1);
    if (i != last) {
      index_.retarget(hash(entries_[last].key), last, i);
      entries_[i] = std::move(entries_[last]);
      entries_.pop_back();
      moved(last, i);
    } else {
      entries_.pop_back();
    }
  }

  /// Drops every entry; keeps the allocated slab and index for reuse.
  void clear() noexcept {
    entries_.clear();
    index_.clear();
    free_ = kNoFreeEntry;
  }

  [[nodiscard]] Entry& operator[](std::uint32_t i) noexcept { return entries_[i]; }
  [[nodiscard]] const Entry& operator[](std::uint32_t i) const noexcept { return entries_[i]; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] MemoryUsage memory() const noexcept {
    MemoryUsage usage = counter_->usage();
    usage.index_bytes = index_.memory_bytes();
    return usage;
  }
  /// For a core's own extra containers, so their bytes are counted too.
  [[nodiscard]] MemoryCounter* counter() const noexcept { return counter_.get(); }

 private:
  void grow() {
    std::size_t target = std::max<std::size_t>(16, entries_.capacity() * 2);
    if (max_entries_ != 0) target = std::min(target, max_entries_);
    index_.reserve(max_indexed_ != 0 ? std::min(target, max_indexed_) : target);
    entries_.reserve(target);
  }

  std::unique_ptr<MemoryCounter> counter_;  // on the heap: allocators point at it across moves
  std::vector<Entry, CountingAllocator<Entry>> entries_;  // dense, no holes
  Index index_;                                           // one slot per entry
  std::size_t max_entries_;                               // 0 = unbounded
  std::size_t max_indexed_;                               // 0 = max_entries_
  static constexpr std::uint32_t kNoFreeEntry = 0xFFFFFFFF;
  std::uint32_t free_ = kNoFreeEntry;  // last freed entry, chained by `next` (emplace_reusing)
  [[no_unique_address]] HashFn hash_;
  [[no_unique_address]] KeyEqual equal_;
};

}  // namespace purecache::detail
