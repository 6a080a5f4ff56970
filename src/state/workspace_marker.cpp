#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/workspace_marker.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_format = "codexsync-workspace-v1";

std::string key_of(const std::string& machine, const fs::path& workspace) {
  return machine + "|" + util::display_path(workspace);
}

} // namespace

fs::path marker_path(const fs::path& workspace) { return workspace / ".codexsync-workspace"; }

MarkerRead read_marker(const fs::path& workspace) {
  MarkerRead out;
  const auto path = marker_path(workspace);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return out;
  }
  const auto text = util::read_file(path, ec);
  if (!text) {
    out.problem = fmt::format("{} cannot be read ({})", util::display_path(path), ec.message());
    return out;
  }
  try {
    const auto doc = nlohmann::json::parse(*text);
    if (!doc.is_object() || doc.value("format", "") != k_format || !doc.contains("id") || !doc["id"].is_string() ||
        doc["id"].get<std::string>().empty()) {
      out.problem = fmt::format("{} is not a codexsync workspace marker", util::display_path(path));
      return out;
    }
    out.marker = WorkspaceMarker{doc["id"].get<std::string>(), doc.value("created_by", ""), doc.value("created", "")};
  } catch (const nlohmann::json::exception&) {
    out.problem = fmt::format("{} is damaged", util::display_path(path));
  }
  return out;
}

WorkspaceMarker create_marker(const fs::path& workspace, const std::string& machine, const util::Clock& clock) {
  WorkspaceMarker marker{util::random_hex(16), machine, util::utc_timestamp(clock.now())};
  const nlohmann::json doc{{"format", k_format},
                           {"id", marker.id},
                           {"created_by", marker.created_by},
                           {"created", marker.created},
                           {"note", "made by codexsync; machines that sync through this folder check it is here. "
                                    "Do not delete or copy it."}};
  std::error_code ec;
  util::write_file_atomic(marker_path(workspace), doc.dump(1), ec);
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the workspace marker {} ({}). Check that the cloud folder is "
                                   "writable and run again",
                                   util::display_path(marker_path(workspace)), ec.message()));
  }
  return marker;
}

std::optional<std::string> remembered_workspace(const std::optional<fs::path>& state_dir, const std::string& machine,
                                                const fs::path& workspace) {
  if (!state_dir) {
    return std::nullopt;
  }
  std::error_code ec;
  const auto text = util::read_file(*state_dir / "workspaces.json", ec);
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto doc = nlohmann::json::parse(*text);
    const auto key = key_of(machine, workspace);
    if (doc.is_object() && doc.contains(key) && doc[key].is_string()) {
      return doc[key].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
    // A damaged file remembers nothing: the next sync joins the marker it finds.
    log::warn(fmt::format("{} is damaged, so this machine does not know which cloud folder it synced with; it takes "
                          "the workspace marker it finds (the damaged file is kept beside it as .damaged)",
                          util::display_path(*state_dir / "workspaces.json")));
  }
  return std::nullopt;
}

void remember_workspace(const std::optional<fs::path>& state_dir, const std::string& machine,
                        const fs::path& workspace, const std::string& id) {
  if (!state_dir) {
    return;
  }
  const auto path = *state_dir / "workspaces.json";
  std::error_code ec;
  nlohmann::json doc = nlohmann::json::object();
  if (const auto text = util::read_file(path, ec)) {
    doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object()) {
      doc = nlohmann::json::object();
      std::error_code ignored;
      fs::copy_file(path, path.parent_path() / "workspaces.json.damaged", fs::copy_options::overwrite_existing,
                    ignored);
    }
  }
  doc[key_of(machine, workspace)] = id;
  ec.clear();
  fs::create_directories(*state_dir, ec);
  if (!ec) {
    util::write_file_atomic(path, doc.dump(1), ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write {} ({}); this machine could not remember which cloud folder it "
                                   "synced with. Check its permissions",
                                   util::display_path(path), ec.message()));
  }
}

std::vector<std::string> marker_copy_ids(const fs::path& workspace) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(workspace, ec), end; !ec && it != end; it.increment(ec)) {
    const auto raw = it->path().filename().u8string();  // never throws for names outside the code page
    const std::string entry(raw.begin(), raw.end());
    // ".codexsync-workspace.sync-conflict-…", ".codexsync-workspace (… conflicted
    // copy …)", and Syncthing's ".sync-conflict-…-DEVICE.codexsync-workspace"
    // (the whole name after the dot is taken for an extension).
    if (entry == ".codexsync-workspace" || entry.find("codexsync-workspace") == std::string::npos ||
        !it->is_regular_file(ec)) {
      continue;
    }
    std::error_code read_ec;
    const auto text = util::read_file(it->path(), read_ec);
    if (!text) {
      continue;
    }
    const auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_object() && doc.contains("format") && doc["format"] == k_format && doc.contains("id") &&
        doc["id"].is_string()) {
      ids.push_back(doc["id"].get<std::string>());
    }
  }
  return ids;
}

MarkerVerdict judge_marker(const std::optional<std::string>& remembered, const MarkerRead& read) {
  if (!read.problem.empty()) {
    return MarkerVerdict::different;
  }
  if (!remembered) {
    return read.marker ? MarkerVerdict::join : MarkerVerdict::create;
  }
  if (!read.marker) {
    return MarkerVerdict::missing;
  }
  return read.marker->id == *remembered ? MarkerVerdict::ok : MarkerVerdict::different;
}

} // namespace codexsync::state
