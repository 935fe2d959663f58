#pragma once
/// The insertion-ordered cores: FIFOCore, ClockCore and SieveCore are its three faces.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/hash.hpp"
#include "purecache/core/time.hpp"
#include "purecache/detail/config_checks.hpp"
#include "purecache/detail/entry_table.hpp"
#include "purecache/detail/linked_order.hpp"
#include "purecache/detail/weight_budget.hpp"

namespace purecache::detail {

/// What a hit does to an entry of one insertion-ordered queue, and how the victim is found.
enum class QueueRule {
  fifo,   // nothing; the victim is the oldest entry
  clock,  // sets the reference bit; an oldest entry with the bit set loses it and moves to the head
  sieve,  // sets the visited bit; a hand walks from old to new, clearing bits, and stays put
};

/// The CLI word of each rule, the name its parameter errors carry.
[[nodiscard]] constexpr std::string_view policy_name(QueueRule rule) noexcept {
  switch (rule) {
    case QueueRule::fifo:
      return "fifo";
    case QueueRule::clock:
      return "clock";
    case QueueRule::sieve:
      return "sieve";
  }
  return "";
}

struct NoReferenceBit {};

template <class K, class V, QueueRule kRule>
struct QueueEntry {
  using Bit = std::conditional_t<kRule == QueueRule::fifo, NoReferenceBit, bool>;
  K key;
  V value;
  std::uint32_t prev;                    // towards the newest; kNil at the head
  std::uint32_t next;                    // towards the oldest; kNil at the tail
  [[no_unique_address]] Bit referenced;  // hit since inserted or since the last pass over it
};

/// One queue in insertion order, newest at the head, and a bounded budget: a new key enters at
/// the head after victims are evicted until it fits. The rule decides what a hit records and
/// which entry is the victim (see QueueRule and the three public aliases). O(1) expected per
/// get, set and erase; an eviction is O(1) amortised (each pass clears the bits it walks over).
/// A full cache in count mode reuses its victim's slab entry in place, so a warm cache allocates
/// nothing. Ignores time and TTLs.
template <class K, class V, QueueRule kRule, class HashFn = Hash<K>,
          class KeyEqual = std::equal_to<K>>
class BasicFIFOCore {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  /// Throws ConfigError for a bad bound (WeightBudget) or any parameter (these rules have none).
  explicit BasicFIFOCore(const CoreConfig& config, Weigher<K, V> weigher = {})
      : budget_(config, std::move(weigher)), table_(budget_.max_entries()) {
    check_no_parameters(policy_name(kRule), config);
  }

  /// The value if present, after recording the hit (CLOCK and SIEVE set the entry's bit; FIFO
  /// records nothing); nullptr if absent.
  const V* get(const K& key, Timestamp /*now*/) {
    const std::uint32_t i = table_.find(key, table_.hash(key));
    if (i == KeyIndex::kNone) return nullptr;
    touch(i);
    return &table_[i].value;
  }

  /// A new key enters at the head once victims are evicted until it fits. Overwriting a present
  /// key keeps its place in the queue and records a hit (as get does), then evicts while the
  /// weights exceed the bound. A key heavier than the whole cache is not kept (a new one evicts
  /// nothing; an overwritten one is evicted). Returns true if the key was new.
  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t h = table_.hash(key);
    const std::uint64_t weight = budget_.weigh(key, value);
    std::uint32_t i = table_.find(key, h);
    if (i != KeyIndex::kNone) {
      if (!budget_.admits(weight)) [[unlikely]] {
        drop(i, h);
        ++evictions_.capacity;
        return false;
      }
      budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
      budget_.add(weight);
      table_[i].value = std::move(value);
      touch(i);
      while (budget_.over()) [[unlikely]]
        evict();
      return false;
    }
    if (!budget_.admits(weight)) [[unlikely]] return false;
    if (!budget_.by_weight() && !budget_.has_room_for(weight)) {
      // Count mode: the victim's slab entry is reused in place.
      i = take_victim();
      auto& victim = table_[i];
      const std::uint64_t old_h = table_.hash(victim.key);
      victim.key = key;
      victim.value = std::move(value);
      table_.rekey(i, old_h, h);
      ++evictions_.capacity;
    } else {
      while (!budget_.has_room_for(weight)) evict();
      i = table_.emplace(h, key, std::move(value), kNil, kNil, typename Entry::Bit{});
      budget_.add(weight);
    }
    if constexpr (kRule != QueueRule::fifo) table_[i].referenced = false;
    order_.push_front(table_, i);
    return true;
  }

