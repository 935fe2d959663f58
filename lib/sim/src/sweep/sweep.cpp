#include "purecache/sim/sweep/sweep.hpp"

#include <algorithm>
#include <array>
#include <barrier>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "purecache/sim/trace/next_access.hpp"
#include "purecache/sim/trace/trace_hash.hpp"
#include "replay/fast_run.hpp"
#include "replay/replay_steps.hpp"

namespace purecache::sim {

namespace {

/// The first exception thrown on any thread, rethrown on the caller's once all have stopped.
class FirstError {
 public:
  void keep(std::exception_ptr error) {
    const std::scoped_lock lock(mutex_);
    if (!error_) error_ = std::move(error);
    failed_.store(true, std::memory_order_relaxed);
  }
  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_relaxed); }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

unsigned thread_count(unsigned jobs, std::size_t runs) {
  return static_cast<unsigned>(std::clamp<std::size_t>(runs, 1, std::max(jobs, 1U)));
}

/// Runs `replay_run(i)` for every run on `jobs` threads, each taking the next run when done.
template <class ReplayRun>
void run_each(std::size_t runs, unsigned jobs, const SweepRunDone& on_done, ReplayRun replay_run) {
  std::atomic<std::size_t> next{0};
  std::mutex done_mutex;
  FirstError error;
  const auto work = [&] {
    for (std::size_t run = next++; run < runs && !error.failed(); run = next++) {
      try {
        ReplayResult result = replay_run(run);
        const std::scoped_lock lock(done_mutex);
        on_done(run, std::move(result));
      } catch (...) {
        error.keep(std::current_exception());
      }
    }
  };
  {
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < thread_count(jobs, runs); ++t) threads.emplace_back(work);
    work();  // the calling thread is one of the workers
  }
  error.rethrow();
}

}  // namespace

void sweep_library(const TraceSource& source, const TraceOptions& options,
                   std::span<const ReplayConfig> runs, unsigned jobs, const SweepRunDone& on_done) {
  run_each(runs.size(), jobs, on_done, [&](std::size_t run) {
    TraceReader reader(source, options);
    return replay(reader, runs[run]);
  });
}

void sweep_loaded(const LoadedTrace& trace, std::span<const ReplayConfig> runs, unsigned jobs,
                  const SweepRunDone& on_done, std::span<const std::uint64_t> next_access) {
  // One backward pass serves every offline run (Belady at each capacity).
  std::vector<std::uint64_t> own_next_access;
  if (next_access.empty() &&
      std::any_of(runs.begin(), runs.end(),
                  [](const ReplayConfig& run) { return info(run.policy).offline; })) {
    own_next_access = next_access_positions(trace.requests(), trace.facts().distinct_keys);
    next_access = own_next_access;
  }
  run_each(runs.size(), jobs, on_done,
           [&](std::size_t run) { return replay(trace, runs[run], next_access); });
}

std::uint64_t counted_gets(std::span<const Request> requests, std::uint64_t warmup) noexcept {
  std::uint64_t gets = 0;
  for (std::size_t i = static_cast<std::size_t>(warmup); i < requests.size(); ++i) gets += requests[i].op == Op::get ? 1U : 0U;
  return gets;
}

SweepPass sweep_streaming(const TraceSource& source, const TraceOptions& options,
                           std::span<const ReplayConfig> runs, unsigned jobs,
                           const std::optional<SpatialSampler>& sampler,
                           const std::atomic<int>* stop_signal, const SweepRunDone& on_done) {
  const auto started = std::chrono::steady_clock::now();
  TraceReader reader(source, options);
  std::vector<std::unique_ptr<detail::FastRun>> fast_runs;
  for (const ReplayConfig& config : runs) {
    fast_runs.push_back(detail::make_fast_run(
        config, {.timestamps = reader.has_timestamps(), .ttls = reader.has_ttls()}));
  }
  // The reader fills `batch` between phases, while every worker waits at the barrier; then each
  // worker replays it through its own runs. The read-ahead tail stays zero requests.
  std::vector<Request> read_buffer(detail::kReplayBatch);
  std::vector<Request> batch(detail::kReplayBatch + detail::kFastReadAhead);
  std::size_t batch_size = 0;
  bool complete = true;
  TraceHash hash;
  FirstError error;
  SweepPass pass;
  const std::uint64_t warmup = runs.empty() ? 0 : runs.front().warmup;
  const auto read_next = [&]() noexcept {
    batch_size = 0;
    if (error.failed()) return;
    if (stop_signal != nullptr && stop_signal->load(std::memory_order_relaxed) != 0) {
      complete = false;
      return;
    }
    try {
      // A sampled pass keeps reading until the batch has requests or the trace ends.
      while (batch_size == 0) {
        const std::size_t n = reader.read(read_buffer);
        if (n == 0) return;
        const std::span<const Request> got = std::span(read_buffer).first(n);
        hash.update(got);
        const std::uint64_t past_warmup = reader.requests_read() > warmup
                                              ? std::min<std::uint64_t>(n, reader.requests_read() - warmup)
                                              : 0;
        pass.counted_gets += counted_gets(got.last(past_warmup), 0);
        for (const Request& request : got) {
          if (!sampler || sampler->keeps(request.key)) batch[batch_size++] = request;
        }
      }
    } catch (...) {
      error.keep(std::current_exception());
      batch_size = 0;
    }
  };
  const unsigned threads = thread_count(jobs, runs.size());
  std::barrier sync(static_cast<std::ptrdiff_t>(threads), read_next);
  const auto work = [&](unsigned worker) {
    for (;;) {
      sync.arrive_and_wait();
      if (batch_size == 0) return;
      const std::span<const Request> requests = std::span(batch).first(batch_size);
      for (std::size_t run = worker; run < fast_runs.size(); run += threads) {
        try {
          if (!error.failed()) fast_runs[run]->consume(requests);
        } catch (...) {
          error.keep(std::current_exception());
        }
      }
    }
  };
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work, t);
    work(0);
  }
  error.rethrow();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (std::size_t run = 0; run < fast_runs.size(); ++run) {
    ReplayResult result = fast_runs[run]->finish(complete);
    result.reader_bytes = reader.memory_bytes();
    result.wall_seconds = seconds;
    on_done(run, std::move(result));
  }
  pass.facts = TraceFacts::of(reader);
  pass.facts.hash = hash.hex();
  return pass;
}

}  // namespace purecache::sim
