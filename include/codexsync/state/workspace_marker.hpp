#pragma once

#include <codexsync/util/clock.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The workspace marker: <workspace>/.codexsync-workspace holds an id made by
// the first sync into the folder. Each machine remembers the id it synced with
// (in its own state folder, never in the cloud folder), so an unmounted drive,
// an empty folder where the mount should be, or another workspace is noticed
// before anything is planned from it.
namespace codexsync::state {

struct WorkspaceMarker {
  std::string id;
  std::string created_by;  // machine id
  std::string created;     // UTC
};

// <workspace>/.codexsync-workspace
std::filesystem::path marker_path(const std::filesystem::path& workspace);

struct MarkerRead {
  std::optional<WorkspaceMarker> marker;
  std::string problem;  // "" when the marker was read or is simply missing
};
// Reads the marker. Never throws.
MarkerRead read_marker(const std::filesystem::path& workspace);

// Makes a new marker with a fresh id and writes it atomically. Throws
// RuntimeError naming the path.
WorkspaceMarker create_marker(const std::filesystem::path& workspace, const std::string& machine,
                              const util::Clock& clock);

// The id this machine remembers for the workspace (kept in
// <state_dir>/workspaces.json, keyed by machine and workspace path); nullopt
// when it never synced with it or there is no state folder.
std::optional<std::string> remembered_workspace(const std::optional<std::filesystem::path>& state_dir,
                                                const std::string& machine, const std::filesystem::path& workspace);
// Remembers `id` for the workspace. Throws RuntimeError naming the file.
void remember_workspace(const std::optional<std::filesystem::path>& state_dir, const std::string& machine,
                        const std::filesystem::path& workspace, const std::string& id);

// The ids held by the cloud client's copies of the marker beside it
// (any file beside it whose name holds "codexsync-workspace", such as
// Syncthing's ".sync-conflict-…-DEVICE.codexsync-workspace" or Dropbox's
// ".codexsync-workspace (… conflicted copy …)"): two machines whose first syncs ran before either's marker
// arrived each made one, and the client kept both. Never throws.
std::vector<std::string> marker_copy_ids(const std::filesystem::path& workspace);

enum class MarkerVerdict {
  ok,         // the marker holds the id this machine remembers
  join,       // a marker this machine has not seen: remember it (first sync here)
  create,     // no marker and nothing remembered: the first sync makes one
  missing,    // remembered, but the marker is gone: stop (exit 5) unless adopting
  different,  // the marker holds another id (or cannot be read): stop unless adopting
};
// Pure: what to do given what this machine remembers and what the folder holds.
MarkerVerdict judge_marker(const std::optional<std::string>& remembered, const MarkerRead& read);

} // namespace codexsync::state
