#include "purecache/sim/trace/trace_source.hpp"

#include <utility>

#include "trace/byte_source.hpp"

namespace purecache::sim {

TraceSource::TraceSource(std::string path, const TraceSourceOptions& options)
    : state_(std::make_shared<detail::SourceState>(std::move(path), options)) {}

const std::string& TraceSource::path() const noexcept { return state_->path(); }
bool TraceSource::regular_file() const noexcept { return state_->regular(); }

}  // namespace purecache::sim
