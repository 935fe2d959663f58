#pragma once
/// S3-FIFO eviction: a small probationary FIFO, a main FIFO and a ghost FIFO of keys.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/memory_counter.hpp"
#include "purecache/detail/policy_parameters.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache {

/// S3-FIFO (Yang et al., SOSP'23) with libCacheSim's S3FIFO.c rules. With L the limit (entries
/// in count mode, weight in weight mode) the small FIFO S gets floor(L * small), the main FIFO M
/// gets L - |S| and the ghost FIFO G floor(L * ghost), all in the same unit.
/// - A hit adds 1 to the key's frequency (kept in a byte, saturating).
/// - A new key that is in G leaves G and enters M; any other new key enters S. A key heavier
///   than |S| is never inserted (checked before evicting); one exactly as heavy as |S| evicts
///   room and is then not inserted, as in libCacheSim.
/// - To make room: if M holds more than its share or S is empty, M's oldest key is evicted if
///   its frequency is 0, else it goes back to M's head with frequency min(f, 3) - 1 (repeat);
///   otherwise S's oldest key moves to M's head with frequency 0 if its frequency is at least
///   `threshold`, else it is evicted and its key (and weight) enters G (repeat until one left
///   or S is empty). G drops its oldest keys to stay within its share.
/// - Ghost keys are not cached: they count in neither size() nor weight(), but in memory().
/// - The ghost is consulted when a missing key is set (libCacheSim does it in the lookup of the
///   same request, before evicting: the order of effects is the same).
/// Knobs (CoreConfig::parameters, policy "s3fifo"): small=0.10, ghost=0.90, threshold=2.
/// Ignores time and TTLs. Ghost keys live in the same slab and index as cached ones, tagged: a
/// miss is one lookup, an evicted key becomes a ghost where it is and a ghost hit is cached again
/// where it is, so the index changes only when a key enters or leaves both (docs/performance.md).
/// Memory: a 32-byte slab entry (8-byte key and value) plus 2.5 index slots of 8 bytes per cached
/// or ghost key; in weight mode 8 bytes more per slab entry for a ghost's weight.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class S3FIFOCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (see WeightBudget) or a bad knob.
  explicit S3FIFOCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)),
        shares_(shares_of(config, budget_.limit())),
        // In count mode the slab holds at most the cached keys plus the ghost keys.
        table_(budget_.by_weight() ? 0 : budget_.max_entries() + shares_.ghost),
        ghost_weights_(detail::CountingAllocator<std::uint64_t>(table_.counter())) {}

  S3FIFOCore(S3FIFOCore&&) noexcept = default;
  /// The ghost weights go first: they free their old buffer through the memory counter that the
  /// table still owns until it is assigned in turn.
  S3FIFOCore& operator=(S3FIFOCore&& other) noexcept {
    ghost_weights_ = std::move(other.ghost_weights_);
    budget_ = std::move(other.budget_);
    shares_ = std::move(other.shares_);
    table_ = std::move(other.table_);
    small_ = other.small_;
    main_ = other.main_;
    ghost_order_ = other.ghost_order_;
    size_ = other.size_;
    ghost_count_ = other.ghost_count_;
    small_weight_ = other.small_weight_;
    main_weight_ = other.main_weight_;
    ghost_weight_ = other.ghost_weight_;
    evictions_ = other.evictions_;
    return *this;
  }
  ~S3FIFOCore() = default;

  /// The value if present, after counting the access; nullptr if absent (ghosts included).
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return nullptr;
    Entry& entry = table_[i];
    if (entry.place == Place::ghost) return nullptr;
    count_access(entry);
    return &entry.value;
  }

  /// A new key: leaves the ghost if there, then (if not heavier than the small queue) evicts
  /// until it fits and enters M (ghost hit) or S. An existing key: counts an access, takes the
  /// new value and weight in its queue, then evicts while over the limit; one heavier than the
  /// small queue is removed instead (S3-FIFO admits nothing heavier). True if the key was new
  /// and is now cached.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    const std::uint32_t found = table_.find(key, h);
    const bool ghost_hit = found != detail::KeyIndex::kNone && table_[found].place == Place::ghost;
    if (found != detail::KeyIndex::kNone && !ghost_hit) {
      const std::uint32_t i = found;
      if (weight > shares_.small) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      Entry& entry = table_[i];
      const std::uint64_t old_weight = budget_.weigh(entry.key, entry.value);
      queue_weight(entry.place) += weight;
      queue_weight(entry.place) -= old_weight;
      budget_.remove(old_weight);
      budget_.add(weight);
      entry.value = std::move(value);
      count_access(entry);
      while (budget_.over()) [[unlikely]]
        evict();
      return false;
    }
    // A ghost hit's entry leaves the ghost FIFO but keeps its slab entry and index slot: it is
    // cached again in place (evicting frees other entries only, and moves none).
    if (ghost_hit) unlink_ghost(found);
    if (weight > shares_.small) [[unlikely]] {
      if (ghost_hit) table_.free_entry(found, h);
      return false;
    }
    while (!budget_.has_room_for(weight))
      evict();
    std::uint32_t i = found;
    if (ghost_hit) {
      Entry& entry = table_[i];
      entry.value = std::move(value);
      entry.freq = 0;
      entry.place = Place::main;
    } else {
      if (weight == shares_.small) [[unlikely]] return false;
      i = new_entry(h, key, std::move(value));
    }
    ++size_;
    budget_.add(weight);
    queue_weight(table_[i].place) += weight;
    (ghost_hit ? main_ : small_).push_front(table_, i);
    return true;
  }

  /// Removes `key` (and forgets it if it is a ghost); true if it was cached.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    if (table_[i].place == Place::ghost) {
      unlink_ghost(i);
      table_.free_entry(i, h);
      return false;
    }
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (see LFUCore); they change nothing. Ghost
  /// keys are in the same index, so one slot covers a hit, a ghost hit and a miss.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache and the ghost; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    small_.clear();
    main_.clear();
    ghost_order_.clear();
    budget_.clear();
    size_ = ghost_count_ = 0;
    small_weight_ = main_weight_ = ghost_weight_ = 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  /// Slab and index of the cached entries and the ghost keys.
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }
  /// The knobs in effect, e.g. "small=0.1,ghost=0.9,threshold=2".
  [[nodiscard]] std::string_view parameters() const noexcept { return shares_.parameters; }

  /// Where a key is, for tests: 's' small, 'm' main, 'g' ghost, 0 absent. Not an access.
  [[nodiscard]] char where(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return 0;
    switch (table_[i].place) {
      case Place::small: return 's';
      case Place::main: return 'm';
      case Place::ghost: return 'g';
    }
    return 0;
  }
  /// Number of ghost keys (not cached).
  [[nodiscard]] std::size_t ghost_size() const noexcept { return ghost_count_; }
  /// Shares of the limit: small queue, main queue, ghost.
  [[nodiscard]] std::uint64_t small_limit() const noexcept { return shares_.small; }
  [[nodiscard]] std::uint64_t main_limit() const noexcept { return shares_.main; }
  [[nodiscard]] std::uint64_t ghost_limit() const noexcept { return shares_.ghost; }

 private:
  enum class Place : std::uint8_t { small, main, ghost };
  struct Entry {
    K key;
    V value;                // moved out when the key becomes a ghost
    std::uint32_t prev;     // neighbour in its queue, newer; kNil at the head
    std::uint32_t next;     // neighbour in its queue, older; kNil at the tail; free list link
    std::uint8_t freq;      // accesses since it entered its queue (saturates at 255)
    Place place;            // which queue: S, M or G (a ghost key, not cached)
  };
  using Table = detail::EntryTable<Entry, K, HashFn, KeyEqual>;

  struct Shares {
    std::uint64_t small = 0;     // |S| = floor(limit * small)
    std::uint64_t main = 0;      // |M| = limit - |S|
    std::uint64_t ghost = 0;     // |G| = floor(limit * ghost)
    std::uint8_t threshold = 2;  // accesses in S that earn a move to M
    std::string parameters;      // knobs in effect
  };

  static Shares shares_of(const CoreConfig& config, std::uint64_t limit) {
    detail::PolicyParameters knobs("s3fifo", config.parameters);
    const double small = knobs.number("small", 0.10, 0.0, 1.0);
    const double ghost = knobs.number("ghost", 0.90, 0.0, 10.0);
    Shares shares;
    shares.threshold = static_cast<std::uint8_t>(knobs.integer("threshold", 2, 1, 255));
    shares.parameters = knobs.finish();
    // The same arithmetic as libCacheSim: product in double, truncated toward zero.
    const auto whole = static_cast<double>(static_cast<std::int64_t>(limit));
    shares.small = static_cast<std::uint64_t>(static_cast<std::int64_t>(whole * small));
    shares.main = limit - shares.small;
    shares.ghost = static_cast<std::uint64_t>(static_cast<std::int64_t>(whole * ghost));
    return shares;
  }

  static void count_access(Entry& entry) noexcept {
    if (entry.freq != UINT8_MAX) ++entry.freq;
  }
  std::uint64_t& queue_weight(Place place) noexcept {
    return place == Place::main ? main_weight_ : small_weight_;
  }
  detail::LinkedOrder& queue(Place place) noexcept {
    return place == Place::main ? main_ : small_;
  }

  /// A slab entry for a new key of hash h: a free one, else a new one.
  std::uint32_t new_entry(std::uint64_t h, const K& key, V&& value) {
    return table_.emplace_reusing(h, key, std::move(value), detail::kNil, detail::kNil,
                                  std::uint8_t{0}, Place::small);
  }

  /// Entry i, in no queue, leaves the index for the free list; its value is released.
  void free_entry(std::uint32_t i) { table_.free_entry(i, table_.hash(table_[i].key)); }

  [[nodiscard]] std::uint64_t ghost_weight_of(std::uint32_t g) const noexcept {
    return budget_.by_weight() ? ghost_weights_[g] : 1;
  }

  /// Takes ghost g out of the FIFO and its weight; it keeps its slab entry and index slot.
  void unlink_ghost(std::uint32_t g) {
    ghost_weight_ -= ghost_weight_of(g);
    --ghost_count_;
    ghost_order_.unlink(table_, g);
  }

  /// The ghost FIFO's insert for evicted entry i (unlinked, weight taken off): drops the oldest
  /// ghosts until it fits, then i becomes the newest ghost in place; too heavy, it is freed.
  void remember_ghost(std::uint32_t i, std::uint64_t weight) {
    if (weight > shares_.ghost) {
      free_entry(i);
      return;
    }
    if (ghost_weight_ + weight > shares_.ghost) {
      do {
        const std::uint32_t g = ghost_order_.tail;
        unlink_ghost(g);
        free_entry(g);
      } while (ghost_weight_ + weight > shares_.ghost);
      // The next drop erases the new oldest ghost's index slot, a probe into a table much larger
      // than the CPU's caches: start loading it now, so the miss overlaps the operations between.
      if (ghost_order_.tail != detail::kNil) table_.prefetch_slot(table_[ghost_order_.tail].key);
    }
    Entry& entry = table_[i];
    detail::release_value(entry.value);  // a ghost keeps only its key
    entry.place = Place::ghost;
    if (budget_.by_weight()) {
      if (ghost_weights_.size() <= i) ghost_weights_.resize(table_.size());
      ghost_weights_[i] = weight;
    }
    ghost_order_.push_front(table_, i);
    ghost_weight_ += weight;
    ++ghost_count_;
  }

  /// Unlinks cached entry i and takes off its weight; it stays in the slab and index.
  void detach(std::uint32_t i) {
    Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    budget_.remove(weight);
    queue_weight(entry.place) -= weight;
    queue(entry.place).unlink(table_, i);
    --size_;
  }

  /// Unlinks and frees cached entry i (hash h) and its weight.
  void drop(std::uint32_t i, std::uint64_t h) {
    detach(i);
    table_.free_entry(i, h);
  }

  /// One call of libCacheSim's S3FIFO_evict: evicts at most one entry.
  void evict() {
    if (main_weight_ > shares_.main || small_.empty()) {
      evict_main();
    } else {
      evict_small();
    }
  }

  /// Walks S from its oldest: frequent keys move to M, the first other one is evicted to G.
  void evict_small() {
    while (!small_.empty()) {
      const std::uint32_t i = small_.tail;
      Entry& entry = table_[i];
      const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
      small_.unlink(table_, i);
      small_weight_ -= weight;
      if (entry.freq >= shares_.threshold) {
        entry.place = Place::main;
        entry.freq = 0;
        main_weight_ += weight;
        main_.push_front(table_, i);
        continue;
      }
      budget_.remove(weight);
      --size_;
      ++evictions_.capacity;
      remember_ghost(i, weight);
      return;
    }
  }

  /// Walks M from its oldest: accessed keys go back to its head one step colder (2-bit clock),
  /// the first unaccessed one is evicted.
  void evict_main() {
    while (!main_.empty()) {
      const std::uint32_t i = main_.tail;
      Entry& entry = table_[i];
      if (entry.freq >= 1) {
        entry.freq = static_cast<std::uint8_t>(std::min<std::uint8_t>(entry.freq, 3) - 1);
        main_.move_to_front(table_, i);
        continue;
      }
      detach(i);
      free_entry(i);
      ++evictions_.capacity;
      return;
    }
  }

  detail::WeightBudget<K, V> budget_;  // weight of S and M together, against the bound
  Shares shares_;                      // the queues' limits and the knobs
  Table table_;                        // cached entries of S and M, ghost keys of G, free entries
  std::vector<std::uint64_t, detail::CountingAllocator<std::uint64_t>>
      ghost_weights_;                  // weight mode: a ghost's weight by entry; else empty
  detail::LinkedOrder small_;        // S: newest at head, evicted from tail
  detail::LinkedOrder main_;         // M: newest or reinserted at head
  detail::LinkedOrder ghost_order_;  // G: newest at head, dropped from tail
  std::size_t size_ = 0;             // cached keys (S and M)
  std::size_t ghost_count_ = 0;      // ghost keys (G)
  std::uint64_t small_weight_ = 0;   // sum of weights in S
  std::uint64_t main_weight_ = 0;    // sum of weights in M; may pass shares_.main until evicting
  std::uint64_t ghost_weight_ = 0;   // sum of ghost weights; <= shares_.ghost
  EvictionCounts evictions_;
};

static_assert(EvictionCore<S3FIFOCore<int, int>>);

}  // namespace purecache
