#include <string>

#include "purecache/sim/trace/key_interner.hpp"
#include "trace/field_parsing.hpp"
#include "trace/make_parser.hpp"

namespace purecache::sim::detail {

namespace {

class TextParser final : public TraceParser {
 public:
  TextParser(std::string path, const TraceOptions& options, InputBuffer input)
      : TraceParser(std::move(path), options, std::move(input), TraceFormat::text, false),
        lines_(input_),
        keys_(max_keys_) {}

  std::size_t read(std::span<Request> out) override {
    return read_rows(lines_, keys_, out,
                     [](std::string_view line, Request& request, std::string_view& key) {
                       key = trim(line);
                       if (key.empty() || key.front() == '#') {
                         return false;
                       }
                       request = Request{};
                       return true;
                     });
  }

  std::size_t distinct_keys() const noexcept override { return keys_.size(); }
  std::optional<std::uint64_t> key_number(KeyId id) const noexcept override {
    return keys_.number(id);
  }
  void key_text(KeyId id, std::string& out) const override { out.assign(keys_.key(id)); }
  std::size_t keys_memory_bytes() const noexcept override { return keys_.memory_bytes(); }

 private:
  LineReader lines_;        // over input_
  StringKeyInterner keys_;  // the whole line, trimmed, is the key
};

}  // namespace

std::unique_ptr<TraceParser> make_text_parser(std::string path, const TraceOptions& options,
                                              InputBuffer input) {
  return std::make_unique<TextParser>(std::move(path), options, std::move(input));
}

}  // namespace purecache::sim::detail
