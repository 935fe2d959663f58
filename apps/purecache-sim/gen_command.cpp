#include "commands.hpp"
#include "purecache/error.hpp"
#include "purecache/sim/trace/trace_generator.hpp"

namespace purecache::sim {

void run_gen(const GenConfig& config, const CliStreams& streams) {
  const GeneratorConfig generator{.kind = parse_generator_kind(config.kind),
                                  .keys = config.keys,
                                  .requests = config.requests,
                                  .alpha = config.alpha,
                                  .seed = config.seed};
  validate(generator);
  const GeneratorOutput output = parse_generator_output(config.format);
  // Stopped early it writes nothing; run_cli turns the signal into the exit code.
  (void)generate_trace(generator, output, config.output, streams.stop_signal);
}

}  // namespace purecache::sim