  /// Removes `key`; true if it was present. SIEVE's hand, if on it, moves to the next newer entry.
  bool erase(const K& key, Timestamp /*now*/) {
    const std::uint64_t h = table_.hash(key);
    const std::uint32_t i = table_.find(key, h);
    if (i == KeyIndex::kNone) return false;
    drop(i, h);
    return true;
  }

  /// Hints for callers that know their next keys (trace replays): start loading the index slot
  /// a lookup of `key` reads first, and later (once that slot is cached) its entry. They change
  /// nothing; issue prefetch_slot several operations ahead and prefetch_entry about half as far.
  void prefetch_slot(const K& key) const noexcept { table_.prefetch_slot(key); }
  void prefetch_entry(const K& key) const { table_.prefetch_entry(key); }

  /// Empties the cache (SIEVE's hand goes back to the tail); keeps eviction counters and
  /// allocated memory.
  void clear() noexcept {
    table_.clear();
    order_.clear();
    hand_ = kNil;
    budget_.clear();
  }

  /// True if `key` is cached. Not a hit: sets no bit.
  [[nodiscard]] bool contains(const K& key) const {
    return table_.find(key, table_.hash(key)) != KeyIndex::kNone;
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return budget_.capacity(); }
  [[nodiscard]] std::uint64_t weight() const noexcept { return budget_.used(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }
  [[nodiscard]] MemoryUsage memory() const noexcept { return table_.memory(); }

 private:
  using Entry = QueueEntry<K, V, kRule>;

  void touch([[maybe_unused]] std::uint32_t i) noexcept {
    if constexpr (kRule != QueueRule::fifo) table_[i].referenced = true;
  }

  /// Finds the victim by the rule, unlinks it from the queue and returns it; the caller removes
  /// or reuses its slab entry. The queue is not empty.
  std::uint32_t take_victim() noexcept {
    std::uint32_t i = order_.tail;
    if constexpr (kRule == QueueRule::clock) {
      // Second chance: a referenced oldest entry is reinserted at the head without its bit.
      while (table_[i].referenced) {
        table_[i].referenced = false;
        order_.move_to_front(table_, i);
        i = order_.tail;
      }
    } else if constexpr (kRule == QueueRule::sieve) {
      if (hand_ != kNil) i = hand_;
      // Visited entries stay where they are; the hand wraps from the head back to the tail.
      while (table_[i].referenced) {
        table_[i].referenced = false;
        i = table_[i].prev != kNil ? table_[i].prev : order_.tail;
      }
      hand_ = table_[i].prev;  // kNil after the head: the next search starts at the tail
    }
    order_.unlink(table_, i);
    return i;
  }

  /// Removes the rule's victim to make room.
  void evict() {
    const std::uint32_t i = take_victim();
    remove_unlinked(i, table_.hash(table_[i].key));
    ++evictions_.capacity;
  }

  /// Unlinks and removes entry i (hash h) and its weight.
  void drop(std::uint32_t i, std::uint64_t h) {
    if constexpr (kRule == QueueRule::sieve) {
      if (hand_ == i) hand_ = table_[i].prev;
    }
    order_.unlink(table_, i);
    remove_unlinked(i, h);
  }

  /// Removes entry i (hash h), already out of the queue, and its weight.
  void remove_unlinked(std::uint32_t i, std::uint64_t h) {
    budget_.remove(budget_.weigh(table_[i].key, table_[i].value));
    table_.remove(i, h, [this](std::uint32_t from, std::uint32_t to) {
      order_.relocated(table_, from, to);
      if (hand_ == from) hand_ = to;
    });
  }

  WeightBudget<K, V> budget_;  // entries or weights held, against the bound
  EntryTable<Entry, K, HashFn, KeyEqual> table_;
  LinkedOrder order_;          // every entry, newest first
  std::uint32_t hand_ = kNil;  // SIEVE: where the next victim search starts; kNil = the tail
  EvictionCounts evictions_;
};

}  // namespace purecache::detail
