#pragma once
/// How purecache-sim reacts to SIGINT and SIGTERM (docs/replay-semantics.md#interruption).

#include <atomic>

namespace purecache::sim {

/// Installs the process's signal dispositions. The first SIGINT or SIGTERM is only recorded, in
/// stop_signal(), for the replay or generator to see at its next batch; a second one removes any
/// temporary output file and ends the process at once by the signal's default action. SIGXFSZ is
/// ignored, so that a write past `ulimit -f` fails with EFBIG and is reported instead of killing
/// the process. Call once, from main, before anything is written.
void install_stop_signal_handlers();

/// The number of the first SIGINT or SIGTERM received, 0 until then.
[[nodiscard]] const std::atomic<int>& stop_signal() noexcept;

}  // namespace purecache::sim
