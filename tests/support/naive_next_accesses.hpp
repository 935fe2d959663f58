#pragma once
/// What an offline policy is told before each request, found the obvious way for tests.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace purecache::test {

/// For each of `items`, the position of the next item with the same key (`key_of(item)`), or
/// `never` if there is none: a forward scan, O(n^2), to check the backward passes against and to
/// drive offline cores in tests.
template <class Item, class KeyOf>
[[nodiscard]] std::vector<std::uint64_t> naive_next_accesses(
    const std::vector<Item>& items, KeyOf key_of,
    std::uint64_t never = std::numeric_limits<std::uint64_t>::max()) {
  std::vector<std::uint64_t> next(items.size(), never);
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (key_of(items[j]) == key_of(items[i])) {
        next[i] = j;
        break;
      }
    }
  }
  return next;
}

}  // namespace purecache::test
