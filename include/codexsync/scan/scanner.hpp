#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/scan/glob.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace codexsync::scan {

struct ScanOptions {
  std::vector<std::string> include_roots;   // normalised, relative (config::Targets)
  std::vector<std::string> exclude_globs;
  // The agent's credential and machine-specific files (config::Filters):
  // listed as skipped, never indexed, matched ignoring ASCII case.
  std::vector<std::string> never_sync_globs;
  // Optional: true when a regular file of this path, size and mtime was seen
  // and indexed before (the baseline). Such a file's first bytes are not read
  // again to look for an executable or a database: only new or changed files
  // cost an open and a read.
  std::function<bool(const std::string& path, std::uint64_t size, std::int64_t mtime_ns)> known_file;
};

// The Index::skipped reason of codexsync's own temp files.
inline constexpr std::string_view k_temp_file_reason = "codexsync temp file: never synced";

// Walks `base` under each include root and returns every regular file that may
// be synced, with size and mtime (no hashing). Never follows symlinks or
// Windows junctions/reparse points, never leaves `base`; those, and everything
// that must never be indexed whatever the config says, are listed in
// Index::skipped with a reason:
//   - credential files at any depth: auth.json, .credentials.json,
//     credentials.json, oauth_creds.json, token.json, cap_sid, .env, and
//     anything under a .sandbox-secrets/ folder;
//   - native executables (ELF, PE "MZ"+"PE\0\0", Mach-O in either byte order,
//     universal/fat binaries), detected from the first bytes;
//   - SQLite databases (by the "SQLite format 3\0" header, or names ending in
//     .sqlite/.sqlite3/.db with their -wal, -shm, -journal companions);
//   - codexsync's own temp files (see apply: ".<name>.codexsync-tmp-<hex>");
//   - files and folders matching `never_sync_globs` ("credential or
//     machine-specific file: never synced"; a folder is not entered).
// Excluded-by-glob paths are not listed (they are the user's choice). A missing
// root is not an error. A missing `base` yields an empty index. An unreadable
// folder or file is listed as skipped ("unreadable: <reason>") and the scan goes
// on; the caller decides whether that is fatal.
Index scan_tree(const std::filesystem::path& base, const ScanOptions& options);

// True for the names scan_tree never indexes as credentials (exposed for tests
// and for restore, which refuses to write them).
bool is_credential_path(std::string_view relative_path);

// True when `relative_path`, or a folder above it, matches one of
// `never_sync_globs` (ignoring ASCII case, as the volumes of Windows and macOS
// do). Restore refuses to write such paths.
bool is_never_synced(const std::vector<std::string>& never_sync_globs, std::string_view relative_path);

// is_never_synced with the globs compiled once, for checking many paths.
class NeverSyncFilter {
public:
  explicit NeverSyncFilter(const std::vector<std::string>& never_sync_globs);

  // True when `relative_path` or a folder above it is never synced.
  bool matches(std::string_view relative_path) const;
  // True for a file path matching a glob (ignoring ASCII case).
  bool file(std::string_view relative_path) const;
  // True for a folder not to enter (a `dir/**` glob or a glob matching it).
  bool folder(std::string_view relative_path) const;

private:
  bool m_any;
  GlobSet m_files;
  GlobSet m_folders;
};

// True when `name` is one of codexsync's own temp files.
bool is_own_temp_name(std::string_view name);

} // namespace codexsync::scan
