#pragma once
/// Writes a command's whole output: to stdout, or to a file replaced atomically.

#include <string>
#include <string_view>

#include "cli.hpp"

namespace purecache::sim {

/// Writes `text` to streams.out when `output` is empty, else to the file `output` through a
/// temporary renamed into place. Throws OutputError naming `what` when it cannot be written.
void write_output(const std::string& output, const std::string& text, const CliStreams& streams,
                  std::string_view what);

}  // namespace purecache::sim
