#include "artefacts_output.hpp"

#include <fmt/format.h>

#include <ostream>

namespace codexsync::commands {

ShadowExists shadow_exists_in(const Index& local, const Index& cloud) {
  return [&local, &cloud](Side side, const std::string& path) -> std::optional<bool> {
    return (side == Side::local ? local : cloud).find(path) != nullptr;
  };
}

std::string describe_artefact(const scan::Artefact& artefact, std::optional<bool> shadow_exists) {
  auto text = fmt::format("{} {}", artefact.provider, artefact.what);
  if (artefact.shadows.empty()) {
    return text;
  }
  text += " of " + artefact.shadows;
  if (artefact.placeholder) {
    return text + " (not on this computer until the cloud client downloads it)";
  }
  if (shadow_exists) {
    text += *shadow_exists ? " (exists)" : " (does not exist)";
  }
  return text;
}

void print_artefacts(std::ostream& out, const std::vector<scan::Artefact>& artefacts,
                     const ShadowExists& exists, std::string_view indent) {
  for (const auto& artefact : artefacts) {
    const auto shadow =
        artefact.shadows.empty() || !exists ? std::nullopt : exists(artefact.side, artefact.shadows);
    out << fmt::format("{}{:<5}  {}\n{}       {}\n", indent, side_name(artefact.side), artefact.path, indent,
                       describe_artefact(artefact, shadow));
  }
}

nlohmann::json artefacts_json(const std::vector<scan::Artefact>& artefacts, const ShadowExists& exists) {
  auto list = nlohmann::json::array();
  for (const auto& artefact : artefacts) {
    const auto shadow =
        artefact.shadows.empty() || !exists ? std::nullopt : exists(artefact.side, artefact.shadows);
    list.push_back(
        {{"side", side_name(artefact.side)},
         {"path", artefact.path},
         {"provider", artefact.provider},
         {"what", artefact.what},
         {"shadows", artefact.shadows.empty() ? nlohmann::json() : nlohmann::json(artefact.shadows)},
         {"shadows_exists", shadow ? nlohmann::json(*shadow) : nlohmann::json()},
         {"placeholder", artefact.placeholder}});
  }
  return list;
}

} // namespace codexsync::commands
