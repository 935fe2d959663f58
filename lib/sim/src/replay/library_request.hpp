#pragma once
/// A library-engine replay's requests: each one's calls to the Cache, and its counts.

#include <coroutine>
#include <memory>
#include <optional>

#include "purecache/async/task.hpp"
#include "purecache/cache.hpp"
#include "purecache/core/time.hpp"
#include "purecache/sim/trace/request.hpp"
#include "replay/replay_backend.hpp"
#include "replay/replay_steps.hpp"

namespace purecache::sim::detail {

/// Issues a replay's requests as an application issues them: a get (and, on a miss with demand
/// fill, a set of the object), a set or an erase, counted into `Counts` (a ReplayResult, or a
/// threaded client's own counters) as count_request and count_get count. `Req` has `op` and
/// `size`, and `ttl` if the trace's TTLs reach the cache (without one, every set has TTL 0).
/// Both library replays, the single-threaded one and each client of the threaded one, issue
/// every request through one of these:
///
///     LibraryRequest<K, Request, ReplayResult> calls(cache, result, fill);
///     for (each request) {
///       calls.issue(key, request);
///       while (co_await calls) {}
///     }
///
/// Each await is one Cache call, awaited in the replay's own coroutine: a request costs no
/// coroutine frame of its own (a helper coroutine would add one per request); this object keeps
/// only pointers to the key and request and the next call. It resumes where the Cache call
/// completes (with contention, possibly on another thread). Not copyable: an await refers to it.
template <class K, class Req, class Counts>
class LibraryRequest {
 public:
  LibraryRequest(Cache<K, ReplayValue>& cache, Counts& counts, bool fill) noexcept
      : cache_(cache), counts_(counts), fill_(fill) {}
  LibraryRequest(const LibraryRequest&) = delete;
  LibraryRequest& operator=(const LibraryRequest&) = delete;
  ~LibraryRequest() {}  // nothing in flight: each await_resume ends its call's life

  /// Counts `request` as issued and makes it the one the next awaits serve, until one yields
  /// false. `key` and `request` must live until then.
  void issue(const K& key, const Req& request) noexcept {
    key_ = &key;
    request_ = &request;
    next_ = request.op;
    count_request(counts_, request.op, request.size);
  }

  [[nodiscard]] bool await_ready() const noexcept { return false; }
  /// Starts the request's next Cache call; false (continue at once) if it completed without
  /// suspending.
  bool await_suspend(std::coroutine_handle<> awaiting) {
    if (next_ == Op::get) [[likely]] {
      std::construct_at(&get_, cache_.get(*key_));
      return get_.awaiter.await_suspend(awaiting);
    }
    std::construct_at(&write_, next_ == Op::set ? cache_.set(*key_, request_->size, ttl())
                                                : cache_.erase(*key_));
    return write_.awaiter.await_suspend(awaiting);
  }
  /// Counts the completed call (or rethrows what it threw); true when the request makes another,
  /// the demand fill of a missed get.
  [[gnu::always_inline]] bool await_resume() {
    if (next_ == Op::get) [[likely]] {
      const bool hit = finish(get_).has_value();
      count_get(counts_, request_->size, hit, fill_);
      if (hit || !fill_) return false;
      next_ = Op::set;  // the fill
      return true;
    }
    (void)finish(write_);
    return false;
  }

 private:
  using GetTask = Task<std::optional<ReplayValue>>;

  /// A Cache call being awaited: its Task, and the Task's awaiter, which holds its result.
  template <class T>
  struct InFlight {
    explicit InFlight(T&& started) noexcept : task(std::move(started)), awaiter(task) {}
    T task;
    typename T::Awaiter awaiter;
  };
  /// The call's result (or what it threw), ending the InFlight's life either way.
  template <class T>
  [[gnu::always_inline]] static typename T::value_type finish(InFlight<T>& call) {
    try {
      typename T::value_type result = call.awaiter.await_resume();
      std::destroy_at(&call);
      return result;
    } catch (...) {
      std::destroy_at(&call);
      throw;
    }
  }

  /// The TTL of a set or fill: the request's own if it has one.
  [[nodiscard]] Duration ttl() const noexcept {
    if constexpr (requires { request_->ttl; }) {
      return request_->ttl;
    } else {
      return Duration{0};
    }
  }

  Cache<K, ReplayValue>& cache_;  // the replay's, as an application holds it
  Counts& counts_;                 // the requests' counts, updated as each call completes
  bool fill_;                      // a missed get is followed by a set (demand fill)
  Op next_ = Op::get;              // the request's next (or current) Cache call
  const K* key_ = nullptr;         // the request's key; set by issue()
  const Req* request_ = nullptr;   // set by issue()
  union {
    InFlight<GetTask> get_;       // alive from a get's await_suspend to its await_resume
    InFlight<Task<bool>> write_;  // likewise for a set (or fill) or an erase
  };
};

}  // namespace purecache::sim::detail
