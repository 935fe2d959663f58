#pragma once
/// Naive reference models of FIFO, CLOCK and SIEVE, written from their rules (docs/policies.md),
/// not from the cores' code: a vector in insertion order, oldest first, scanned linearly. Count
/// mode and weight mode alike. Same member functions as a core (minus memory()).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "purecache/core/core_config.hpp"
#include "purecache/core/core_stats.hpp"
#include "purecache/core/time.hpp"
#include "purecache/core/weigher.hpp"

namespace purecache::test {

enum class QueueModelRule { fifo, clock, sieve };

template <class K, class V, QueueModelRule kRule>
class QueueModel {
 public:
  using key_type = K;
  using mapped_type = V;
  static constexpr bool kUsesTime = false;

  explicit QueueModel(const CoreConfig& config, Weigher<K, V> weigher = {})
      : weigher_(std::move(weigher)),
        limit_(config.max_weight != 0 ? config.max_weight : config.capacity) {}

  const V* get(const K& key, Timestamp /*now*/) {
    const std::size_t i = find(key);
    if (i == queue_.size()) return nullptr;
    queue_[i].bit = true;
    return &queue_[i].value;
  }

  bool set(const K& key, V value, Timestamp /*now*/, Duration /*ttl*/ = kDefaultTTL) {
    const std::uint64_t w = weigh(key, value);
    const std::size_t i = find(key);
    if (i != queue_.size()) {
      if (w > limit_) {
        remove_at(i);
        ++evictions_.capacity;
        return false;
      }
      queue_[i].value = std::move(value);
      queue_[i].bit = true;
      while (total() > limit_)
        evict();
      return false;
    }
    if (w > limit_) return false;
    while (total() + w > limit_)
      evict();
    queue_.push_back({key, std::move(value), false});
    return true;
  }

  bool erase(const K& key, Timestamp /*now*/) {
    const std::size_t i = find(key);
    if (i == queue_.size()) return false;
    remove_at(i);
    return true;
  }

  void clear() {
    queue_.clear();
    hand_.reset();
  }

  [[nodiscard]] bool contains(const K& key) const { return find(key) != queue_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return queue_.size(); }
  [[nodiscard]] std::uint64_t weight() const { return total(); }
  [[nodiscard]] EvictionCounts evictions() const noexcept { return evictions_; }

 private:
  struct Item {
    K key;
    V value;
    bool bit;  // CLOCK's reference bit, SIEVE's visited bit; FIFO ignores it
  };

  [[nodiscard]] std::uint64_t weigh(const K& key, const V& value) const {
    return weigher_ ? weigher_(key, value) : 1;
  }
  [[nodiscard]] std::uint64_t total() const {
    std::uint64_t sum = 0;
    for (const auto& item : queue_)
      sum += weigh(item.key, item.value);
    return sum;
  }
  [[nodiscard]] std::size_t find(const K& key) const {
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      if (queue_[i].key == key) return i;
    }
    return queue_.size();
  }
  /// SIEVE's hand is the key of the entry where the next search starts; none = the oldest.
  /// Removing that entry hands the position to its newer neighbour.
  void remove_at(std::size_t i) {
    if (hand_ && *hand_ == queue_[i].key) {
      hand_.reset();
      if (i + 1 < queue_.size()) hand_ = queue_[i + 1].key;
    }
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void evict() {
    std::size_t victim = 0;
    if constexpr (kRule == QueueModelRule::clock) {
      while (queue_.front().bit) {
        Item item = std::move(queue_.front());
        queue_.erase(queue_.begin());
        item.bit = false;
        queue_.push_back(std::move(item));
      }
    } else if constexpr (kRule == QueueModelRule::sieve) {
      if (hand_) victim = find(*hand_);
      while (queue_[victim].bit) {
        queue_[victim].bit = false;
        victim = victim + 1 < queue_.size() ? victim + 1 : 0;
      }
      hand_ = queue_[victim].key;  // remove_at moves it to the newer neighbour
    }
    remove_at(victim);
    ++evictions_.capacity;
  }

  Weigher<K, V> weigher_;
  std::uint64_t limit_;
  std::vector<Item> queue_;  // oldest first
  std::optional<K> hand_;
  EvictionCounts evictions_;
};

template <class K, class V>
using FIFOModel = QueueModel<K, V, QueueModelRule::fifo>;
template <class K, class V>
using ClockModel = QueueModel<K, V, QueueModelRule::clock>;
template <class K, class V>
using SieveModel = QueueModel<K, V, QueueModelRule::sieve>;

}  // namespace purecache::test
