#include <codexsync/apply/file_ops.hpp>
#include <codexsync/backup/snapshot.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/restore.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include "sides.hpp"
#include "transport.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace codexsync::engine {
namespace {

namespace fs = std::filesystem;

using detail::file_on;
using detail::side_root;

std::optional<util::FileStat> current(const config::Config& cfg, Side side, const std::string& path) {
  std::error_code ec;
  return util::stat_no_follow(file_on(cfg, side, path), ec);
}

// put_back, or unchanged when the file already holds the snapshot's bytes.
RestoreItem put_back_item(const config::Config& cfg, const backup::SnapshotEntry& entry, std::string reason) {
  RestoreItem item;
  item.side = entry.side;
  item.path = entry.path;
  item.size = entry.size;
  item.sha256 = entry.sha256;
  item.mtime_ns = entry.mtime_ns;
  if (scan::is_credential_path(entry.path)) {
    item.step = RestoreStep::refused;
    item.reason = "credential file: never written by codexsync";
    return item;
  }
  if (scan::is_never_synced(cfg.filters.never_sync_globs, entry.path)) {
    item.step = RestoreStep::refused;
    item.reason = "credential or machine-specific file: never written by codexsync";
    return item;
  }
  const auto now = current(cfg, entry.side, entry.path);
  if (now && now->type != util::FileType::regular) {
    item.step = RestoreStep::refused;
    item.reason = "the destination is a link or folder: not replaced";
    item.needs_person = true;
    return item;
  }
  if (now && now->size == entry.size) {
    std::error_code ec;
    const auto hash = util::sha256_file(file_on(cfg, entry.side, entry.path), ec);
    if (hash && hash->matches(entry.sha256)) {
      item.step = RestoreStep::unchanged;
      item.reason = "already as in the snapshot";
      return item;
    }
  }
  item.step = RestoreStep::put_back;
  item.reason = now ? std::move(reason) : "missing: recreated from the snapshot";
  return item;
}

// After a rollback the baseline may describe the undone run's result: its
// entries for the paths the rollback touched are dropped, so the next sync
// treats them as never synced (copies at most, never a proven deletion).
void forget_in_baseline(const config::Config& cfg, const RestorePlan& plan) {
  const state::BaselineFile file{
    .path = state::baseline_path(cfg.paths.temp_dir, cfg.state.manifest_file, cfg.identity.effective_machine_id),
    .machine = cfg.identity.effective_machine_id,
    .install_id = state::install_id(util::user_state_dir(util::Environment::current())),
    .local_root = cfg.paths.local_state_dir,
    .cloud_root = cfg.paths.cloud_root_dir};
  auto loaded = state::load_baseline(file);
  if (!loaded.usable) {
    return;
  }
  bool changed = false;
  for (const auto& item : plan.items) {
    changed = loaded.baseline.erase(item.path) > 0 || changed;
  }
  if (changed) {
    state::save_baseline(file, loaded.baseline);
  }
}

std::string newest_own_snapshot(const config::Config& cfg) {
  const auto snapshots = backup::list_snapshots(cfg.paths.backup_dir);
  for (const auto& s : snapshots) {
    if (s.complete() && s.machine == cfg.identity.effective_machine_id) {
      return s.name;
    }
  }
  throw FailSafeError(fmt::format("no complete backup snapshot of machine \"{}\" in {}{}; nothing was written. "
                                  "See `codexsync backups list`",
                                  cfg.identity.effective_machine_id, util::display_path(cfg.paths.backup_dir),
                                  snapshots.empty() ? " (the folder has none)" : ""));
}

} // namespace

std::string_view to_string(RestoreStep step) {
  switch (step) {
  case RestoreStep::put_back: return "put back";
  case RestoreStep::remove: return "remove";
  case RestoreStep::unchanged: return "unchanged";
  case RestoreStep::refused: return "refused";
  }
  return "?";
}

bool settles_run(const RestorePlan& plan) {
  return std::none_of(plan.items.begin(), plan.items.end(), [](const RestoreItem& i) { return i.needs_person; });
}

std::size_t RestorePlan::count(RestoreStep step) const {
  return static_cast<std::size_t>(
    std::count_if(items.begin(), items.end(), [step](const RestoreItem& i) { return i.step == step; }));
}

RestorePlan plan_restore(const config::Config& cfg, const std::optional<std::string>& snapshot, Side target) {
  RestorePlan plan;
  plan.snapshot = snapshot ? *snapshot : newest_own_snapshot(cfg);
  const backup::SnapshotReader reader(cfg.paths.backup_dir, plan.snapshot);
  for (const auto& entry : reader.entries()) {
    if (entry.side == target) {
      plan.items.push_back(put_back_item(cfg, entry, "differs from the snapshot: replaced by its version"));
    }
  }
  return plan;
}

