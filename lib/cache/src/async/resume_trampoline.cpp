#include "purecache/async/resume_trampoline.hpp"

namespace purecache::detail {

namespace {

struct Trampoline {
  bool running;      // an outer resume_trampolined is on this thread's stack
  ResumeNode* head;  // oldest queued node, resumed next
  ResumeNode* tail;  // newest queued node; null iff head is null
};

constinit thread_local Trampoline tls_trampoline{};

}  // namespace

void resume_trampolined(ResumeNode& node) noexcept {
  Trampoline& trampoline = tls_trampoline;
  if (trampoline.running) {
    node.next_ = nullptr;
    if (trampoline.tail != nullptr) {
      trampoline.tail->next_ = &node;
    } else {
      trampoline.head = &node;
    }
    trampoline.tail = &node;
    return;
  }
  trampoline.running = true;
  std::coroutine_handle<>::from_address(node.frame_).resume();
  // A node lives in its coroutine's frame, which may be gone once resumed: unlink it first.
  while (ResumeNode* next = trampoline.head) {
    trampoline.head = next->next_;
    if (trampoline.head == nullptr) trampoline.tail = nullptr;
    std::coroutine_handle<>::from_address(next->frame_).resume();
  }
  trampoline.running = false;
}

}  // namespace purecache::detail
