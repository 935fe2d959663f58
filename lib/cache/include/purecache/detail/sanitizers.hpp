#pragma once
/// Hooks for AddressSanitizer, empty in other builds.

// GCC defines __SANITIZE_ADDRESS__; clang 14 reports ASan only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define PURECACHE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PURECACHE_ASAN 1
#endif
#endif

/// Marks memory the program must not touch (a cached coroutine frame), or touchable again.
#if defined(PURECACHE_ASAN)
#include <sanitizer/asan_interface.h>
#define PURECACHE_POISON_MEMORY(addr, size) ASAN_POISON_MEMORY_REGION(addr, size)
#define PURECACHE_UNPOISON_MEMORY(addr, size) ASAN_UNPOISON_MEMORY_REGION(addr, size)
#else
#define PURECACHE_POISON_MEMORY(addr, size) static_cast<void>(0)
#define PURECACHE_UNPOISON_MEMORY(addr, size) static_cast<void>(0)
#endif
