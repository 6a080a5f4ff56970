#include "file_io.hpp"
#include "snapshot_internal.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <algorithm>
#include <map>

namespace codexsync::backup {
namespace detail {
namespace {

namespace fs = std::filesystem;

// What backup_dir holds under one snapshot name.
struct Found {
  std::optional<util::FileStat> manifest;
  std::optional<util::FileStat> folder; // `<name>`, any type
  std::optional<util::FileStat> zip;    // `<name>.zip`, any type
};

bool is_link(const util::FileStat& st) {
  return st.type == util::FileType::symlink || st.type == util::FileType::reparse_point;
}

// Fills `listed` from the manifest text and the payloads found.
void describe(Listed& listed, const Found& found, const fs::path& manifest_path) {
  auto& info = listed.info;
  std::error_code ec;
  const auto text = util::read_file(manifest_path, ec);
  if (!text) {
    info.problems.push_back("damaged: the manifest cannot be read (" + ec.message() + ")");
    return;
  }
  std::string problem;
  const auto manifest = parse_manifest(*text, problem);
  if (!manifest) {
    info.problems.push_back("damaged: " + problem);
    return;
  }
  if (manifest->name != info.name) {
    info.problems.push_back("damaged: the manifest names snapshot \"" + manifest->name + "\"");
    return;
  }
  if (manifest->machine != info.machine) {
    info.problems.push_back("damaged: the manifest names machine \"" + manifest->machine + "\"");
    return;
  }
  info.zip = manifest->compression == Compression::zip;
  info.files = manifest->entries.size();
  info.bytes = 0;
  for (const auto& entry : manifest->entries) {
    info.bytes += entry.size;
  }
  info.created = util::parse_utc_timestamp(manifest->created);
  const auto& payload = info.zip ? found.zip : found.folder;
  const auto wanted = info.zip ? util::FileType::regular : util::FileType::directory;
  if (payload && is_link(*payload)) {
    info.problems.emplace_back("damaged: the payload is a link");
  } else if (!payload || payload->type != wanted) {
    info.problems.emplace_back("payload missing");
  }
}

} // namespace

std::vector<Listed> list_detailed(const fs::path& backup_dir) {
  std::error_code ec;
  fs::directory_iterator it(backup_dir, ec);
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
    return {};
  }
  if (ec) {
    throw RuntimeError("cannot list the backup folder " + quoted(backup_dir) + ": " + ec.message() +
                       "; check its permissions");
  }
  std::map<std::string, Found> found;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      throw RuntimeError("cannot list the backup folder " + quoted(backup_dir) + ": " + ec.message());
    }
    const auto file_name = util::display_path(it->path().filename());
    if (file_name.empty() || file_name.front() == '.') {
      continue; // temp files and other hidden names
    }
    std::string base = file_name;
    auto slot = &Found::folder;
    if (util::ends_with(file_name, k_manifest_suffix)) {
      base.resize(file_name.size() - k_manifest_suffix.size());
      slot = &Found::manifest;
    } else if (util::ends_with(file_name, k_zip_suffix)) {
      base.resize(file_name.size() - k_zip_suffix.size());
      slot = &Found::zip;
    }
    if (!parse_snapshot_name(base)) {
      continue;
    }
    std::error_code stat_ec;
    if (auto st = util::stat_no_follow(it->path(), stat_ec)) {
      found[base].*slot = st;
    }
  }
  std::vector<Listed> out;
  for (const auto& [name, what] : found) {
    const bool folder_payload = what.folder && what.folder->type != util::FileType::regular;
    if (!what.manifest && !folder_payload && !what.zip) {
      continue; // a stray file that merely looks like a snapshot name
    }
    const auto parsed = parse_snapshot_name(name);
    Listed listed;
    listed.info.name = name;
    listed.info.machine = parsed->machine;
    listed.info.created = parsed->time;
    listed.name_time = parsed->time;
    listed.dir_payload = what.folder && what.folder->type == util::FileType::directory;
    listed.zip_payload = what.zip && what.zip->type == util::FileType::regular;
    for (const auto* st : {&what.manifest, &what.folder, &what.zip}) {
      if (*st) {
        listed.mtime_ns = std::max(listed.mtime_ns, (*st)->mtime_ns);
      }
    }
    listed.info.zip = listed.zip_payload && !listed.dir_payload;
    if (!what.manifest) {
      listed.info.problems.emplace_back("incomplete: no manifest");
    } else {
      describe(listed, what, backup_dir / util::path_from_utf8(name + std::string(k_manifest_suffix)));
    }
    out.push_back(std::move(listed));
  }
  std::sort(out.begin(), out.end(), [](const Listed& a, const Listed& b) {
    if (a.name_time != b.name_time) {
      return a.name_time > b.name_time;
    }
    if (a.mtime_ns != b.mtime_ns) {
      return a.mtime_ns > b.mtime_ns;
    }
    return a.info.name > b.info.name;
  });
  return out;
}

} // namespace detail

std::vector<SnapshotInfo> list_snapshots(const std::filesystem::path& backup_dir) {
  std::vector<SnapshotInfo> out;
  for (auto& listed : detail::list_detailed(backup_dir)) {
    out.push_back(std::move(listed.info));
  }
  return out;
}

namespace {

namespace fs = std::filesystem;
using detail::quoted;

// Removes one complete snapshot, manifest first: once the manifest is gone the
// snapshot counts as incomplete and nothing trusts it, so a crash halfway
// leaves an "incomplete" leftover that list_snapshots reports, never a
// manifest that vouches for a half-deleted payload.
void remove_snapshot(const fs::path& backup_dir, const detail::Listed& listed) {
  const auto& name = listed.info.name;
  const auto manifest = backup_dir / util::path_from_utf8(name + std::string(detail::k_manifest_suffix));
  std::error_code ec;
  fs::remove(manifest, ec);
  if (ec) {
    throw RuntimeError("cannot remove the old backup manifest " + quoted(manifest) + ": " + ec.message() +
                       "; check the backup folder's permissions");
  }
  detail::sync_dir(backup_dir);
  const auto payload = listed.info.zip
                           ? backup_dir / util::path_from_utf8(name + std::string(detail::k_zip_suffix))
                           : backup_dir / util::path_from_utf8(name);
  if (listed.info.zip) {
    fs::remove(payload, ec);
  } else {
    fs::remove_all(payload, ec); // never follows links inside
  }
  if (ec) {
    throw RuntimeError("removed the manifest of old backup " + name + " but not its payload " +
                       quoted(payload) + ": " + ec.message() + "; delete it by hand");
  }
}

} // namespace

std::vector<std::string> prune_snapshots(const std::filesystem::path& backup_dir, std::string_view machine,
                                         int retention_days, int max_backups,
                                         const std::set<std::string>& keep, const util::Clock& clock) {
  const auto listed = detail::list_detailed(backup_dir);
  std::vector<const detail::Listed*> mine;
  for (const auto& item : listed) {
    if (item.info.machine == machine && item.info.complete()) {
      mine.push_back(&item);
    }
  }
  const auto cutoff = clock.now() - std::chrono::hours(24) * retention_days;
  std::vector<std::string> removed;
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const auto& item = *mine[i];
    if (keep.count(item.info.name) != 0) {
      continue;
    }
    const bool too_old = retention_days > 0 && item.name_time < cutoff;
    const bool too_many = max_backups > 0 && i >= static_cast<std::size_t>(max_backups);
    if (too_old || too_many) {
      remove_snapshot(backup_dir, item);
      removed.push_back(item.info.name);
    }
  }
  return removed;
}

} // namespace codexsync::backup
