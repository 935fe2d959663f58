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
#include "purecache/detail/entry_ring.hpp"
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
/// The three FIFOs are rings of entry numbers (EntryRing), not links through the entries:
/// evicting walks contiguous memory and prefetches the entries it will visit next. A key that
/// leaves a queue from the middle (a ghost hit, an erase) stays in its ring as a stale number,
/// skipped when popped; its entry is reused only once no ring names it, and the rings are swept
/// of stale numbers when these entries pass 1/16 of the keys (docs/performance.md).
/// Memory: a 24-byte slab entry (8-byte key and value) per cached or ghost key, up to 1/16 more
/// for entries awaiting reuse, 2.5 index slots of 8 bytes per key and 4 bytes per ring slot (the
/// rings are powers of two, the small one shrunk once it is mostly empty); in weight mode 8
/// bytes more per slab entry for a ghost's weight.
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
        // In count mode the index holds at most the cached keys plus the ghost keys, and the
        // slab as many again as the retired entries new_entry() lets wait (with_spare()).
        table_(budget_.by_weight() ? 0 : with_spare(budget_.max_entries() + shares_.ghost),
               budget_.by_weight() ? 0 : budget_.max_entries() + shares_.ghost),
        ghost_weights_(detail::CountingAllocator<std::uint64_t>(table_.counter())),
        spare_(detail::CountingAllocator<std::uint32_t>(table_.counter())),
        small_(table_.counter()),
        main_(table_.counter()),
        ghost_order_(table_.counter()) {}

  S3FIFOCore(S3FIFOCore&&) noexcept = default;
  /// The ghost weights, spare entries and rings go first: they free their old buffers through the
  /// memory counter that the table still owns until it is assigned in turn.
  S3FIFOCore& operator=(S3FIFOCore&& other) noexcept {
    ghost_weights_ = std::move(other.ghost_weights_);
    spare_ = std::move(other.spare_);
    small_ = std::move(other.small_);
    main_ = std::move(other.main_);
    ghost_order_ = std::move(other.ghost_order_);
    budget_ = std::move(other.budget_);
    shares_ = std::move(other.shares_);
    table_ = std::move(other.table_);
    size_ = other.size_;
    small_live_ = other.small_live_;
    main_live_ = other.main_live_;
    waiting_ = other.waiting_;
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
    if (ghost_hit) leave_ghost(found);
    if (weight > shares_.small) [[unlikely]] {
      if (ghost_hit) retire(found, h);
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
    if (ghost_hit) {
      enqueue(main_, main_live_, i);
    } else {
      enqueue(small_, small_live_, i);
    }
    return true;
  }

  /// Removes `key` (and forgets it if it is a ghost); true if it was cached.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    if (table_[i].place == Place::ghost) {
      leave_ghost(i);
      retire(i, h);
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
    spare_.clear();
    small_.clear();
    main_.clear();
    ghost_order_.clear();
    budget_.clear();
    size_ = ghost_count_ = 0;
    small_live_ = main_live_ = waiting_ = 0;
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
      case Place::detached:
      case Place::retired: return 0;
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
  // detached: out of every queue for the moment (a ghost hit on its way to M); retired: out of
  // the index too, waiting for the rings to drop the stale numbers that still name it.
  enum class Place : std::uint8_t { small, main, ghost, detached, retired };
  struct Entry {
    K key;
    V value;             // moved out when the key becomes a ghost
    std::uint8_t freq;   // accesses since it entered its queue (saturates at 255)
    Place place;         // which queue: S, M or G (a ghost key, not cached), or none
    std::uint8_t stale;  // ring slots naming it that it has left (at most 2: G, then S or M)
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

  /// Retired entries allowed to wait for their stale numbers while `keys` keys are indexed.
  [[nodiscard]] static std::size_t waiting_limit(std::size_t keys) noexcept {
    return kMinWaiting + keys / 16;
  }
  /// Slab entries for up to `keys` indexed keys and the retired ones waiting_limit() allows.
  [[nodiscard]] static std::size_t with_spare(std::size_t keys) noexcept {
    return keys + waiting_limit(keys) + 1;
  }

  static void count_access(Entry& entry) noexcept {
    if (entry.freq != UINT8_MAX) ++entry.freq;
  }
  std::uint64_t& queue_weight(Place place) noexcept {
    return place == Place::main ? main_weight_ : small_weight_;
  }

  /// Entry i becomes the newest of `ring`, whose live (non-stale) count is `live`. Inline: out of
  /// line, its call cost more instructions than the push.
  [[gnu::always_inline]] void enqueue(detail::EntryRing& ring, std::size_t& live, std::uint32_t i) {
    if (ring.full()) [[unlikely]]
      make_room(ring, live);
    ring.push_back(i);
    ++live;
  }

  /// A full ring with a quarter or more of stale numbers is swept; else push_back doubles it.
  [[gnu::noinline, gnu::cold]] void make_room(detail::EntryRing& ring, std::size_t live) {
    if (!ring.empty() && ring.size() - live >= ring.size() / 4) sweep(ring);
  }

  /// Starts loading the entry kPrefetchAhead places behind `ring`'s oldest, which a later
  /// eviction (or ghost drop) will read: ring order is known without loading entries.
  void prefetch_ahead(const detail::EntryRing& ring) const noexcept {
    const std::uint32_t i = ring.peek(kPrefetchAhead);
    if (i != detail::kNil) __builtin_prefetch(&table_[i]);
  }

  /// Whether `ring`'s number for entry i is live: the entry is in that ring's queue. A stale
  /// number's entry is elsewhere (or retired): it cannot be back in the same queue, since an
  /// entry is reused only when no ring names it, and only S's evictions enter G.
  [[nodiscard]] bool names_member(const detail::EntryRing& ring, std::uint32_t i) const noexcept {
    const Place place = table_[i].place;
    if (&ring == &small_) return place == Place::small;
    if (&ring == &main_) return place == Place::main;
    return place == Place::ghost;
  }

  /// A ring dropped one of its stale numbers for entry i: a retired entry no ring names any more
  /// becomes spare.
  void settle(std::uint32_t i) {
    Entry& entry = table_[i];
    if (--entry.stale == 0 && entry.place == Place::retired) {
      --waiting_;
      spare_.push_back(i);
    }
  }

  /// Drops `ring`'s stale numbers, keeping the others in order.
  [[gnu::noinline]] void sweep(detail::EntryRing& ring) {
    ring.retain([&](std::uint32_t i) {
      if (names_member(ring, i)) return true;
      settle(i);
      return false;
    });
  }

  /// Entry i (hash h), in no queue, leaves the index; it becomes spare once no ring names it.
  void retire(std::uint32_t i, std::uint64_t h) {
    table_.unindex(i, h);
    Entry& entry = table_[i];
    if (entry.stale == 0) {
      spare_.push_back(i);
    } else {
      entry.place = Place::retired;
      ++waiting_;
    }
  }

  /// A slab entry for a new key of hash h: a spare one, else a new one. Sweeps the rings first
  /// when too many retired entries wait, which bounds the slab (see with_spare()).
  std::uint32_t new_entry(std::uint64_t h, const K& key, V&& value) {
    if (waiting_ > waiting_limit(size_ + ghost_count_)) [[unlikely]] {
      sweep(small_);
      sweep(main_);
      sweep(ghost_order_);
    }
    if (spare_.empty()) {
      return table_.emplace(h, key, std::move(value), std::uint8_t{0}, Place::small,
                            std::uint8_t{0});
    }
    const std::uint32_t i = spare_.back();
    spare_.pop_back();
    table_.refill(i, h, key, std::move(value), std::uint8_t{0}, Place::small, std::uint8_t{0});
    return i;
  }

  [[nodiscard]] std::uint64_t ghost_weight_of(std::uint32_t g) const noexcept {
    return budget_.by_weight() ? ghost_weights_[g] : 1;
  }

  /// Takes ghost g out of G and its weight (its number in the ring goes stale); it keeps its
  /// slab entry and index slot.
  void leave_ghost(std::uint32_t g) {
    ghost_weight_ -= ghost_weight_of(g);
    --ghost_count_;
    Entry& entry = table_[g];
    entry.place = Place::detached;
    ++entry.stale;
  }

  /// The ghost FIFO's insert for evicted entry i (out of its queue, weight taken off): drops the
  /// oldest ghosts until it fits, then i becomes the newest ghost in place; too heavy, it is
  /// retired.
  void remember_ghost(std::uint32_t i, std::uint64_t weight) {
    if (weight > shares_.ghost) {
      retire(i, table_.hash(table_[i].key));
      return;
    }
    if (ghost_weight_ + weight > shares_.ghost) {
      do {
        const std::uint32_t g = ghost_order_.pop_front();
        if (table_[g].place != Place::ghost) {
          settle(g);
          continue;
        }
        ghost_weight_ -= ghost_weight_of(g);
        --ghost_count_;
        retire(g, table_.hash(table_[g].key));
      } while (ghost_weight_ + weight > shares_.ghost);
      // The next drop erases the new oldest ghost's index slot, a probe into a table much larger
      // than the CPU's caches: start loading it now, so the miss overlaps the operations between
      // (its entry was prefetched by an earlier drop).
      if (!ghost_order_.empty()) table_.prefetch_slot(table_[ghost_order_.front()].key);
      prefetch_ahead(ghost_order_);
    }
    Entry& entry = table_[i];
    detail::release_value(entry.value);  // a ghost keeps only its key
    entry.place = Place::ghost;
    if (budget_.by_weight()) {
      if (ghost_weights_.size() <= i) ghost_weights_.resize(table_.size());
      ghost_weights_[i] = weight;
    }
    enqueue(ghost_order_, ghost_count_, i);
    ghost_weight_ += weight;
  }

  /// Takes cached entry i (hash h) out of its queue (its ring number goes stale) and its weight,
  /// and retires it.
  void drop(std::uint32_t i, std::uint64_t h) {
    Entry& entry = table_[i];
    const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
    budget_.remove(weight);
    queue_weight(entry.place) -= weight;
    --(entry.place == Place::main ? main_live_ : small_live_);
    --size_;
    ++entry.stale;
    retire(i, h);
  }

  /// One call of libCacheSim's S3FIFO_evict: evicts at most one entry.
  void evict() {
    if (main_weight_ > shares_.main || small_live_ == 0) {
      evict_main();
    } else {
      evict_small();
    }
  }

  /// Walks S from its oldest: frequent keys move to M, the first other one is evicted to G.
  /// S holds every key until the first eviction, then about its share: its ring is shrunk once
  /// it is mostly empty.
  void evict_small() {
    while (small_live_ != 0) {
      const std::uint32_t i = small_.pop_front();
      prefetch_ahead(small_);
      Entry& entry = table_[i];
      if (entry.place != Place::small) {
        settle(i);
        continue;
      }
      --small_live_;
      const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
      small_weight_ -= weight;
      if (entry.freq >= shares_.threshold) {
        entry.place = Place::main;
        entry.freq = 0;
        main_weight_ += weight;
        enqueue(main_, main_live_, i);
        continue;
      }
      budget_.remove(weight);
      --size_;
      ++evictions_.capacity;
      remember_ghost(i, weight);
      if (small_.capacity() > kShrinkAbove && small_.size() * 8 < small_.capacity()) [[unlikely]]
        small_.resize(small_.capacity() / 4);
      return;
    }
  }

  /// Walks M from its oldest: accessed keys go back to its newest end one step colder (2-bit
  /// clock), the first unaccessed one is evicted.
  void evict_main() {
    while (main_live_ != 0) {
      const std::uint32_t i = main_.pop_front();
      prefetch_ahead(main_);
      Entry& entry = table_[i];
      if (entry.place != Place::main) {
        settle(i);
        continue;
      }
      --main_live_;
      if (entry.freq >= 1) {
        entry.freq = static_cast<std::uint8_t>(std::min<std::uint8_t>(entry.freq, 3) - 1);
        enqueue(main_, main_live_, i);
        continue;
      }
      const std::uint64_t weight = budget_.weigh(entry.key, entry.value);
      budget_.remove(weight);
      main_weight_ -= weight;
      --size_;
      retire(i, table_.hash(entry.key));
      ++evictions_.capacity;
      return;
    }
  }

  // How far behind a ring's oldest entry a pop prefetches: the entries of the next few pops,
  // which the next evictions reach after several requests' work.
  static constexpr std::size_t kPrefetchAhead = 8;
  // Retired entries that may always wait, however few the keys (see waiting_limit()).
  static constexpr std::size_t kMinWaiting = 16;
  // The small ring is shrunk only above this many slots: below, shrinking saves too little.
  static constexpr std::size_t kShrinkAbove = 64;

  detail::WeightBudget<K, V> budget_;  // weight of S and M together, against the bound
  Shares shares_;                      // the queues' limits and the knobs
  Table table_;                        // entries of S, M, G, retired and spare ones
  std::vector<std::uint64_t, detail::CountingAllocator<std::uint64_t>>
      ghost_weights_;  // weight mode: a ghost's weight by entry; else empty
  std::vector<std::uint32_t, detail::CountingAllocator<std::uint32_t>>
      spare_;                       // entries in no ring and not indexed, for new keys
  detail::EntryRing small_;         // S: oldest first, evicted from the front
  detail::EntryRing main_;          // M: oldest first, reinserted at the back
  detail::EntryRing ghost_order_;   // G: oldest first, dropped from the front
  std::size_t size_ = 0;            // cached keys (S and M)
  std::size_t small_live_ = 0;      // keys in S: small_'s numbers that are not stale
  std::size_t main_live_ = 0;       // keys in M: main_'s numbers that are not stale
  std::size_t ghost_count_ = 0;     // ghost keys (G): ghost_order_'s numbers not stale
  std::size_t waiting_ = 0;         // retired entries that rings still name
  std::uint64_t small_weight_ = 0;  // sum of weights in S
  std::uint64_t main_weight_ = 0;   // sum of weights in M; may pass shares_.main until evicting
  std::uint64_t ghost_weight_ = 0;  // sum of ghost weights; <= shares_.ghost
  EvictionCounts evictions_;
};

static_assert(EvictionCore<S3FIFOCore<int, int>>);

}  // namespace purecache
