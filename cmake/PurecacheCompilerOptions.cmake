# Warnings and sanitizers are properties of purecache's own targets, never of the whole build or
# of a consumer: both are linked as $<BUILD_INTERFACE:...>, so neither is exported or installed.

add_library(purecache_warnings INTERFACE)
target_compile_options(purecache_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports std::string concatenation at -O2 as overlapping memcpy (GCC PR 105329).
  target_compile_options(purecache_warnings INTERFACE -Wno-restrict)
endif()
if(PURECACHE_WERROR)
  target_compile_options(purecache_warnings INTERFACE -Werror)
endif()

add_library(purecache_sanitizers INTERFACE)
if(PURECACHE_SANITIZE)
  target_compile_options(purecache_sanitizers INTERFACE
    -fsanitize=${PURECACHE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(purecache_sanitizers INTERFACE -fsanitize=${PURECACHE_SANITIZE})
  if(PURECACHE_SANITIZE MATCHES "address")
    # The ASan + UBSan debug test binary carries about 5 million relative relocations (a 128 MB
    # .rela.dyn, mostly the sanitizers' per-global and per-check records). As a PIE, each of the
    # ~740 test processes ctest starts applied them all: 0.33 s to start, against 0.19 s linked
    # as a fixed-address executable, whose relocations the linker resolves once.
    target_link_options(purecache_sanitizers INTERFACE
      $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow-based warnings misfire on sanitizer-instrumented code (inside Catch and
    # <streambuf>); the dev and release builds keep them as errors.
    target_compile_options(purecache_warnings INTERFACE -Wno-maybe-uninitialized -Wno-null-dereference)
  endif()
endif()
