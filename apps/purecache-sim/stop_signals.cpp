#include "stop_signals.hpp"

#include <signal.h>

#include "purecache/sim/output/atomic_file.hpp"

namespace purecache::sim {

namespace {

// Written by the handler, so it must be lock-free to be async-signal-safe.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal_number) {
  int none = 0;
  if (g_stop_signal.compare_exchange_strong(none, signal_number)) return;
  // The second signal: the user wants out now, whatever is blocking the first one's orderly
  // stop. sigaction, unlink and raise are async-signal-safe; the raised signal is blocked until
  // this handler returns, and then ends the process as if no handler had been installed.
  remove_temporaries_on_signal();
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal_number, &default_action, nullptr);
  raise(signal_number);
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  // Blocking reads and writes resume after the first signal; the stop is seen between batches.
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  for (const int signal_number : {SIGINT, SIGTERM}) {
    // A shell starts background jobs with SIGINT ignored: keep it that way.
    struct sigaction previous {};
    if (sigaction(signal_number, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) {
      continue;
    }
    sigaction(signal_number, &action, nullptr);
  }

  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGXFSZ, &ignore, nullptr);
}

const std::atomic<int>& stop_signal() noexcept { return g_stop_signal; }

}  // namespace purecache::sim
