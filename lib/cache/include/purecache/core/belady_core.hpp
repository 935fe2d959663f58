#pragma once
/// Belady's MIN: the offline optimal policy for unit sizes, for simulators that know the future.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/memory_counter.hpp"
#include "purecache/detail/policy_parameters.hpp"
#include "purecache/detail/prefetch_line.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache {

/// A core that must be told, before each operation, when the operation's key will next be
/// requested: only a replay of a recorded trace can, so only the simulator's fast engine runs it.
template <class C>
concept OfflineCore = EvictionCore<C> && requires(C& core, std::uint64_t position) {
  { core.set_next_access(position) } -> std::same_as<void>;
};

/// Belady's MIN (Belady, IBM Systems Journal 1966), as libCacheSim's Belady runs it:
/// - Before each operation the caller says when its key is requested next
///   (set_next_access: a request position, kNever if never again).
/// - A hit, or an overwriting set, moves the key to that next access.
/// - A missed key is always admitted: the cache first evicts, while the new key does not fit,
///   the resident key whose next access is farthest away (never again is farthest of all), then
///   inserts. The new key is therefore never its own victim, even if it is never requested again.
/// - Ties (only between keys never requested again, as two keys cannot share a request): in
///   weight mode broken exactly as libCacheSim's binary max-heap breaks them, so byte-mode
///   counts match too. In count mode which of them goes cannot change any count (none is
///   requested again, and each takes one place), so they wait outside the heap, in its buffer
///   after its last slot, in no order: O(1) for them, where the heap would sift each to the root
///   on arrival and from it on eviction.
/// Weight mode uses the same loop with the weigher's weights: still farthest next access first,
/// which is not optimal for sizes (libCacheSim's BeladySize is another policy). O(log n) per
/// miss or hit (a heap, not O(1)); allocates nothing once the slab and heap have grown.
/// Memory: a 24-byte slab entry (8-byte key and value) plus 2.5 index slots of 8 bytes and a
/// 12-byte heap slot (next access and entry number, packed) per entry of capacity.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class BeladyCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;
  /// The next access of a key that is never requested again.
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

  /// Throws ConfigError for a bad bound (see WeightBudget) or any parameter (it has none).
  explicit BeladyCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : parameters_(detail::PolicyParameters("belady", config.parameters).finish()),
        budget_(config, std::move(weigher)),
        table_(budget_.max_entries()),
        heap_(detail::CountingAllocator<HeapSlot>(table_.counter())) {
    // Count mode: never regrown, as the heap and the never-needed keys after it are together at
    // most the capacity. Weight mode grows it as they grow.
    heap_.reserve(budget_.max_entries());
  }

  BeladyCore(BeladyCore&&) noexcept = default;
  /// The heap goes first: it frees its old buffers through the memory counter that the table
  /// still owns until it is assigned in turn.
  BeladyCore& operator=(BeladyCore&& other) noexcept {
    heap_ = std::move(other.heap_);
    parameters_ = std::move(other.parameters_);
    budget_ = std::move(other.budget_);
    table_ = std::move(other.table_);
    heap_size_ = other.heap_size_;
    next_access_ = other.next_access_;
    evictions_ = other.evictions_;
    return *this;
  }
  ~BeladyCore() = default;

  /// The position of the next request to the key of the next operation (get, set or erase),
  /// kNever if there is none. Positions only need to grow with time. Until it is called, every
  /// key counts as never requested again.
  void set_next_access(std::uint64_t position) noexcept { next_access_ = position; }

  /// The value if present, the key now due at the announced next access; nullptr if absent.
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return nullptr;
    reschedule(i, next_access_);
    return &table_[i].value;
  }

  /// Inserts, due at the announced next access, after evicting the farthest-needed keys until
  /// it fits; or overwrites (value and weight), reschedules the key and evicts while over the
  /// limit. A key heavier than the whole cache is not kept. Returns true if the key was new.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    const std::uint32_t found = table_.find(key, h);
    if (found != detail::KeyIndex::kNone) {
      if (!budget_.admits(weight)) [[unlikely]] {
        drop(found, h);
        ++evictions_.capacity;
        return false;
      }
      budget_.remove(budget_.weigh(table_[found].key, table_[found].value));
      budget_.add(weight);
      table_[found].value = std::move(value);
      reschedule(found, next_access_);
      while (budget_.over()) [[unlikely]]
        evict();
      return false;
    }
    if (!budget_.admits(weight)) [[unlikely]] return false;
    // The last victim's slab entry is reused for the new key: no entry moves to fill its hole.
    std::uint32_t i = detail::KeyIndex::kNone;
    while (!budget_.has_room_for(weight)) {
      if (i != detail::KeyIndex::kNone) release(i);
      i = evict_detached();
    }
    if (i == detail::KeyIndex::kNone) {
      i = table_.emplace(h, key, std::move(value), std::uint32_t{0});
    } else {
      Entry& entry = table_[i];
      const std::uint64_t old_h = table_.hash(entry.key);
      entry = Entry{key, std::move(value), 0};
      table_.rekey(i, old_h, h);
    }
    budget_.add(weight);
    schedule(i, next_access_);
    return true;
  }

  /// Removes `key`; true if it was present.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (trace replays): start loading the index slot
  /// a lookup of `key` reads first, and later (once that slot is cached) its entry. They change
  /// nothing; issue prefetch_slot several operations ahead and prefetch_entry about half as far.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }
  /// Hint, best issued once prefetch_entry had time to land: start loading the key's heap slot
  /// and the two above it, where a hit's reschedule climbs.
  void prefetch_order(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return;
    const std::uint32_t slot = table_[i].slot;
    if (slot >= heap_size_) return;  // never requested again: off the heap
    detail::prefetch_line(&heap_[slot]);
    if (slot > 0) detail::prefetch_line(&heap_[(slot - 1) / 2]);
    if (slot > 2) detail::prefetch_line(&heap_[(slot - 3) / 4]);
  }

  /// Empties the cache; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    heap_.clear();
    heap_size_ = 0;
    budget_.clear();
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }
  /// The parameters in effect: always empty (Belady has no knobs).
  [[nodiscard]] std::string_view parameters() const noexcept { return parameters_; }

  /// True if `key` is cached; does not count as an access.
  [[nodiscard]] bool contains(const K& key) const {
    return table_.find(key, table_.hash(key)) != detail::KeyIndex::kNone;
  }

 private:
  struct Entry {
    K key;
    V value;
    std::uint32_t slot;  // this entry's place in heap_: in the heap, or after it
  };

