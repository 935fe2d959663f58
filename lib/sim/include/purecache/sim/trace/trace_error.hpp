#pragma once
/// The error a trace reader throws.

#include <cstdint>
#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

/// A trace cannot be read or parsed. what() is "FILE:LINE: reason" (text formats, lines from 1)
/// or "FILE:record N: reason" (binary formats, records from 1), with FILE escaped as by
/// purecache::detail::escaped so that the message stays one printable line.
class TraceError : public Error {
 public:
  TraceError(std::string path, std::uint64_t position, bool is_record, std::string reason);
  /// Whole-file problems (missing, unreadable, a directory): "FILE: reason".
  TraceError(std::string path, std::string reason);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Line (text) or record (binary) number from 1; 0 when the error concerns the whole file.
  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  std::string path_;        // as given by the caller, unescaped
  std::uint64_t position_;  // 0 = whole file
  std::string reason_;      // message without location
};

}  // namespace purecache::sim
