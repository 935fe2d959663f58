// Uses the installed (or add_subdirectory'd) cache library as an application would.
#include <cstdint>
#include <iostream>
#include <string>

#include <purecache/purecache.hpp>
#include <purecache/version.hpp>

#ifdef PURECACHE_VERSION
#error "purecache must not define unprefixed or build-only macros in consumers"
#endif

namespace {

purecache::Task<std::uint64_t> fill_and_read(purecache::Cache<std::uint64_t, std::string>& cache) {
  for (std::uint64_t key = 0; key < 10; ++key) {
    co_await cache.set(key, "value " + std::to_string(key));
  }
  std::uint64_t found = 0;
  for (std::uint64_t key = 0; key < 10; ++key) {
    if (co_await cache.get(key)) ++found;
  }
  co_return found;
}

}  // namespace

int main() {
  purecache::Cache<std::uint64_t, std::string> cache(
      purecache::make_backend<std::uint64_t, std::string>(purecache::BackendKind::lru,
                                                          {.capacity = 4}));
  const std::uint64_t found = purecache::sync_wait(fill_and_read(cache));
  std::cout << "purecache " << purecache::version() << ": " << found << " of 10 kept, "
            << cache.counters().misses << " misses\n";
  return found == 4 ? 0 : 1;
}
