#pragma once
/// Resuming coroutines from a hand-off without recursion: a per-thread trampoline.

#include <coroutine>

namespace purecache::detail {

/// A suspended coroutine in an intrusive list. The node lives in the awaiter, inside the
/// suspended coroutine's frame, so queueing allocates nothing. Both fields are set by whoever
/// queues the node, so an awaiter that never waits writes neither.
struct ResumeNode {
  ResumeNode* next_;  // next node of whichever list holds this one
  void* frame_;       // the coroutine to resume: std::coroutine_handle<>::address()
};

/// Resumes node.handle_ on the calling thread. If the calling thread is already inside
/// resume_trampolined, the node is queued instead (FIFO) and resumed by the outermost call's
/// loop once the current resumption returns, so chains of hand-offs (unlock -> resumed waiter
/// -> unlock -> ...) run at constant stack depth. No atomics, no allocation.
void resume_trampolined(ResumeNode& node) noexcept;

}  // namespace purecache::detail