// Packed to 12 bytes (the 8-byte next access aligned to 4), the size of the two parallel arrays
// it replaces.
#pragma pack(push, 4)
  /// One place in the heap: an entry and its next access side by side, so that a sift reads
  /// one cache line per level and a prefetch of the slot covers both, without visiting the slab.
  struct HeapSlot {
    std::uint64_t due;
    std::uint32_t entry;
  };
#pragma pack(pop)
  static_assert(sizeof(HeapSlot) == 12);

  // heap_[0, heap_size_) is a binary max-heap on due with the children of slot s at 2s+1 and
  // 2s+2: libCacheSim's pqueue shape (1-based there), with its strict comparisons, so equal
  // keys settle where they settle there. In count mode heap_[heap_size_, size) holds the keys
  // never requested again, in no order.

  /// Count mode keeps keys never requested again off the heap (see the class comment).
  [[nodiscard]] bool stays_off_heap(std::uint64_t due) const noexcept {
    return due == kNever && !budget_.by_weight();
  }
  /// Gives entry i, in neither the heap nor after it, the next access `at`.
  void schedule(std::uint32_t i, std::uint64_t at) {
    const auto end = static_cast<std::uint32_t>(heap_.size());
    heap_.emplace_back();
    if (stays_off_heap(at)) {
      place(end, i, kNever);
      return;
    }
    // The heap grows by one slot; a never-needed key there moves to the new end.
    const std::uint32_t slot = heap_size_++;
    if (slot != end) place(end, heap_[slot].entry, kNever);
    place(slot, i, at);
    sift_up(slot);
  }
  /// Takes entry i out of the never-needed keys: the last of them fills its place.
  void leave_off_heap(std::uint32_t i) noexcept {
    const auto last = static_cast<std::uint32_t>(heap_.size() - 1);
    const std::uint32_t slot = table_[i].slot;
    if (slot != last) place(slot, heap_[last].entry, kNever);
    heap_.pop_back();
  }
  /// Takes entry i out of whichever holds it.
  void leave(std::uint32_t i) noexcept {
    if (table_[i].slot >= heap_size_) {
      leave_off_heap(i);
    } else {
      leave_heap(i);
    }
  }

  // The sifts keep a slot's fields in scalars: a packed HeapSlot copied whole went through the
  // stack.
  void place(std::uint32_t slot, std::uint32_t entry, std::uint64_t due) noexcept {
    heap_[slot].due = due;
    heap_[slot].entry = entry;
    table_[entry].slot = slot;
  }
  /// Moves the entry at `slot` towards the root while its parent is due strictly sooner.
  void sift_up(std::uint32_t slot) noexcept {
    const std::uint32_t moving = heap_[slot].entry;
    const std::uint64_t at = heap_[slot].due;
    while (slot > 0) {
      const std::uint32_t parent = (slot - 1) / 2;
      const std::uint64_t above = heap_[parent].due;
      if (!(above < at)) break;
      place(slot, heap_[parent].entry, above);
      slot = parent;
    }
    place(slot, moving, at);
  }
  /// Moves the entry at `slot` towards the leaves while its later-due child (the left one on
  /// a tie) is due strictly later.
  void sift_down(std::uint32_t slot) noexcept {
    const std::uint32_t moving = heap_[slot].entry;
    const std::uint64_t at = heap_[slot].due;
    const std::uint32_t n = heap_size_;
    for (;;) {
      std::uint32_t child = 2 * slot + 1;
      if (child >= n) break;
      // The next level's four slots (one or two lines) load while this one compares.
      const std::uint32_t grandchildren = 2 * child + 1;
      if (grandchildren + 3 < n) {
        detail::prefetch_line(&heap_[grandchildren]);
        detail::prefetch_line(&heap_[grandchildren + 3]);
      }
      if (child + 1 < n && heap_[child].due < heap_[child + 1].due) ++child;
      const std::uint64_t below = heap_[child].due;
      if (!(at < below)) break;
      place(slot, heap_[child].entry, below);
      slot = child;
    }
    place(slot, moving, at);
  }
  /// Gives entry i the next access `at` and restores the heap order.
  void reschedule(std::uint32_t i, std::uint64_t at) {
    const std::uint32_t slot = table_[i].slot;
    // A key comes back to the heap only if its caller had said it was never requested again,
    // and then requested it; a key leaves the heap at its last request.
    if (slot >= heap_size_ || stays_off_heap(at)) [[unlikely]] {
      leave(i);
      schedule(i, at);
      return;
    }
    const std::uint64_t before = heap_[slot].due;
    heap_[slot].due = at;
    if (before < at) {
      sift_up(slot);
    } else {
      sift_down(slot);
    }
  }
  /// Takes entry i out of the heap: the last slot fills its place and moves up or down, and the
  /// last never-needed key (count mode) fills the last slot's.
  void leave_heap(std::uint32_t i) noexcept {
    const std::uint32_t slot = table_[i].slot;
    const std::uint64_t removed = heap_[slot].due;
    const std::uint32_t freed = --heap_size_;
    const std::uint32_t last = heap_[freed].entry;
    const std::uint64_t last_due = heap_[freed].due;
    const auto end = static_cast<std::uint32_t>(heap_.size() - 1);
    if (freed != end) place(freed, heap_[end].entry, kNever);
    heap_.pop_back();
    if (last == i) return;
    place(slot, last, last_due);
    if (removed < last_due) {
      sift_up(slot);
    } else {
      sift_down(slot);
    }
  }
  /// Takes entry i (hash h) out of the slab; it must already be out of the heap and budget.
  void release(std::uint32_t i, std::uint64_t h) {
    table_.remove(
        i, h, [&](std::uint32_t /*from*/, std::uint32_t to) { heap_[table_[to].slot].entry = to; });
  }
  void release(std::uint32_t i) { release(i, table_.hash(table_[i].key)); }
  /// Removes entry i (hash h): heap, weight and slab.
  void drop(std::uint32_t i, std::uint64_t h) {
    budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
    leave(i);
    release(i, h);
  }
  /// Evicts the key needed farthest in the future (the heap's root) from the heap and the
  /// budget, and returns its entry: still in the slab and index, for the caller to release or
  /// reuse.
  std::uint32_t evict_detached() {
    // The last never-needed key if there is one: never requested again is farthest of all.
    const std::uint32_t victim =
        heap_.size() > heap_size_ ? heap_.back().entry : heap_.front().entry;
    budget_.remove(budget_.weigh(table_[victim].key, table_[victim].value));
    leave(victim);
    ++evictions_.capacity;
    return victim;
  }
  void evict() { release(evict_detached()); }

  std::string parameters_;  // always empty: no knobs
  detail::WeightBudget<K, V> budget_;
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;
  std::vector<HeapSlot, detail::CountingAllocator<HeapSlot>> heap_;  // heap, then never-needed
  std::uint32_t heap_size_ = 0;  // slots of heap_ in the heap
  std::uint64_t next_access_ = kNever;  // announced for the next operation
  EvictionCounts evictions_{};
};

static_assert(OfflineCore<BeladyCore<std::uint64_t, std::uint64_t>>);

}  // namespace purecache