RestorePlan plan_rollback(const config::Config& cfg, const state::JournalRecord& journal,
                          std::optional<Side> target) {
  if (journal.machine != cfg.identity.effective_machine_id) {
    throw FailSafeError(fmt::format("run {} belongs to machine \"{}\"; roll it back on that machine", journal.id,
                                    journal.machine));
  }
  RestorePlan plan;
  plan.journal = journal.id;
  plan.snapshot = journal.snapshot;
  std::optional<backup::SnapshotReader> reader;
  if (!journal.snapshot.empty()) {
    reader.emplace(cfg.paths.backup_dir, journal.snapshot);
  }
  const auto actions = state::load_journal_actions(journal);  // throws, naming the file, when unreadable
  for (const auto& action : actions) {
    if (target && action.destination != *target) {
      continue;
    }
    if (action.append_from) {
      // A fast-forward only added bytes after the old content: undoing it
      // would lose them and bring back nothing. Kept.
      RestoreItem item;
      item.side = action.destination;
      item.path = action.path;
      item.step = RestoreStep::refused;
      item.reason = fmt::format("fast-forwarded by the run: its old content is the first {} bytes of the current "
                                "one; kept",
                                *action.append_from);
      plan.items.push_back(std::move(item));
      continue;
    }
    if (action.existed) {
      const backup::SnapshotEntry* found = nullptr;
      if (reader) {
        for (const auto& entry : reader->entries()) {
          if (entry.side == action.destination && entry.path == action.path) {
            found = &entry;
          }
        }
      }
      if (found == nullptr) {
        RestoreItem item;
        item.side = action.destination;
        item.path = action.path;
        item.reason = "the run's backup of this file is missing: not touched";
        item.needs_person = true;
        plan.items.push_back(std::move(item));
        continue;
      }
      // Only undo what is still the run's doing: a later edit (here or by
      // another machine) is kept, never replaced by the pre-run version.
      const auto now = current(cfg, action.destination, action.path);
      const bool was_delete = action.kind == "delete_local" || action.kind == "delete_cloud";
      const bool still_the_runs = was_delete ? !now.has_value()
                                             : now && action.new_state && now->size == action.new_state->size &&
                                                 now->mtime_ns == action.new_state->mtime_ns;
      if (!still_the_runs) {
        RestoreItem item;
        item.side = action.destination;
        item.path = action.path;
        item.step = RestoreStep::refused;
        item.reason = now ? "changed since the run: kept" : "gone since the run: not recreated";
        plan.items.push_back(std::move(item));
        continue;
      }
      plan.items.push_back(put_back_item(cfg, *found, "the run replaced or deleted it: its earlier version"));
      continue;
    }
    // The run created this file: remove it only if it still holds what the run wrote.
    RestoreItem item;
    item.side = action.destination;
    item.path = action.path;
    item.expected = action.new_state;
    const auto now = current(cfg, action.destination, action.path);
    if (!now) {
      item.step = RestoreStep::unchanged;
      item.reason = "not there (the run did not get to it)";
    } else if (action.new_state && now->type == util::FileType::regular && now->size == action.new_state->size &&
               now->mtime_ns == action.new_state->mtime_ns) {
      item.step = RestoreStep::remove;
      item.reason = "created by the run";
    } else {
      item.step = RestoreStep::refused;
      item.reason = "created by the run but changed since: kept";
    }
    plan.items.push_back(std::move(item));
  }
  return plan;
}

