#pragma once
/// Parsing of a policy's knobs from CoreConfig::parameters ("small=0.1,ghost=0.9").

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace purecache::detail {

/// Reads "name=value" pairs separated by commas. A core asks for each knob it has, with its
/// default and range, then calls finish(), which rejects names it never asked for. Every
/// problem throws ConfigError naming the policy, the parameter and the value.
class PolicyParameters {
 public:
  /// Throws ConfigError for a pair without '=' , an empty name or a name given twice.
  PolicyParameters(std::string_view policy, std::string_view text);

  /// The value of `name` as a number in [min, max], or `fallback` if absent.
  [[nodiscard]] double number(std::string_view name, double fallback, double min, double max);
  /// The value of `name` as a whole number in [min, max], or `fallback` if absent.
  [[nodiscard]] std::uint64_t integer(std::string_view name, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max);
  /// The value of `name` as true/false (also 1/0), or `fallback` if absent.
  [[nodiscard]] bool flag(std::string_view name, bool fallback);
  /// Throws ConfigError if a given name was never asked for; returns the parameters in effect
  /// ("name=value" for every knob asked for, in the order asked, defaults included).
  [[nodiscard]] std::string finish() const;

 private:
  struct Given {
    std::string name;
    std::string value;
    bool used = false;
  };
  [[nodiscard]] const Given* find(std::string_view name);
  void record(std::string_view name, std::string value);

  std::string policy_;
  std::vector<Given> given_;    // as parsed, in order
  std::string effective_;       // "name=value,..." of every knob asked for
};

}  // namespace purecache::detail
