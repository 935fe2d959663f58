#include "purecache/sim/trace/offline_trace.hpp"

#include <algorithm>
#include <string>

#include "purecache/error.hpp"
#include "trace/backward_pass.hpp"

namespace purecache::sim {

namespace {

/// Appends `field` of each of `got` to `column` (holding the `used` requests before them), which
/// stays empty while every value so far is `absent`: most traces have no operations, and many
/// no sizes. Reserves `capacity` when it starts to hold values.
template <class Column, class Field, class T>
void append_sparse(Column& column, std::size_t used, std::size_t capacity,
                   std::span<const Request> got, Field field, T absent) {
  if (column.empty()) {
    if (std::all_of(got.begin(), got.end(), [&](const Request& r) { return field(r) == absent; })) {
      return;
    }
    column.reserve(capacity);
    column.resize(used, absent);
  }
  column.resize(used + got.size());
  for (std::size_t i = 0; i < got.size(); ++i) column[used + i] = field(got[i]);
}

}  // namespace

std::optional<OfflineTrace> OfflineTrace::load(TraceReader& reader, std::size_t memory_limit,
                                               const std::atomic<int>* stop_signal,
                                               bool with_times, std::uint64_t max_requests) {
  constexpr std::size_t kBatch = 4096;
  max_requests = std::min(max_requests, kMaxRequests);
  const std::size_t fitting = memory_limit / (with_times ? kTimedRequestBytes : kRequestBytes);
  OfflineTrace trace;
  // The sparse columns take the keys' capacity when they first hold a value, and follow it.
  const auto reserve = [&](std::size_t requests) {
    trace.keys_.reserve(requests + kReadAhead);
    trace.next_.reserve(requests);
    if (!trace.sizes_.empty()) trace.sizes_.reserve(requests);
    if (!trace.ops_.empty()) trace.ops_.reserve(requests);
    if (with_times) trace.times_.reserve(requests);
  };
  // An uncompressed oracleGeneral file says how many records it has: no regrowth, no copy,
  // and every page of the columns mapped in one call rather than faulted in.
  constexpr std::size_t kOracleRecordBytes = 24;
  if (reader.format() == TraceFormat::oracle_general && !reader.compressed()) {
    const std::size_t records = reader.total_bytes() / kOracleRecordBytes;
    if (records <= fitting && records <= max_requests) {
      trace.keys_ = Column<KeyId>(detail::PopulatedAllocator<KeyId>(true));
      trace.sizes_ = Column<std::uint32_t>(detail::PopulatedAllocator<std::uint32_t>(true));
      trace.ops_ = Column<Op>(detail::PopulatedAllocator<Op>(true));
      trace.next_ = Column<std::uint32_t>(detail::PopulatedAllocator<std::uint32_t>(true));
      if (with_times) trace.times_ = Column<Timestamp>(detail::PopulatedAllocator<Timestamp>(true));
      reserve(records);
    }
  }
  std::vector<Request> batch(kBatch);
  for (;;) {
    if (stop_signal != nullptr && stop_signal->load(std::memory_order_relaxed) != 0) {
      trace.complete_ = false;
      break;
    }
    const std::size_t n = reader.read(batch);
    if (n == 0) break;
    const std::size_t used = trace.keys_.size();
    if (used + n > max_requests) {
      throw ConfigError(purecache::detail::escaped(reader.path()) +
                        ": an offline replay holds at most " + std::to_string(max_requests) +
                        " requests (32-bit positions)");
    }
    if (used + n + kReadAhead > trace.keys_.capacity()) {
      // Doubling, but never past the limit: the columns themselves stay within it.
      const std::size_t grown = std::min(std::max<std::size_t>(2 * used, 1 << 16), fitting);
      if (used + n > grown) return std::nullopt;
      reserve(grown);
    }
    const std::span<const Request> got = std::span(batch).first(n);
    trace.keys_.resize(used + n);
    for (std::size_t i = 0; i < n; ++i) trace.keys_[used + i] = got[i].key;
    const std::size_t capacity = trace.keys_.capacity() - kReadAhead;
    append_sparse(trace.sizes_, used, capacity, got, [](const Request& r) { return r.size; },
                  std::uint32_t{0});
    append_sparse(trace.ops_, used, capacity, got, [](const Request& r) { return r.op; }, Op::get);
    if (with_times) {
      trace.times_.resize(used + n);
      for (std::size_t i = 0; i < n; ++i) trace.times_[used + i] = got[i].time;
    }
  }
  trace.find_next_accesses(reader.distinct_keys());
  trace.keys_.resize(trace.keys_.size() + kReadAhead, KeyId{0});
  return trace;
}

void OfflineTrace::find_next_accesses(std::uint64_t distinct_keys) {
  next_.resize(keys_.size());
  // kNever is also the pass's own "unseen", so positions are copied as they are.
  detail::backward_pass<std::uint32_t>(
      keys_.size(), distinct_keys, [this](std::size_t i) { return keys_[i]; }, next_.data(),
      kNever);
}

void OfflineTrace::fill(std::size_t from, std::span<Request> out) const noexcept {
  const std::size_t n = from < size() ? std::min(out.size(), size() - from) : 0;
  for (std::size_t i = 0; i < n; ++i) out[i] = Request{.key = keys_[from + i]};
  if (!sizes_.empty()) {
    for (std::size_t i = 0; i < n; ++i) out[i].size = sizes_[from + i];
  }
  if (!ops_.empty()) {
    for (std::size_t i = 0; i < n; ++i) out[i].op = ops_[from + i];
  }
  if (!times_.empty()) {
    for (std::size_t i = 0; i < n; ++i) out[i].time = times_[from + i];
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), Request{});
}

std::size_t OfflineTrace::memory_bytes() const noexcept {
  return keys_.capacity() * sizeof(KeyId) + sizes_.capacity() * sizeof(std::uint32_t) +
         ops_.capacity() * sizeof(Op) + next_.capacity() * sizeof(std::uint32_t) +
         times_.capacity() * sizeof(Timestamp);
}

}  // namespace purecache::sim