RestoreReport apply_restore(const config::Config& cfg, const RestorePlan& plan, const util::Clock& clock,
                            const std::function<void()>& before_write) {
  const auto last_chance = [&before_write] {
    if (before_write) {
      before_write();
    }
  };
  RestoreReport report;
  std::error_code ec;
  const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id,
                                            plan.journal.empty() ? "restore --apply" : "recover rollback --apply",
                                            clock);
  std::vector<const RestoreItem*> work;
  for (const auto& item : plan.items) {
    if (item.step == RestoreStep::put_back || item.step == RestoreStep::remove) {
      work.push_back(&item);
    }
  }
  if (work.empty()) {
    return report;
  }
  state::JournalRecord record;
  record.machine = cfg.identity.effective_machine_id;
  record.command = plan.journal.empty() ? "restore" : "rollback";
  record.local_root = util::display_path(cfg.paths.local_state_dir);
  record.cloud_root = util::display_path(cfg.paths.cloud_root_dir);
  for (const auto* item : work) {
    std::error_code stat_ec;
    const auto now = util::stat_no_follow(file_on(cfg, item->side, item->path), stat_ec);
    state::JournalAction action;
    action.kind = item->step == RestoreStep::put_back ? "restore" : "remove";
    action.path = item->path;
    action.destination = item->side;
    action.existed = now.has_value();
    if (item->step == RestoreStep::put_back) {
      action.new_state = FileState{item->size, item->mtime_ns, util::Sha256Digest::from_hex(item->sha256)};
    }
    record.actions.push_back(std::move(action));
  }
  if (std::any_of(work.begin(), work.end(), [](const auto* item) { return item->side == Side::cloud; })) {
    // The mirror's changes are claimed in this machine's delivery record: one
    // that cannot be read stops the restore before anything is written.
    (void)detail::own_record_or_stop(cfg);
  }
  auto journal = state::Journal::begin(cfg.paths.temp_dir, std::move(record), clock);
  report.journal_id = journal.record().id;
  const auto scratch = cfg.paths.temp_dir / ("restore-" + report.journal_id);
  try {
    last_chance();
    std::set<std::string> cloud_paths;
    for (const auto* item : work) {
      if (item->side == Side::cloud) {
        cloud_paths.insert(item->path);
      }
    }
    // This machine no longer vouches for what it replaces in the mirror.
    detail::withdraw_own_claims(cfg, cloud_paths, clock);
    backup::SnapshotWriter before(cfg.paths.backup_dir, cfg.identity.effective_machine_id,
                                  cfg.backup.compression == config::Compression::zip ? backup::Compression::zip
                                                                                     : backup::Compression::none,
                                  clock);
    for (const auto& action : journal.record().actions) {
      if (action.existed) {
        const auto entry = before.add(action.destination, action.path, file_on(cfg, action.destination, action.path));
        log::file_action(log::Level::info, "backup", action.path, side_name(action.destination),
                         "backed up before it is restored over", {{"snapshot", before.name()}, {"sha256", entry.sha256}});
      }
    }
    if (!before.empty()) {
      before.commit();
      report.backup_snapshot = before.name();
      journal.set_snapshot(before.name());
    }
    journal.set_state(state::JournalState::backed_up);
    journal.set_state(state::JournalState::committing);
    std::optional<backup::SnapshotReader> reader;
    if (!plan.snapshot.empty()) {
      reader.emplace(cfg.paths.backup_dir, plan.snapshot);
    }
    fs::create_directories(scratch, ec);
    std::size_t n = 0;
    apply::FolderSyncs folders;  // each folder's fsync once, at the end
    std::map<std::string, FileState> put_in_cloud;  // for this machine's delivery record
    std::set<std::string> removed_from_cloud;
    for (const auto* item : work) {
      const auto dest = file_on(cfg, item->side, item->path);
      last_chance();
      if (item->step == RestoreStep::remove) {
        apply::remove_file(dest, side_root(cfg, item->side));
        log::file_action(log::Level::warning, "delete", item->path, side_name(item->side),
                         "removed a file the undone run created (a copy is in the backup)");
        ++report.removed;
        if (item->side == Side::cloud) {
          removed_from_cloud.insert(item->path);
        }
        continue;
      }
      const auto& entries = reader->entries();
      const auto it = std::find_if(entries.begin(), entries.end(), [&](const backup::SnapshotEntry& e) {
        return e.side == item->side && e.path == item->path;
      });
      if (it == entries.end()) {
        throw FailSafeError(fmt::format("{} is not in snapshot {}", item->path, plan.snapshot));
      }
      const auto extracted = scratch / std::to_string(n++);
      reader->extract(*it, extracted);  // verifies size and sha256
      const auto written = apply::copy_file_atomic(extracted, dest, {}, &folders);
      fs::remove(extracted, ec);
      if (!written.sha256.matches(it->sha256)) {
        throw FailSafeError(fmt::format("{} changed while it was restored; run the restore again",
                                        util::display_path(dest)));
      }
      util::set_mtime_ns(dest, it->mtime_ns, ec);
      log::file_action(log::Level::info, "restore", item->path, side_name(item->side),
                       fmt::format("put back from snapshot {}", plan.snapshot));
      ++report.put_back;
      if (item->side == Side::cloud) {
        put_in_cloud[item->path] =
          FileState{it->size, it->mtime_ns, util::Sha256Digest::from_hex(it->sha256)};
      }
    }
    folders.flush();  // every rename on disk before the delivery record and the journal say so
    detail::claim_own(cfg, put_in_cloud, removed_from_cloud, clock);
    fs::remove_all(scratch, ec);
    if (!plan.journal.empty()) {
      forget_in_baseline(cfg, plan);
    }
    journal.set_state(state::JournalState::committed);
  } catch (const std::exception& e) {
    fs::remove_all(scratch, ec);
    try {
      journal.set_state(state::JournalState::failed, e.what());
    } catch (const std::exception&) {
      // left in its last state: the next run sees it as open
    }
    throw;
  }
  return report;
}

} // namespace codexsync::engine
