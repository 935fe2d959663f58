#include "output_writer.hpp"

#include <cerrno>
#include <cstring>
#include <ostream>

#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/output/output_error.hpp"

namespace purecache::sim {

void write_output(const std::string& output, const std::string& text, const CliStreams& streams,
                  std::string_view what) {
  if (output.empty()) {
    errno = 0;  // a failing stream leaves the write(2) error here; other streams leave 0
    streams.out << text;
    streams.out.flush();
    if (!streams.out) {
      const int error = errno;
      throw OutputError("cannot write " + std::string(what) + " to stdout" +
                        (error != 0 ? std::string(": ") + std::strerror(error) : ""));
    }
    return;
  }
  AtomicFile file(output, std::string(what));
  file.write(text);
  file.commit();
}

}  // namespace purecache::sim
