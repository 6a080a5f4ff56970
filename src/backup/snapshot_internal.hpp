#pragma once

#include <codexsync/backup/snapshot.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Shared by the writer, the listing and the reader: names, entry paths, the
// manifest format.
namespace codexsync::backup::detail {

inline constexpr std::string_view k_manifest_format = "codexsync-snapshot-v1";
inline constexpr std::string_view k_manifest_suffix = ".manifest.json";
inline constexpr std::string_view k_zip_suffix = ".zip";
inline constexpr std::size_t k_io_chunk = std::size_t{1024} * 1024;

struct ParsedName {
  std::string machine;
  std::chrono::system_clock::time_point time;
};

// Splits `<machine>-<YYYYMMDDTHHMMSSZ>-<12 lower-case hex>` from the right, so
// machine ids may contain '-'. Returns nullopt for anything else: a bad date, a
// machine id that is empty or not a safe file-name component.
std::optional<ParsedName> parse_snapshot_name(std::string_view name);

// True when `machine` can be the first part of a snapshot name.
bool is_valid_machine(std::string_view machine);

// Returns why `path` cannot be an entry path ("" when it can): it must be
// relative, '/'-separated, without empty, "." or ".." segments, backslashes,
// NUL bytes or a drive letter.
std::string entry_path_problem(std::string_view path);

// "local/notes/a.md": the zip entry name and the dir-mode path below the snapshot folder.
std::string entry_key(Side side, std::string_view path);

// Returns `"path"` (UTF-8, '/'-separated) for messages.
std::string quoted(const std::filesystem::path& path);

// Returns libzip's text for an error code from zip_open.
std::string zip_open_error(int code);

// Converts a '/'-separated UTF-8 relative path to a native path.
std::filesystem::path native_relative(std::string_view relative);

struct Manifest {
  std::string name;
  std::string machine;
  std::string created;
  Compression compression = Compression::none;
  std::vector<SnapshotEntry> entries;
};

// Returns the manifest as pretty JSON text.
std::string manifest_to_json(const Manifest& manifest);

// Parses and validates manifest text: format, fields, every entry (side, safe
// path, size, sha256), no duplicate entries. On failure returns nullopt and
// sets `problem` (without a "damaged:" prefix). Does not compare the name.
std::optional<Manifest> parse_manifest(std::string_view text, std::string& problem);

// One snapshot found in backup_dir, with what list_snapshots and prune need.
struct Listed {
  SnapshotInfo info;
  std::chrono::system_clock::time_point name_time;
  std::int64_t mtime_ns = 0; // newest of payload and manifest
  bool dir_payload = false;  // `<name>` is a real folder
  bool zip_payload = false;  // `<name>.zip` is a regular file
};

// list_snapshots with the extra facts, newest first.
std::vector<Listed> list_detailed(const std::filesystem::path& backup_dir);

} // namespace codexsync::backup::detail
