#pragma once

#include <codexsync/core/index.hpp>

#include <filesystem>
#include <string>
#include <vector>

// This machine's baseline on disk: one JSON file that only this machine
// writes, replaced atomically and last in a run.
namespace codexsync::state {

struct BaselineFile {
  std::filesystem::path path;
  std::string machine;
  std::string install_id;            // this computer's install (see install_id()); "" = not checked
  std::filesystem::path local_root;  // the agent's state folder it describes
  std::filesystem::path cloud_root;  // the cloud mirror it describes
};

struct LoadedBaseline {
  Baseline baseline;
  // The file was written by another computer using the same machine id (a
  // copied config, a reused name): planning from it could revert that
  // computer's work, so callers stop (exit 5).
  bool other_install = false;
  // Why it is empty when it is: "" (loaded), "first sync" (no file), or a
  // warning ("unreadable: ...", "written by machine X", "for other folders").
  std::string note;
  bool usable = false;
};

// Where the baseline lives: beside state.manifest_file as
// `<stem>.<machine>.json` when that is set, else `<temp_dir>/state/baseline.<machine>.json`.
std::filesystem::path baseline_path(const std::filesystem::path& temp_dir,
                                    const std::optional<std::filesystem::path>& manifest_file,
                                    const std::string& machine);

// Reads the baseline. Never throws: a missing, corrupt or foreign file (other
// machine, other folders, other format) gives an empty baseline and a note,
// which means "first sync" and never a deletion. A malformed single entry is
// dropped (that path is treated as never synced).
LoadedBaseline load_baseline(const BaselineFile& file);

// Returns this computer's install id, kept in `<state_dir>/install-id` (made on
// first use, never synced). "" when the folder cannot be written (the check is
// then skipped).
std::string install_id(const std::optional<std::filesystem::path>& state_dir);

// Writes the baseline atomically (temp file, fsync, rename), creating the
// folder. Throws RuntimeError naming the path when it cannot.
void save_baseline(const BaselineFile& file, const Baseline& baseline);

} // namespace codexsync::state
