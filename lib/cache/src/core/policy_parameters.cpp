#include "purecache/detail/policy_parameters.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "purecache/error.hpp"

namespace purecache::detail {

namespace {

[[noreturn]] void reject(std::string_view policy, std::string_view name, std::string_view value,
                         std::string_view requirement) {
  std::string parameter(policy);
  parameter.append(" parameter ").append(name);
  throw_config_error(parameter, quoted(value), requirement);
}

std::string shortest(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc{} ? end : text);
}

}  // namespace

PolicyParameters::PolicyParameters(std::string_view policy, std::string_view text)
    : policy_(policy) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      std::string parameter(policy);
      parameter += " parameters";
      throw_config_error(parameter, quoted(pair), "must be name=value pairs separated by commas");
    }
    const std::string_view name = pair.substr(0, equals);
    if (find(name) != nullptr) reject(policy, name, pair, "must be given once");
    given_.push_back({std::string(name), std::string(pair.substr(equals + 1))});
  }
}

const PolicyParameters::Given* PolicyParameters::find(std::string_view name) {
  for (Given& given : given_) {
    if (given.name == name) {
      given.used = true;
      return &given;
    }
  }
  return nullptr;
}

void PolicyParameters::record(std::string_view name, std::string value) {
  if (!effective_.empty()) effective_ += ',';
  effective_.append(name).append("=").append(value);
}

double PolicyParameters::number(std::string_view name, double fallback, double min, double max) {
  double value = fallback;
  if (const Given* given = find(name)) {
    const char* first = given->value.data();
    const char* last = first + given->value.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end != last || !std::isfinite(value)) {
      reject(policy_, name, given->value, "must be a number");
    }
    if (value < min || value > max) {
      reject(policy_, name, given->value,
             "must be between " + shortest(min) + " and " + shortest(max));
    }
  }
  record(name, shortest(value));
  return value;
}

std::uint64_t PolicyParameters::integer(std::string_view name, std::uint64_t fallback,
                                        std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = fallback;
  if (const Given* given = find(name)) {
    const char* first = given->value.data();
    const char* last = first + given->value.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end != last || value < min || value > max) {
      reject(policy_, name, given->value,
             "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
  }
  record(name, std::to_string(value));
  return value;
}

bool PolicyParameters::flag(std::string_view name, bool fallback) {
  bool value = fallback;
  if (const Given* given = find(name)) {
    if (given->value == "true" || given->value == "1") {
      value = true;
    } else if (given->value == "false" || given->value == "0") {
      value = false;
    } else {
      reject(policy_, name, given->value, "must be true or false");
    }
  }
  record(name, value ? "true" : "false");
  return value;
}

std::string PolicyParameters::finish() const {
  for (const Given& given : given_) {
    if (!given.used) {
      std::string known = effective_.empty() ? "none" : effective_;
      reject(policy_, given.name, given.name + "=" + given.value,
             "is not known (the parameters and their values in effect: " + known + ")");
    }
  }
  return effective_;
}

}  // namespace purecache::detail
