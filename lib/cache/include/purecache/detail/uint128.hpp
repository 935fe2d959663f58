#pragma once
/// The compiler's 128-bit unsigned integer, named once (__extension__ keeps -Wpedantic quiet).

namespace purecache::detail {
__extension__ typedef unsigned __int128 Uint128;
}  // namespace purecache::detail
