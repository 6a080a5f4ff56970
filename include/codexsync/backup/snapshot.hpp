#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

// Verified backups of files before they are overwritten or deleted. The only
// module that includes <zip.h> for snapshots.
//
// On disk, in backup_dir, one snapshot per run named
// `<machine>-<YYYYMMDDTHHMMSSZ>-<12 hex>`:
//   compression "none": `<name>/<side>/<path>` (side = local|cloud)
//   compression "zip":  `<name>.zip` with entries `<side>/<path>`
// and, written last and atomically, `<name>.manifest.json`: format, name,
// machine, created (UTC), compression, and entries [{side, path, size,
// mtime_ns, sha256}]. A snapshot without a readable manifest is incomplete.
namespace codexsync::backup {

enum class Compression { none, zip };

struct SnapshotEntry {
  Side side = Side::local;
  std::string path;  // relative, '/'-separated
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
};

// Returns `<machine>-<YYYYMMDDTHHMMSSZ>-<hex12>`.
std::string snapshot_name(std::string_view machine, std::chrono::system_clock::time_point time,
                          std::string_view hex12);

// Builds one snapshot. Nothing is created on disk until the first add().
class SnapshotWriter {
public:
  SnapshotWriter(std::filesystem::path backup_dir, std::string machine, Compression compression,
                 const util::Clock& clock = util::system_clock());
  ~SnapshotWriter();  // an uncommitted snapshot is left incomplete (no manifest), never deleted
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  const std::string& name() const;
  bool empty() const;

  // Copies the current content of `file` (side:path) into the snapshot,
  // hashing it while reading, and verifies the stored copy against that hash
  // (for zip: at commit). Throws FailSafeError (exit 5) naming the file when it
  // cannot be read, stored or verified: the caller must then not touch it.
  SnapshotEntry add(Side side, const std::string& path, const std::filesystem::path& file);

  // Finishes the payload (closing the zip once), verifies it, fsyncs, then
  // writes the manifest atomically. Throws FailSafeError on any mismatch.
  // Does nothing for an empty snapshot.
  void commit();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct SnapshotInfo {
  std::string name;
  std::string machine;
  std::optional<std::chrono::system_clock::time_point> created;
  bool zip = false;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> problems;  // "incomplete: no manifest", "damaged: ...", "payload missing"
  bool complete() const { return problems.empty(); }
};

// Lists snapshots in `backup_dir`, newest first (by the time in the name, then
// by mtime). Reads manifests only, never hashes payloads. A missing backup_dir
// gives an empty list and creates nothing. Stray files are not snapshots.
std::vector<SnapshotInfo> list_snapshots(const std::filesystem::path& backup_dir);

// Removes this machine's complete snapshots older than `retention_days` (0 =
// no age limit) and beyond the newest `max_backups` (0 = no count limit),
// never one named in `keep`. Other machines' snapshots are never touched.
// Returns the names removed.
std::vector<std::string> prune_snapshots(const std::filesystem::path& backup_dir, std::string_view machine,
                                         int retention_days, int max_backups, const std::set<std::string>& keep,
                                         const util::Clock& clock = util::system_clock());

// Reads one complete snapshot for restore.
class SnapshotReader {
public:
  // Opens `name` in `backup_dir`. Throws FailSafeError when it is incomplete or
  // damaged, or when any entry has an absolute path, a `..` segment, or a
  // payload that is a link.
  SnapshotReader(const std::filesystem::path& backup_dir, const std::string& name);
  ~SnapshotReader();
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  const std::string& name() const;
  const std::vector<SnapshotEntry>& entries() const;

  // Writes the entry's bytes to `dest` (a new file; parent must exist) and
  // verifies size and sha256. Throws FailSafeError on a mismatch (and removes
  // `dest`), RuntimeError on I/O errors.
  void extract(const SnapshotEntry& entry, const std::filesystem::path& dest) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace codexsync::backup
