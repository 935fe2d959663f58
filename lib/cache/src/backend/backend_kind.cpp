#include "purecache/backend/backend_kind.hpp"

#include <string>

#include "purecache/error.hpp"

namespace purecache {

const BackendKindInfo& info(BackendKind kind) noexcept {
  for (const auto& row : kBackendKinds) {
    if (row.kind == kind) return row;
  }
  std::abort();  // every enumerator has a row
}

std::string_view to_string(BackendKind kind) noexcept { return info(kind).name; }

std::string backend_kind_names() {
  std::string names;
  for (const auto& row : kBackendKinds) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

void require_online(BackendKind kind) {
  if (!info(kind).offline) return;
  throw ConfigError("policy " + detail::quoted(to_string(kind)) +
                    " needs each request's next access, which an application cannot know: it "
                    "runs only in the simulator's fast engine (--engine fast)");
}

BackendKind parse_backend_kind(std::string_view name) {
  for (const auto& row : kBackendKinds) {
    if (row.name == name) return row.kind;
  }
  detail::throw_config_error("policy", detail::quoted(name),
                             "must be one of " + backend_kind_names());
}

}  // namespace purecache
