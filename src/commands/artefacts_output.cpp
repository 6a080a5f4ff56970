#include "artefacts_output.hpp"

#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/state/delivery.hpp>

#include <fmt/format.h>

#include <ostream>

namespace codexsync::commands {

Found find_artefacts(const config::Config& cfg) {
  Found found;
  const scan::ScanOptions options{cfg.targets.include_roots, cfg.filters.exclude_globs,
                                  cfg.filters.never_sync_globs, {}};
  found.local = scan::scan_tree(cfg.paths.local_state_dir, options);
  found.cloud = scan::scan_tree(cfg.paths.cloud_root_dir, options);
  for (const auto side : {Side::local, Side::cloud}) {
    for (const auto& skipped : (side == Side::local ? found.local : found.cloud).skipped) {
      if (skipped.reason.rfind("unreadable", 0) == 0) {
        found.unreadable.push_back(fmt::format("{}: {} ({})", side_name(side), skipped.path, skipped.reason));
      }
    }
  }
  // The baseline says which look-alikes ("name (1).ext") were synced as the
  // user's files; reading it writes nothing ("" skips the install check).
  const auto baseline = state::load_baseline(
    state::BaselineFile{.path = state::baseline_path(cfg.paths.temp_dir, cfg.state.manifest_file,
                                                     cfg.identity.effective_machine_id),
                        .machine = cfg.identity.effective_machine_id,
                        .install_id = "",
                        .local_root = cfg.paths.local_state_dir,
                        .cloud_root = cfg.paths.cloud_root_dir});
  const auto deliveries =
    state::read_delivery_records(state::delivery_dir(config::workspace_dir(cfg), cfg.agent.profile));
  found.artefacts =
    scan::take_artefacts(found.local, found.cloud, baseline.baseline, engine::known_hosts(cfg),
                         [&deliveries](const std::string& path) { return state::mentions(deliveries, path); });
  return found;
}

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
