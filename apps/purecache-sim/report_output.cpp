#include "report_output.hpp"

#include "output_writer.hpp"
#include "purecache/sim/output/atomic_file.hpp"

namespace purecache::sim {

void write_report(const nlohmann::ordered_json& report, const std::string& output, bool one_line,
                  const CliStreams& streams) {
  if (!output.empty() && one_line) {
    append_line(output, report.dump() + '\n', "the report");
    return;
  }
  const bool indent = output.empty() && streams.out_is_terminal && !one_line;
  write_output(output, (indent ? report.dump(2) : report.dump()) + '\n', streams, "the report");
}

}  // namespace purecache::sim
