#include "trace/format_detection.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_error.hpp"
#include "trace/field_parsing.hpp"

namespace purecache::sim::detail {

namespace {

constexpr std::size_t kOracleRecordBytes = 24;
constexpr std::size_t kTwitterFields = 7;

std::string lower_file_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (name.ends_with(".zst")) {
    name.resize(name.size() - 4);
  }
  return name;
}

/// Control bytes other than tab, CR and LF never occur in the text formats; oracleGeneral's
/// zero high bytes make it fail this at once.
bool is_binary(std::string_view head) {
  return std::any_of(head.begin(), head.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7F;
  });
}

struct ContentLine {
  std::string_view text;     // trimmed; empty when the head holds none
  std::uint64_t number = 0;  // from 1, counting blank and comment lines
};

/// The first line that is neither blank nor a '#' comment (text formats skip those).
ContentLine first_content_line(std::string_view head) {
  std::uint64_t number = 0;
  while (!head.empty()) {
    const std::size_t newline = head.find('\n');
    std::string_view line = head.substr(0, newline);
    head = newline == std::string_view::npos ? std::string_view() : head.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    line = trim(line);
    if (!line.empty() && line.front() != '#') {
      return {line, number};
    }
  }
  return {};
}

struct LineShape {
  std::size_t fields = 0;  // comma-separated fields
  bool header = false;     // no field is a number
};

LineShape shape_of(std::string_view line) {
  LineShape shape;
  shape.fields = split_fields(line, nullptr, 0);
  std::vector<std::string_view> fields(shape.fields);
  (void)split_fields(line, fields.data(), fields.size());
  shape.header = std::none_of(fields.begin(), fields.end(), looks_numeric);
  return shape;
}

[[noreturn]] void cannot_detect(const std::string& path, const std::string& why) {
  throw TraceError(path, "cannot detect trace format: " + why + "; set the format explicitly");
}

}  // namespace

Detection detect_format(const std::string& path, std::string_view head, std::uint64_t plain_size) {
  const std::string name = lower_file_name(path);
  if (name.find("oraclegeneral") != std::string::npos) {
    return {TraceFormat::oracle_general};
  }
  if (name.ends_with(".txt")) {
    return {TraceFormat::text};
  }
  if (name.ends_with(".twitter")) {
    return {TraceFormat::twitter};
  }
  const ContentLine line = first_content_line(head);
  if (name.ends_with(".csv") || name.find("twitter") != std::string::npos) {
    const LineShape shape = shape_of(line.text);
    if (shape.header) {
      return {TraceFormat::csv};
    }
    const char* named = name.ends_with(".csv") ? "the name ends in .csv" : "the name has 'twitter'";
    return {TraceFormat::twitter,
            std::string(named) + " and the first line, with " + std::to_string(shape.fields) +
                " comma-separated fields, is not a header",
            line.number};
  }
  if (is_binary(head)) {
    // As oracleGeneral, zeros are records of size 0, which are all dropped: /dev/zero would be
    // read forever without a request coming out.
    if (head.find_first_not_of('\0') == std::string_view::npos) {
      cannot_detect(path, "the first " + std::to_string(head.size()) + " bytes are all zero");
    }
    if (plain_size % kOracleRecordBytes != 0) {
      cannot_detect(path, "binary data of " + std::to_string(plain_size) +
                              " bytes is not a whole number of 24-byte oracleGeneral records");
    }
    return {TraceFormat::oracle_general, "the data has control bytes, so it is binary", 1};
  }
  if (line.text.find(',') == std::string_view::npos) {
    return {TraceFormat::text, "the first line has no comma", line.number};
  }
  const LineShape shape = shape_of(line.text);
  if (shape.header) {
    return {TraceFormat::csv};
  }
  if (shape.fields == kTwitterFields) {
    return {TraceFormat::twitter, "the first line has 7 comma-separated fields and no header",
            line.number};
  }
  cannot_detect(path, "first line has " + std::to_string(shape.fields) +
                          " comma-separated fields and no header");
}

}  // namespace purecache::sim::detail
