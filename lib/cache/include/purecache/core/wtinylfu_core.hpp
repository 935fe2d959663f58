#pragma once
/// W-TinyLFU: a small LRU window in front of a segmented LRU main, with frequency-based admission.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/eviction_core.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/counting_bloom_sketch.hpp"
#include "purecache/detail/doorkeeper.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/frequency_sketch.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/policy_parameters.hpp"
#include "purecache/detail/prefetch_line.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache {

/// W-TinyLFU (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
/// Policy", ACM TOS 2017; Caffeine), with libCacheSim's WTinyLFU eviction loop
/// (docs/policies.md states every rule and difference).
/// - A new key enters the window, an LRU whose share of the limit is `window` (trunc(limit x
///   window)); the rest is the main, a segmented LRU: probation (1 - `protected`) and protected
///   (`protected`), each limit truncated.
/// - A hit in the window refreshes it there; a hit in probation moves the key to protected, whose
///   least recent keys then fall back to probation, whose overflow is evicted; a hit in protected
///   refreshes it there.
/// - To make room, the window's least recent key moves to the main while the main has room;
///   otherwise it is admitted (evicting the main's victim: probation's least recent, else
///   protected's) only if its estimated frequency beats the victim's, else it is evicted. This
///   repeats until one key has left the window by eviction, or the window is empty (then the
///   main's victim is evicted).
/// - Keys heavier than the window's (or a main segment's) limit are never kept.
/// - The sketch counts each insertion and each hit in the main (and, with window_hits, each hit
///   in the window).
/// Knobs (CoreConfig::parameters): window=0.01, protected=0.80, doorkeeper=false,
/// window_hits=false, libcachesim_sketch=false, sketch_entries=0 (auto). O(1) amortised per
/// operation; the sketch is allocated once, from the limit.
template <class K, class V, class HashFn = Hash<K>, class KeyEqual = std::equal_to<K>>
class WTinyLFUCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;
  static constexpr std::string_view kPolicy = "wtinylfu";

  /// Throws ConfigError for a bad bound (see WeightBudget) or a bad knob.
  explicit WTinyLFUCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)), table_(budget_.max_entries()) {
    detail::PolicyParameters knobs(kPolicy, config.parameters);
    const double window = knobs.number("window", 0.01, 0.0, 0.99);
    const double protected_share = knobs.number("protected", 0.80, 0.0, 0.99);
    const bool doorkeeper = knobs.flag("doorkeeper", false);
    count_window_hits_ = knobs.flag("window_hits", false);
    libcachesim_sketch_ = knobs.flag("libcachesim_sketch", false);
    std::uint64_t sketch_entries = knobs.integer("sketch_entries", 0, 0, std::uint64_t{1} << 32);
    parameters_ = knobs.finish();

    const std::uint64_t limit = budget_.limit();
    // As libCacheSim: an integer size scaled by a double, truncated; but at least 1, where
    // libCacheSim's 0 would keep nothing at all.
    window_limit_ = at_least_one(static_cast<double>(limit) * window);
    main_limit_ = limit - window_limit_;
    // 1 - 0.80 is 0.19999999999999996 in binary; rounded to 9 decimals it is the same double as
    // libCacheSim's 1.0 / 5 (its 1:4 split), so the truncated limits agree.
    const double probation_share = std::round((1.0 - protected_share) * 1e9) / 1e9;
    probation_limit_ = at_least_one(probation_share * static_cast<double>(main_limit_));
    protected_limit_ = at_least_one(protected_share * static_cast<double>(main_limit_));

    if (libcachesim_sketch_) {
      if (sketch_entries == 0) sketch_entries = main_limit_;
      decay_period_ = 32 * main_limit_;
      bloom_.emplace(sketch_entries, kMaxBloomCounters, table_.counter());
    } else {
      if (sketch_entries == 0) {
        sketch_entries = budget_.by_weight() ? std::min<std::uint64_t>(limit, kWeightModeEntries)
                                             : limit;
      }
      sketch_.emplace(sketch_entries, table_.counter());
    }
    if (doorkeeper) doorkeeper_.emplace(sketch_entries, table_.counter());
  }

  WTinyLFUCore(WTinyLFUCore&&) = default;
  /// Destroys, then moves in: the sketches allocate through the memory counter that table_
  /// owns, so they must free their old arrays before that counter goes (a memberwise move
  /// would replace the counter first).
  WTinyLFUCore& operator=(WTinyLFUCore&& other) {
    if (this != &other) {
      std::destroy_at(this);
      std::construct_at(this, std::move(other));
    }
    return *this;
  }

  /// The value if present, after counting the access and reordering; nullptr if absent.
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const Places places = load_counters(key, h);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return nullptr;
    touch(i, h, places);
    return &table_[i].value;
  }

  /// Inserts into the window (evicting first until the weights fit) or overwrites, counting an
  /// access as a hit does (then evicts until the weights fit). A key heavier than the window's
  /// limit (or a main segment's) is not kept: a new one evicts nothing, an overwritten one is
  /// evicted. Returns true if the key was new.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const Places places = detail::FrequencySketch::places(sketch_key(key, h));
    const std::uint64_t weight = budget_.weigh(key, value);
    std::uint32_t i = table_.find(key, h);
    if (i != detail::KeyIndex::kNone) {
      if (!admits(weight)) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      touch(i, h, places);
      const std::uint64_t old_weight = budget_.weigh(table_[i].key, table_[i].value);
      used(table_[i].segment) += weight;
      used(table_[i].segment) -= old_weight;
      budget_.remove(old_weight);
      budget_.add(weight);
      table_[i].value = std::move(value);
      while (budget_.over()) [[unlikely]]
        evict();
      return false;
    }
    if (!admits(weight)) [[unlikely]] return false;
    if (!budget_.by_weight() && !budget_.has_room_for(weight)) {
      // Count mode: one eviction makes room, and its victim's slab entry takes the new key in
      // place (its index slot is refiled; no free-list round trip).
      i = evict_detached();
      Entry& reused = table_[i];
      const std::uint64_t old_h = table_.hash(reused.key);
      reused = Entry{key, std::move(value), detail::kNil, detail::kNil, Segment::window};
      table_.rekey(i, old_h, h);
    } else {
      while (!budget_.has_room_for(weight)) evict();
      i = table_.emplace_reusing(h, key, std::move(value), detail::kNil, detail::kNil,
                                 Segment::window);
      ++size_;
    }
    window_.push_front(table_, i);
    window_used_ += weight;
    budget_.add(weight);
    count(sketch_key(key, h), places);
    return true;
  }

  /// Removes `key`; true if it was present. Its sketch counts stay.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == detail::KeyIndex::kNone) return false;
    drop(i, h);
    return true;
  }

  /// Hints for trace replays (see LRUCore); they change nothing. prefetch_slot also starts
  /// loading the key's 4 sketch counters (a cache line each), which nearly every request updates.
  void prefetch_slot(const K& key) const noexcept {
    table_.prefetch_slot(key);
    prefetch_sketch(key);
  }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache and the sketch; keeps eviction counters and allocated memory.
  void clear() noexcept {
    table_.clear();
    size_ = 0;
    window_.clear();
    probation_.clear();
    protected_.clear();
    window_used_ = probation_used_ = protected_used_ = 0;
    budget_.clear();
    if (sketch_) sketch_->clear();
    if (bloom_) bloom_->clear();
    if (doorkeeper_) doorkeeper_->clear();
    main_hits_ = 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }
  /// The knobs in effect, defaults included ("window=0.01,protected=0.8,...").
  [[nodiscard]] std::string_view parameters() const noexcept { return parameters_; }

  /// Where a cached key is: 'w' window, 'p' probation, 'P' protected; '\0' if absent.
  [[nodiscard]] char where(const K& key) const {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == detail::KeyIndex::kNone) return '\0';
    constexpr std::string_view kLetters = "wpP";
    return kLetters[static_cast<std::size_t>(table_[i].segment)];
  }
  /// The sketch's estimate for `key` (cached or not). Does not count as an access.
  [[nodiscard]] std::uint32_t frequency(const K& key) const {
    return estimate(sketch_key(key, table_.hash(key)));
  }
  /// The segment limits: window, probation, protected (in entries or weight).
  [[nodiscard]] std::uint64_t window_limit() const noexcept { return window_limit_; }
  [[nodiscard]] std::uint64_t probation_limit() const noexcept { return probation_limit_; }
  [[nodiscard]] std::uint64_t protected_limit() const noexcept { return protected_limit_; }

 private:
  enum class Segment : std::uint8_t { window, probation, protected_, none };
  using Places = detail::FrequencySketch::Places;
  static constexpr bool kHashedIndex =
      std::is_same_v<typename detail::IndexFor<HashFn>::type, detail::KeyIndex>;

  struct Entry {
    K key;
    V value;
    std::uint32_t prev;  // neighbour in its segment, more recent; kNil at the head
    std::uint32_t next;  // neighbour in its segment, less recent; kNil at the tail; free list
    Segment segment;     // the list this entry is linked in; none only while moving
  };

  static constexpr std::uint64_t kMaxBloomCounters = std::uint64_t{1} << 24;
  static constexpr std::uint64_t kWeightModeEntries = std::uint64_t{1} << 20;

  [[nodiscard]] static std::uint64_t at_least_one(double share) noexcept {
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(share));
  }

  [[nodiscard]] bool admits(std::uint64_t weight) const noexcept {
    return budget_.admits(weight) && weight <= window_limit_ && weight <= probation_limit_ &&
           weight <= protected_limit_;
  }

  [[nodiscard]] detail::LinkedOrder& list(Segment s) noexcept {
    return s == Segment::window ? window_ : s == Segment::probation ? probation_ : protected_;
  }
  [[nodiscard]] std::uint64_t& used(Segment s) noexcept {
    return s == Segment::window      ? window_used_
           : s == Segment::probation ? probation_used_
                                     : protected_used_;
  }
  [[nodiscard]] std::uint64_t main_used() const noexcept {
    return probation_used_ + protected_used_;
  }
  [[nodiscard]] std::uint64_t weigh(std::uint32_t i) const {
    return budget_.weigh(table_[i].key, table_[i].value);
  }

  /// Unlinks entry i from its segment (its weight leaves that segment's total).
  void detach(std::uint32_t i, std::uint64_t w) noexcept {
    Entry& e = table_[i];
    list(e.segment).unlink(table_, i);
    used(e.segment) -= w;
    e.prev = e.next = detail::kNil;
    e.segment = Segment::none;
  }
  void attach(std::uint32_t i, std::uint64_t w, Segment s) noexcept {
    table_[i].segment = s;
    list(s).push_front(table_, i);
    used(s) += w;
  }

  /// Removes entry i (hash h) and its weight; its slab entry goes on the free list.
  void drop(std::uint32_t i, std::uint64_t h) {
    unlink_and_unweigh(i);
    release(i, h);
  }
  /// Takes entry i out of its segment and the budget; it stays in the slab and index.
  void unlink_and_unweigh(std::uint32_t i) {
    const std::uint64_t w = weigh(i);
    detach(i, w);
    budget_.remove(w);
  }
  /// Takes entry i (hash h), already unlinked and unweighed, out of the index; its slab entry
  /// goes on the free list for the next new key, so no entry moves into its place (moving the
  /// slab's last entry would write its index slot and both its neighbours: three random lines).
  void release(std::uint32_t i, std::uint64_t h) {
    table_.free_entry(i, h);
    --size_;
  }

  /// The main's victim: probation's least recent, else protected's; kNil if the main is empty.
  [[nodiscard]] std::uint32_t main_victim() const noexcept {
    return probation_.empty() ? protected_.tail : probation_.tail;
  }
  void evict_from_main() {
    const std::uint32_t i = main_victim();
    drop(i, table_.hash(table_[i].key));
    ++evictions_.capacity;
  }
  /// As evict_from_main, but the victim stays in the slab and index; returns it.
  [[nodiscard]] std::uint32_t evict_from_main_detached() {
    const std::uint32_t i = main_victim();
    unlink_and_unweigh(i);
    ++evictions_.capacity;
    return i;
  }

  /// A hit on entry i (hash h): counts it and reorders. Small enough to inline into get(): a
  /// probation hit's promotion is out of line, so a window or protected hit saves no registers
  /// for it.
  void touch(std::uint32_t i, std::uint64_t h, Places places) {
    switch (table_[i].segment) {
      case Segment::window:
        window_.move_to_front(table_, i);
        if (count_window_hits_) count(sketch_key(table_[i].key, h), places);
        return;
      case Segment::protected_:
        protected_.move_to_front(table_, i);
        break;
      default:
        promote(i);
    }
    count(sketch_key(table_[i].key, h), places);
    if (libcachesim_sketch_ && ++main_hits_ >= decay_period_) {
      main_hits_ = 0;
      bloom_->decay();
      if (doorkeeper_) doorkeeper_->clear();
    }
  }

  /// A hit on probation entry i: it moves to protected, which may push keys back to probation
  /// and evict from it.
  [[gnu::noinline]] void promote(std::uint32_t i) {
    const std::uint64_t w = weigh(i);
    detach(i, w);
    attach(i, w, Segment::protected_);
    cool_protected();
  }

  /// Protected over its limit: its least recent keys fall back to probation's head; probation
  /// over its limit evicts its least recent keys.
  void cool_protected() {
    while (protected_used_ > protected_limit_) {
      const std::uint32_t t = protected_.tail;
      const std::uint64_t w = weigh(t);
      detach(t, w);
      attach(t, w, Segment::probation);
      while (probation_used_ > probation_limit_) evict_from_main();
    }
  }

  /// Puts a key leaving the window into the main: probation if it has room, else protected if
  /// it has room, else probation after evicting main victims until the main has room.
  void enter_main(std::uint32_t i, std::uint64_t w) {
    Segment s = Segment::probation;
    if (probation_used_ + w > probation_limit_) {
      if (protected_used_ + w <= protected_limit_) {
        s = Segment::protected_;
      } else {
        while (main_used() + w > main_limit_) evict_from_main();
      }
    }
    attach(i, w, s);
  }

  /// Evicts until one key left the cache from the window, or the window was empty and one left
  /// the main (the window's keys move to the main on the way).
  void evict() {
    const std::uint32_t victim = evict_detached();
    release(victim, table_.hash(table_[victim].key));
  }

  /// evict(), except that the last key to leave stays in the slab and index (out of every
  /// segment and the budget): returns its entry, for the caller to release or reuse. Keys the
  /// main lost on the way are removed as usual.
  [[nodiscard]] std::uint32_t evict_detached() {
    while (!window_.empty()) {
      const std::uint32_t v = window_.tail;
      const std::uint64_t h = table_.hash(table_[v].key);
      const std::uint64_t code = sketch_key(table_[v].key, h);
      const std::uint64_t w = weigh(v);
      bool admitted = main_used() + w <= main_limit_;
      if (!admitted && main_victim() != detail::kNil &&
          estimate(code) > estimate(sketch_key(table_[main_victim()].key,
                                               table_.hash(table_[main_victim()].key)))) {
        evict_from_main();
        admitted = true;
      }
      if (libcachesim_sketch_) count_with_options(code);
      if (!admitted) {
        unlink_and_unweigh(v);
        ++evictions_.capacity;
        prefetch_next_victims();
        return v;
      }
      detach(v, w);
      enter_main(v, w);
    }
    const std::uint32_t victim = evict_from_main_detached();
    prefetch_next_victims();
    return victim;
  }

  /// Hint for the next eviction: starts loading the sketch counters and index slots of the
  /// keys it will compare first (the window's and the main's least recent), and the entries
  /// before them in their lists, which the eviction after it will compare. So the least recent
  /// entries read here were loaded one eviction ago, and reading their keys does not wait on
  /// memory (a list's next victim is known only once its tail is loaded). Changes nothing.
  void prefetch_next_victims() const noexcept {
    for (const std::uint32_t i : {window_.tail, main_victim()}) {
      if (i == detail::kNil) continue;
      const Entry& entry = table_[i];
      table_.prefetch_slot(entry.key);
      prefetch_sketch(entry.key);
      if (entry.prev != detail::kNil) detail::prefetch_line(&table_[entry.prev]);
    }
  }
  void prefetch_sketch(const K& key) const noexcept {
    if (!sketch_) return;
    if constexpr (std::is_integral_v<K>) {
      sketch_->prefetch(sketch_key(key, 0));  // an integer key is its own sketch key: no hash
    } else {
      sketch_->prefetch(sketch_key(key, table_.hash(key)));
    }
  }

  /// The places of the key (hash h) in Caffeine's sketch, mixed once for the whole call. With a
  /// hash-table index it also starts loading the key's counters, which nearly every get updates
  /// (a hit, or the set after a miss), so their cache misses overlap the lookup's; a direct
  /// index (the simulator's dense ids) is one load, and its caller prefetched them already.
  [[nodiscard]] Places load_counters(const K& key, std::uint64_t h) const noexcept {
    const Places places = detail::FrequencySketch::places(sketch_key(key, h));
    if constexpr (kHashedIndex) {
      if (sketch_) sketch_->prefetch(places);
    }
    return places;
  }

  /// What the sketches count a key by: an integer key itself (as libCacheSim hashes the object
  /// id), any other key by its hash `h`.
  [[nodiscard]] static std::uint64_t sketch_key(const K& key, std::uint64_t h) noexcept {
    if constexpr (std::is_integral_v<K>) {
      return static_cast<std::uint64_t>(key);
    } else {
      return h;
    }
  }

  /// Counts one occurrence of the key with sketch key h (places: its places in Caffeine's sketch):
  /// in the doorkeeper first if there is one. The default configuration's path (Caffeine's sketch
  /// alone) is inline, the others' not.
  void count(std::uint64_t h, Places places) noexcept {
    if (!doorkeeper_ && !bloom_) [[likely]] {
      sketch_->increment(places);
      (void)sketch_->take_reset();
      return;
    }
    count_with_options(h);
  }
  /// count() with a doorkeeper or libCacheSim's sketch.
  [[gnu::noinline]] void count_with_options(std::uint64_t h) noexcept {
    if (doorkeeper_ && !doorkeeper_->put(h)) return;
    if (bloom_) {
      bloom_->increment(h);
      return;
    }
    sketch_->increment(h);
    if (sketch_->take_reset() && doorkeeper_) doorkeeper_->clear();
  }
  [[nodiscard]] std::uint32_t estimate(std::uint64_t h) const noexcept {
    const std::uint32_t seen = doorkeeper_ && doorkeeper_->contains(h) ? 1 : 0;
    return seen + (bloom_ ? bloom_->estimate(h) : sketch_->estimate(h));
  }

  detail::WeightBudget<K, V> budget_;  // entries or weights held, against the bound
  detail::EntryTable<Entry, K, HashFn, KeyEqual> table_;  // cached entries, and free ones
  std::size_t size_ = 0;           // cached keys: entries indexed in table_
  detail::LinkedOrder window_;     // most recent first
  detail::LinkedOrder probation_;  // most recent first
  detail::LinkedOrder protected_;  // most recent first
  std::uint64_t window_used_ = 0;     // weight linked in window_ (may exceed its limit)
  std::uint64_t probation_used_ = 0;  // weight linked in probation_
  std::uint64_t protected_used_ = 0;  // weight linked in protected_, <= its limit between calls
  std::uint64_t window_limit_ = 0;    // trunc(limit x window): the heaviest key kept
  std::uint64_t main_limit_ = 0;      // limit - window_limit_
  std::uint64_t probation_limit_ = 0;
  std::uint64_t protected_limit_ = 0;
  std::optional<detail::FrequencySketch> sketch_;     // unless libcachesim_sketch
  std::optional<detail::CountingBloomSketch> bloom_;  // if libcachesim_sketch
  std::optional<detail::Doorkeeper> doorkeeper_;      // if doorkeeper
  bool libcachesim_sketch_ = false;
  bool count_window_hits_ = false;
  std::uint64_t main_hits_ = 0;     // main hits since the last decay (libcachesim_sketch)
  std::uint64_t decay_period_ = 0;  // 32 x main_limit_ (libcachesim_sketch)
  std::string parameters_;
  EvictionCounts evictions_;
};

static_assert(EvictionCore<WTinyLFUCore<int, int>>);

}  // namespace purecache
