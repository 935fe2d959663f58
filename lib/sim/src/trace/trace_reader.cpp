#include "purecache/sim/trace/trace_reader.hpp"

#include <cassert>
#include <utility>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "trace/byte_source.hpp"
#include "trace/format_detection.hpp"
#include "trace/input_buffer.hpp"
#include "trace/make_parser.hpp"
#include "trace/trace_parser.hpp"

namespace purecache::sim {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool starts_with_bom(const detail::InputBuffer& input) {
  return std::string_view(input.data(), input.size()).starts_with(kUtf8Bom);
}

std::unique_ptr<detail::TraceParser> make_parser(std::shared_ptr<detail::SourceState> source,
                                                 const TraceOptions& options) {
  std::string path = source->path();
  const bool regular = source->regular();
  detail::InputBuffer input(detail::open_byte_source(std::move(source)));
  while (input.size() < detail::kDetectionBytes && input.refill() > 0) {
  }
  if (input.size() == 0) {
    throw TraceError(path, "trace is empty");
  }
  detail::Detection detection{.format = options.format};
  if (options.format == TraceFormat::auto_detect) {
    std::string_view head(input.data(), std::min(input.size(), detail::kDetectionBytes));
    if (head.starts_with(kUtf8Bom)) {
      head.remove_prefix(kUtf8Bom.size());
    }
    // Only a regular file's size is known before it is read; the rule must not depend on
    // whether an earlier reader of the same pipe happened to reach its end.
    const auto& bytes = input.source();
    const bool sized = regular && !bytes.compressed();
    detection = detail::detect_format(path, head, sized ? bytes.total_bytes() : 0);
  }
  const TraceFormat format = detection.format;
  if (!options.csv_columns.empty() && format != TraceFormat::csv) {
    purecache::detail::throw_config_error("csv columns", "'" + std::string(to_string(format)) + "'",
                                          "need format csv");
  }
  // Editors put a BOM in front of CSV files; it is not part of the first key or column name.
  if (format != TraceFormat::oracle_general && starts_with_bom(input)) {
    input.consume(kUtf8Bom.size());
  }
  std::unique_ptr<detail::TraceParser> parser;
  switch (format) {
    case TraceFormat::text:
      parser = detail::make_text_parser(std::move(path), options, std::move(input));
      break;
    case TraceFormat::csv:
      parser = detail::make_csv_parser(std::move(path), options, std::move(input));
      break;
    case TraceFormat::oracle_general:
      parser = detail::make_oracle_general_parser(std::move(path), options, std::move(input));
      break;
    case TraceFormat::twitter:
      parser = detail::make_twitter_parser(std::move(path), options, std::move(input));
      break;
    case TraceFormat::auto_detect:
      assert(false && "detect_format never returns auto_detect");
      return nullptr;
  }
  if (!detection.guess.empty()) {
    // A wrong guess shows as errors where it was made; say what was guessed, and from what.
    parser->set_detection_note(detection.evidence_position,
                               " (format detected as " + std::string(to_string(format)) + ": " +
                                   detection.guess + "; set the format explicitly)");
  }
  return parser;
}

}  // namespace

TraceReader::TraceReader(std::string path, const TraceOptions& options)
    : TraceReader(TraceSource(std::move(path)), options) {}

TraceReader::TraceReader(TraceSource source, const TraceOptions& options)
    : parser_(make_parser(std::move(source.state_), options)), hashing_(options.hash_content) {}

TraceReader TraceReader::open(std::string path, const TraceOptions& options) {
  return TraceReader(std::move(path), options);
}

TraceReader::TraceReader(TraceReader&&) noexcept = default;
TraceReader& TraceReader::operator=(TraceReader&&) noexcept = default;
TraceReader::~TraceReader() = default;

std::size_t TraceReader::read(std::span<Request> out) {
  assert(!out.empty());
  const std::size_t n = parser_->read(out);
  parser_->count_requests(n);
  // Ids are handed out in order of first request, so the first request of a key is the one whose
  // id is the next unseen.
  for (std::size_t i = 0; i < n; ++i) {
    if (out[i].key == first_unseen_) {
      distinct_bytes_ += out[i].size;
      ++first_unseen_;
    }
  }
  // A pass over the batch while it is still in cache; only readers asked for it pay.
  if (hashing_) hash_.update(out.first(n));
  return n;
}

std::uint64_t TraceReader::distinct_bytes() const noexcept { return distinct_bytes_; }

const std::string& TraceReader::path() const noexcept { return parser_->path(); }
TraceFormat TraceReader::format() const noexcept { return parser_->format(); }
bool TraceReader::compressed() const noexcept { return parser_->input().source().compressed(); }
bool TraceReader::has_timestamps() const noexcept { return parser_->fields().timestamps; }
bool TraceReader::has_sizes() const noexcept { return parser_->fields().sizes; }
bool TraceReader::has_ttls() const noexcept { return parser_->fields().ttls; }
bool TraceReader::has_ops() const noexcept { return parser_->fields().ops; }
std::size_t TraceReader::distinct_keys() const noexcept { return parser_->distinct_keys(); }
std::optional<std::uint64_t> TraceReader::key_number(KeyId id) const noexcept {
  return parser_->key_number(id);
}
std::span<const std::uint64_t> TraceReader::key_numbers() const noexcept {
  return parser_->key_numbers();
}
void TraceReader::key_text(KeyId id, std::string& out) const { parser_->key_text(id, out); }
std::size_t TraceReader::memory_bytes() const noexcept {
  return parser_->keys_memory_bytes() + parser_->input().capacity();
}
std::uint64_t TraceReader::requests_read() const noexcept { return parser_->requests_read(); }
std::uint64_t TraceReader::bytes_consumed() const noexcept {
  return parser_->input().source().bytes_consumed();
}
std::uint64_t TraceReader::total_bytes() const noexcept {
  return parser_->input().source().total_bytes();
}
std::uint64_t TraceReader::skipped() const noexcept { return parser_->skipped(); }
std::uint64_t TraceReader::ignored() const noexcept { return parser_->ignored(); }
std::string TraceReader::content_hash() const { return hashing_ ? hash_.hex() : std::string(); }

const std::vector<std::string>& TraceReader::error_locations() const noexcept {
  return parser_->error_locations();
}

}  // namespace purecache::sim
