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

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
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
/// Ignores time and TTLs. Memory: a 32-byte slab entry (8-byte key and value) plus 2.5 index
/// slots of 8 bytes per cached entry, and a 24-byte ghost entry plus 2.5 slots per ghost key.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class S3FIFOCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (see WeightBudget) or a bad knob.
  explicit S3FIFOCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)), table_(budget_.max_entries()), ghosts_(0) {
    detail::PolicyParameters knobs("s3fifo", config.parameters);
    const double small = knobs.number("small", 0.10, 0.0, 1.0);
    const double ghost = knobs.number("ghost", 0.90, 0.0, 10.0);
    threshold_ = static_cast<std::uint8_t>(knobs.integer("threshold", 2, 1, 255));
    parameters_ = knobs.finish();
    // The same arithmetic as libCacheSim: product in double, truncated toward zero.
    const auto limit = static_cast<std::int64_t>(budget_.limit());
    small_limit_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(
        static_cast<double>(limit) * small));
    main_limit_ = budget_.limit() - small_limit_;
    ghost_limit_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(
        static_cast<double>(limit) * ghost));
  }

  /// The value if present, after counting the access; nullptr if absent (ghosts included).
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return nullptr;
    count_access(table_[i]);
    return &table_[i].value;
  }

  /// A new key: leaves the ghost if there, then (if not heavier than the small queue) evicts
  /// until it fits and enters M (ghost hit) or S. An existing key: counts an access, takes the
  /// new value and weight in its queue, then evicts while over the limit; one heavier than the
  /// small queue is removed instead (S3-FIFO admits nothing heavier). True if the key was new
  /// and is now cached.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    if (const std::uint32_t i = table_.find(key, h); i != detail::KeyIndex::kNone) {
      if (weight > small_limit_) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      Entry& entry = table_[i];
      const std::uint64_t old_weight = budget_.weigh(entry.key, entry.value);
      queue_weight(entry.in_main) += weight;
      queue_weight(entry.in_main) -= old_weight;
      budget_.remove(old_weight);
      budget_.add(weight);
      entry.value = std::move(value);
      count_access(entry);
      while (budget_.over()) [[unlikely]]
        release(evict());
      return false;
    }
    const bool ghost_hit = forget_ghost(key);
    if (weight > small_limit_) [[unlikely]] return false;
    // The last victim's slab entry is reused for the new key: no entry moves to fill its hole.
    std::uint32_t i = detail::kNil;
    while (!budget_.has_room_for(weight)) {
      release(i);
      i = evict();
    }
    if (!ghost_hit && weight == small_limit_) [[unlikely]] {
      release(i);
      return false;
    }
    if (i == detail::kNil) {
      i = table_.emplace(h, key, std::move(value), detail::kNil, detail::kNil, std::uint8_t{0}, ghost_hit);
    } else {
      Entry& entry = table_[i];
      const std::uint64_t old_h = table_.hash(entry.key);
      entry = Entry{key, std::move(value), detail::kNil, detail::kNil, std::uint8_t{0}, ghost_hit};
      table_.rekey(i, old_h, h);
    }
    budget_.add(weight);
    queue_weight(ghost_hit) += weight;
    (ghost_hit ? main_ : small_).push_front(table_, i);
    return true;
  }

  /// Removes `key` (and forgets it if it is a ghost); true if it was cached.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) {
      forget_ghost(key);
      return false;
    }
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (see LFUCore); they change nothing. A miss
  /// reads the key's ghost index slot too, so that is loaded with the cache's.
  void prefetch_slot(const K& key) const noexcept {
    table_.prefetch_slot(key);
    ghosts_.prefetch_slot(key);
  }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache and the ghost; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    ghosts_.clear();
    small_.clear();
    main_.clear();
    ghost_order_.clear();
    budget_.clear();
    small_weight_ = main_weight_ = ghost_weight_ = 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  /// Slab and index of the cached entries plus those of the ghost keys.
  [[nodiscard]] MemoryUsage memory() const noexcept {
    MemoryUsage usage = table_.memory();
    const MemoryUsage ghost = ghosts_.memory();
    usage.current_bytes += ghost.current_bytes;
    usage.peak_bytes += ghost.peak_bytes;  // an upper bound: the two peaks may not coincide
    usage.index_bytes += ghost.index_bytes;
    return usage;
  }
  /// The knobs in effect, e.g. "small=0.1,ghost=0.9,threshold=2".
  [[nodiscard]] std::string_view parameters() const noexcept { return parameters_; }

  /// Where a key is, for tests: 's' small, 'm' main, 'g' ghost, 0 absent. Not an access.
  [[nodiscard]] char where(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i != detail::KeyIndex::kNone) return table_[i].in_main ? 'm' : 's';
    return ghosts_.find(key, ghosts_.hash(key)) != detail::KeyIndex::kNone ? 'g' : 0;
  }
  /// Number of ghost keys (not cached).
  [[nodiscard]] std::size_t ghost_size() const noexcept { return ghosts_.size(); }
  /// Shares of the limit: small queue, main queue, ghost.
  [[nodiscard]] std::uint64_t small_limit() const noexcept { return small_limit_; }
  [[nodiscard]] std::uint64_t main_limit() const noexcept { return main_limit_; }
  [[nodiscard]] std::uint64_t ghost_limit() const noexcept { return ghost_limit_; }

 private:
  struct Entry {
    K key;
    V value;
    std::uint32_t prev;     // neighbour in its queue, newer; kNil at the head
    std::uint32_t next;     // neighbour in its queue, older; kNil at the tail
    std::uint8_t freq;      // accesses since it entered its queue (saturates at 255)
    bool in_main;           // queue: main if true, else small
  };
  struct Ghost {
    K key;
    std::uint64_t weight;  // the weight the key had when evicted: the value is gone
    std::uint32_t prev;    // newer ghost; kNil at the head
    std::uint32_t next;    // older ghost; kNil at the tail
  };

  static void count_access(Entry& entry) noexcept {
    if (entry.freq != UINT8_MAX) ++entry.freq;
  }
  std::uint64_t& queue_weight(bool in_main) noexcept { return in_main ? main_weight_ : small_weight_; }

  /// Removes `key` from the ghost; true if it was there.
  bool forget_ghost(const K& key) {
    if (ghosts_.size() == 0) return false;
    const std::uint64_t h = ghosts_.hash(key);
    const std::uint32_t g = ghosts_.find(key, h);
    if (g == detail::KeyIndex::kNone) return false;
    remove_ghost(g, h);
    return true;
  }

  void remove_ghost(std::uint32_t g, std::uint64_t h) {
    ghost_weight_ -= ghosts_[g].weight;
    ghost_order_.unlink(ghosts_, g);
    release_ghost(g, h);
  }

  /// Takes ghost g (hash h), already out of the FIFO and its weight, out of the slab.
  void release_ghost(std::uint32_t g, std::uint64_t h) {
    ghosts_.remove(g, h, [this](std::uint32_t from, std::uint32_t to) {
      ghost_order_.relocated(ghosts_, from, to);
    });
  }

  /// The ghost FIFO's own insert: drop the oldest ghosts until `key` fits, then add it in the
  /// last dropped ghost's slab entry (no entry moves to fill a hole) or a new one.
  void remember_ghost(const K& key, std::uint64_t weight) {
    if (weight > ghost_limit_) return;
    std::uint32_t g = detail::kNil;  // a dropped ghost: unlinked and weightless, still in the slab
    while (ghost_weight_ + weight > ghost_limit_) {
      if (g != detail::kNil) release_ghost(g, ghosts_.hash(ghosts_[g].key));
      g = ghost_order_.tail;
      ghost_weight_ -= ghosts_[g].weight;
      ghost_order_.unlink(ghosts_, g);
    }
    const std::uint64_t h = ghosts_.hash(key);
    if (g == detail::kNil) {
      g = ghosts_.emplace(h, key, weight, detail::kNil, detail::kNil);
    } else {
      const std::uint64_t old_h = ghosts_.hash(ghosts_[g].key);
      ghosts_[g] = Ghost{key, weight, detail::kNil, detail::kNil};
      ghosts_.rekey(g, old_h, h);
    }
    ghost_order_.push_front(ghosts_, g);
    ghost_weight_ += weight;
  }

  /// Unlinks cached entry i and takes off its weight; it stays in the slab and index.
  void detach(std::uint32_t i) {
    Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    budget_.remove(weight);
    queue_weight(entry.in_main) -= weight;
    (entry.in_main ? main_ : small_).unlink(table_, i);
  }

  /// Takes entry i (hash h), already detached, out of the slab and index.
  void release(std::uint32_t i, std::uint64_t h) {
    table_.remove(i, h, [this](std::uint32_t from, std::uint32_t to) {
      (table_[to].in_main ? main_ : small_).relocated(table_, from, to);
    });
  }
  /// The same for an entry found by number; nothing for kNil.
  void release(std::uint32_t i) {
    if (i != detail::kNil) release(i, table_.hash(table_[i].key));
  }

  /// Unlinks and removes cached entry i (hash h) and its weight.
  void drop(std::uint32_t i, std::uint64_t h) {
    detach(i);
    release(i, h);
  }

  /// One call of libCacheSim's S3FIFO_evict: evicts at most one entry, and returns it detached
  /// (for the caller to release or reuse), or kNil.
  std::uint32_t evict() {
    if (main_weight_ > main_limit_ || small_.empty()) return evict_main();
    return evict_small();
  }

  /// Walks S from its oldest: frequent keys move to M, the first other one is evicted to G.
  std::uint32_t evict_small() {
    while (!small_.empty()) {
      const std::uint32_t i = small_.tail;
      Entry& entry = table_[i];
      const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
      small_.unlink(table_, i);
      small_weight_ -= weight;
      if (entry.freq >= threshold_) {
        entry.in_main = true;
        entry.freq = 0;
        main_weight_ += weight;
        main_.push_front(table_, i);
        continue;
      }
      remember_ghost(entry.key, weight);
      budget_.remove(weight);
      ++evictions_.capacity;
      return i;
    }
    return detail::kNil;
  }

  /// Walks M from its oldest: accessed keys go back to its head one step colder (2-bit clock),
  /// the first unaccessed one is evicted.
  std::uint32_t evict_main() {
    while (!main_.empty()) {
      const std::uint32_t i = main_.tail;
      Entry& entry = table_[i];
      if (entry.freq >= 1) {
        entry.freq = static_cast<std::uint8_t>(std::min<std::uint8_t>(entry.freq, 3) - 1);
        main_.move_to_front(table_, i);
        continue;
      }
      detach(i);
      ++evictions_.capacity;
      return i;
    }
    return detail::kNil;
  }

  detail::WeightBudget<K, V> budget_;  // weight of S and M together, against the bound
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;   // cached entries of S and M
  detail::EntryTable<Ghost, K, HashFn, KeyEqual> ghosts_;  // ghost keys; none of them cached
  detail::LinkedOrder small_;        // S: newest at head, evicted from tail
  detail::LinkedOrder main_;         // M: newest or reinserted at head
  detail::LinkedOrder ghost_order_;  // G: newest at head, dropped from tail
  std::uint64_t small_limit_ = 0;    // |S| = floor(limit * small)
  std::uint64_t main_limit_ = 0;     // |M| = limit - |S|
  std::uint64_t ghost_limit_ = 0;    // |G| = floor(limit * ghost)
  std::uint64_t small_weight_ = 0;   // sum of weights in S
  std::uint64_t main_weight_ = 0;    // sum of weights in M; may pass main_limit_ until evicting
  std::uint64_t ghost_weight_ = 0;   // sum of ghost weights; <= ghost_limit_
  std::uint8_t threshold_ = 2;       // accesses in S that earn a move to M
  std::string parameters_;           // knobs in effect
  EvictionCounts evictions_;
};

static_assert(EvictionCore<S3FIFOCore<int, int>>);

}  // namespace purecache
