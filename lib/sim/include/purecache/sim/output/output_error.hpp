#pragma once
/// The error an output file or stream throws when it cannot be written.

#include <string>

#include "purecache/error.hpp"

namespace purecache::sim {

/// The machine refused a write: a missing or read-only directory, a full disk, a file-size
/// limit, a closed stdout. A resource failure, not bad input (purecache-sim exits 1, not 2).
/// what() is "PATH: cannot write the report: REASON", REASON being strerror of the errno.
class OutputError : public Error {
 public:
  using Error::Error;
};

}  // namespace purecache::sim
