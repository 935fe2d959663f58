#pragma once
// A small JSON Schema checker for the keywords docs/report-schema.json uses: type (string or
// list), enum, required, properties, additionalProperties: false, items, minimum, maximum,
// exclusiveMinimum, oneOf. Returns the first violation as "path: problem", or "" when valid.

#include <string>

#include <nlohmann/json.hpp>

namespace purecache::test {

inline bool has_type(const nlohmann::json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  return false;
}

inline std::string schema_violation(const nlohmann::json& value, const nlohmann::json& schema,
                                    const std::string& path = "$") {
  if (schema.contains("type")) {
    const auto& type = schema["type"];
    bool ok = false;
    if (type.is_string()) {
      ok = has_type(value, type.get<std::string>());
    } else {
      for (const auto& t : type)
        ok = ok || has_type(value, t.get<std::string>());
    }
    if (!ok) return path + ": expected type " + type.dump() + ", got " + value.dump();
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& allowed : schema["enum"])
      found = found || allowed == value;
    if (!found) return path + ": " + value.dump() + " not in " + schema["enum"].dump();
  }
  if (value.is_number()) {
    const double x = value.get<double>();
    if (schema.contains("minimum") && x < schema["minimum"].get<double>())
      return path + ": below minimum";
    if (schema.contains("maximum") && x > schema["maximum"].get<double>())
      return path + ": above maximum";
    if (schema.contains("exclusiveMinimum") && x <= schema["exclusiveMinimum"].get<double>()) {
      return path + ": not above exclusiveMinimum";
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const auto& name : schema["required"]) {
        if (!value.contains(name.get<std::string>()))
          return path + ": missing " + name.get<std::string>();
      }
    }
    const bool closed =
        schema.contains("additionalProperties") && schema["additionalProperties"] == false;
    for (const auto& [name, member] : value.items()) {
      const bool declared = schema.contains("properties") && schema["properties"].contains(name);
      if (!declared) {
        if (closed) return path + ": unexpected field " + name;
        continue;
      }
      const std::string problem =
          schema_violation(member, schema["properties"][name], path + "." + name);
      if (!problem.empty()) return problem;
    }
  }
  if (schema.contains("oneOf")) {
    int matches = 0;
    std::string problems;
    for (const auto& alternative : schema["oneOf"]) {
      const std::string problem = schema_violation(value, alternative, path);
      if (problem.empty()) {
        ++matches;
      } else {
        problems += (problems.empty() ? "" : "; ") + problem;
      }
    }
    if (matches == 0) return path + ": matches no alternative of oneOf (" + problems + ")";
    if (matches > 1) return path + ": matches " + std::to_string(matches) + " alternatives of oneOf";
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string problem =
          schema_violation(value[i], schema["items"], path + "[" + std::to_string(i) + "]");
      if (!problem.empty()) return problem;
    }
  }
  return "";
}

}  // namespace purecache::test
