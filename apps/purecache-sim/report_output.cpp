#include "report_output.hpp"

#include <cerrno>
#include <cstring>
#include <ostream>

#include "purecache/sim/output/atomic_file.hpp"
#include "purecache/sim/output/output_error.hpp"

namespace purecache::sim {

void write_report(const nlohmann::ordered_json& report, const std::string& output, bool one_line,
                  const CliStreams& streams) {
  if (output.empty()) {
    errno = 0;  // a failing stream leaves the write(2) error here; other streams leave 0
    streams.out << (streams.out_is_terminal && !one_line ? report.dump(2) : report.dump()) << '\n';
    streams.out.flush();
    if (!streams.out) {
      const int error = errno;
      throw OutputError(std::string("cannot write the report to stdout") +
                        (error != 0 ? std::string(": ") + std::strerror(error) : ""));
    }
    return;
  }
  const std::string line = report.dump() + '\n';
  if (one_line) {
    append_line(output, line, "the report");
    return;
  }
  AtomicFile file(output, "the report");
  file.write(line);
  file.commit();
}

}  // namespace purecache::sim
