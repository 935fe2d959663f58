#include "purecache/async/sync_wait.hpp"

#include <condition_variable>
#include <mutex>

namespace purecache::detail {

namespace {

// Lives on the waiting caller's stack. A mutex and condition variable rather than an atomic
// wait/notify: notifying an atomic that the woken caller may already have destroyed is
// undefined, while destroying a mutex right after the notifier unlocks it is sanctioned.
struct SyncWaitBlocker {
  std::mutex mutex;
  std::condition_variable woken;
  bool signalled = false;  // guarded by mutex
};

}  // namespace

void SyncWaitSignal::wait_slow() {
  SyncWaitBlocker blocker;
  std::uintptr_t expected = kRunning;
  if (!state_.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(&blocker),
                                      std::memory_order_acq_rel, std::memory_order_acquire)) {
    return;  // completed between the first check and now
  }
  std::unique_lock lock(blocker.mutex);
  blocker.woken.wait(lock, [&] { return blocker.signalled; });
}

void SyncWaitSignal::wake(std::uintptr_t blocker_address) noexcept {
  auto* blocker = reinterpret_cast<SyncWaitBlocker*>(blocker_address);
  std::lock_guard lock(blocker->mutex);
  blocker->signalled = true;
  blocker->woken.notify_one();
}

}  // namespace purecache::detail
