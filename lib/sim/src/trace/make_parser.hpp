#pragma once
/// Factories for the per-format parsers; each parser class is private to its own .cpp.

#include <memory>
#include <string>

#include "purecache/sim/trace/trace_reader.hpp"
#include "trace/input_buffer.hpp"
#include "trace/trace_parser.hpp"

namespace purecache::sim::detail {

/// One key per line. See docs/trace-formats.md.
[[nodiscard]] std::unique_ptr<TraceParser> make_text_parser(std::string path,
                                                            const TraceOptions& options,
                                                            InputBuffer input);
/// Header row, then rows; reads the header now, so header errors throw here.
[[nodiscard]] std::unique_ptr<TraceParser> make_csv_parser(std::string path,
                                                           const TraceOptions& options,
                                                           InputBuffer input);
/// Twitter's 7-field headerless CSV.
[[nodiscard]] std::unique_ptr<TraceParser> make_twitter_parser(std::string path,
                                                               const TraceOptions& options,
                                                               InputBuffer input);
/// libCacheSim's 24-byte oracleGeneral records.
[[nodiscard]] std::unique_ptr<TraceParser> make_oracle_general_parser(std::string path,
                                                                      const TraceOptions& options,
                                                                      InputBuffer input);

}  // namespace purecache::sim::detail
