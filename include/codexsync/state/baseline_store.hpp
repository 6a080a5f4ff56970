#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/sha256.hpp>

#include <filesystem>
#include <functional>
#include <map>
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

// The same for a baseline given entry by entry (plan::for_each_next_entry):
// `feed` hands each entry to its sink, in path order; it is called twice
// (the file starts with the count) and must give the same entries each time.
using BaselineSink = std::function<void(const std::string& path, const BaselineEntry& entry)>;
using BaselineFeed = std::function<void(const BaselineSink& sink)>;
void save_baseline(const BaselineFile& file, const BaselineFeed& feed);

// The SHA-256 midstate of an append-only file's content (a chat), so that a
// fast-forward hashes only the new tail. It stands for one file: the copy
// this machine wrote on `side` (its device, inode, size and mtime when it was
// written), whose content hash is `sha256`. It is used only while that same
// file is there unchanged and the baseline shows that side with that hash,
// and only `k_max_resumes` times in a row: then the whole file is hashed
// again, so a wrong point cannot outlive a few runs.
struct ResumePoint {
  Side side = Side::local;
  util::Sha256Digest sha256;
  util::Sha256Midstate state;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint32_t resumes = 0;  // fast-forwards hashed from a point since the file was last hashed whole
  bool operator==(const ResumePoint&) const = default;
};
inline constexpr std::uint32_t k_max_resumes = 8;
using ResumePoints = std::map<std::string, ResumePoint>;  // path -> point

// Beside the baseline: `<baseline stem>.resume.txt`. Only this machine
// writes it; the baseline never depends on it.
std::filesystem::path resume_points_path(const BaselineFile& file);

// Reads the points. Never throws: a missing or damaged file gives none (the
// grown chats are then read whole once more); a malformed line, or one whose
// check value does not match, is dropped.
ResumePoints load_resume_points(const BaselineFile& file);

// Writes them atomically (temp file, fsync, rename). Throws RuntimeError
// naming the path when it cannot.
void save_resume_points(const BaselineFile& file, const ResumePoints& points);

} // namespace codexsync::state
