#include <string>

#include "purecache/trace/key_interner.hpp"
#include "trace/field_parsing.hpp"
#include "trace/make_parser.hpp"

namespace purecache::detail {

namespace {

class TextParser final : public TraceParser {
 public:
  TextParser(std::string path, const TraceOptions& options, InputBuffer input)
      : TraceParser(std::move(path), options, std::move(input), TraceFormat::text, false),
        lines_(input_),
        keys_(max_keys_) {}

  std::size_t read(std::span<Request> out) override {
    std::size_t filled = 0;
    try {
      std::string_view line;
      while (filled < out.size()) {
        const LineStatus status = lines_.next(line);
        if (status == LineStatus::line) [[likely]] {
          line = trim(line);
          if (line.empty() || line.front() == '#') {
            continue;
          }
          Request& request = out[filled++];
          request = Request{};
          request.key = keys_.intern(line);
        } else if (status == LineStatus::end) {
          break;
        } else {
          reject_long_line(lines_.line_number());
        }
      }
    } catch (const KeyLimitError& e) {
      fail(lines_.line_number(), e.what());
    }
    return filled;
  }

  std::size_t distinct_keys() const noexcept override { return keys_.size(); }

 private:
  LineReader lines_;         // over input_
  StringKeyInterner keys_;   // the whole line, trimmed, is the key
};

}  // namespace

std::unique_ptr<TraceParser> make_text_parser(std::string path, const TraceOptions& options,
                                              InputBuffer input) {
  return std::make_unique<TextParser>(std::move(path), options, std::move(input));
}

}  // namespace purecache::detail
