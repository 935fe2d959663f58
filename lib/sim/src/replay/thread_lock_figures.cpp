#include "replay/thread_lock_figures.hpp"

#include <memory>
#include <mutex>

#include "purecache/async/executor.hpp"

namespace purecache::sim::detail {

// Out of line and rare: once per thread per replay.
ThreadLockFigures::Slot& ThreadLockFigures::claim() {
  auto slot = std::make_unique<Slot>();
  slot->executor = current_executor();
  Slot& mine = *slot;
  {
    const std::lock_guard lock(claim_mutex_);
    slots_.push_back(std::move(slot));
  }
  tls_lock_figures = {id_, &mine};
  return mine;
}

void ThreadLockFigures::reset() noexcept {
  for (const auto& slot : slots_) {
    slot->hold_ticks.reset();
    slot->wait_ticks.reset();
    slot->acquisitions = slot->contended = slot->completed = 0;
  }
}

}  // namespace purecache::sim::detail
