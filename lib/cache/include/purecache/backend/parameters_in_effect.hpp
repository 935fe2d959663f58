#pragma once
/// The knobs a policy runs with, defaults filled in, without building a backend.

#include <cstdint>
#include <string>
#include <type_traits>

#include "purecache/backend/backend_kind.hpp"
#include "purecache/core/core_config.hpp"

namespace purecache {

/// "name=value,..." for every knob of `kind` (config.parameters applied over the defaults), or ""
/// for a policy without knobs. Throws ConfigError as building the backend would, so callers can
/// refuse bad parameters before a long run. Builds one small core of the kind: O(1) apart from
/// what that core allocates up front.
[[nodiscard]] inline std::string parameters_in_effect(BackendKind kind, const CoreConfig& config) {
  return with_core_type<std::uint64_t, std::uint64_t>(
      kind, [&]<class Core>(std::type_identity<Core>) -> std::string {
        // A small probe bounded by entries: the knobs depend neither on the size nor on the
        // bound, which the caller may not know yet.
        CoreConfig probe = config;
        probe.max_weight = 0;
        probe.capacity = 1024;
        const Core core(probe);
        if constexpr (requires { core.parameters(); }) {
          return std::string(core.parameters());
        } else {
          return {};
        }
      });
}

}  // namespace purecache
