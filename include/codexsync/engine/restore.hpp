#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/util/clock.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

// Putting files back from a backup snapshot: `restore` (a whole snapshot, one
// side) and `recover rollback` (undo one run from its journal).
namespace codexsync::engine {

enum class RestoreStep {
  put_back,   // write the snapshot's version
  remove,     // delete a file the undone run created
  unchanged,  // already as the snapshot has it
  refused,    // not touched, see reason
};

std::string_view to_string(RestoreStep step);

struct RestoreItem {
  RestoreStep step = RestoreStep::refused;
  Side side = Side::local;
  std::string path;
  std::string reason;
  std::uint64_t size = 0;
  std::string sha256;                 // the snapshot's version (put_back)
  std::int64_t mtime_ns = 0;          // the snapshot's mtime (put_back)
  bool needs_person = false;          // refused for a reason a rerun cannot fix (missing backup, a link)
  std::optional<FileState> expected;  // remove: what the run wrote; only that is removed
};

struct RestorePlan {
  std::string snapshot;  // "" for a rollback of a run that backed nothing up
  std::string journal;   // the run being undone (rollback only)
  std::vector<RestoreItem> items;
  std::size_t count(RestoreStep step) const;
};

// Plans restoring `snapshot` (default: this machine's newest complete one) onto
// `target`. Entries that would write a credential file are refused. Throws
// FailSafeError when there is no such complete snapshot (naming what exists).
RestorePlan plan_restore(const config::Config& cfg, const std::optional<std::string>& snapshot, Side target);

// Plans undoing the run in `journal` on `target` (both sides when nullopt):
// replaced and deleted files come back from its snapshot; files it created are
// removed when they still hold what it wrote. Throws FailSafeError when the
// journal is another machine's or its snapshot is missing.
RestorePlan plan_rollback(const config::Config& cfg, const state::JournalRecord& journal,
                          std::optional<Side> target);

// True when every refused item is a later edit deliberately kept: the undone
// run is then fully settled.
bool settles_run(const RestorePlan& plan);

struct RestoreReport {
  std::string journal_id;
  std::string backup_snapshot;  // what was there before, saved first
  std::size_t put_back = 0;
  std::size_t removed = 0;
};

// Carries out a restore plan: takes the lock, journals it, backs up every file
// it will replace or remove into a new snapshot, then verifies each snapshot
// entry's hash on extraction and once more after the atomic copy. Throws
// FailSafeError on any mismatch (nothing further is written).
// `before_write` runs before the first write and before each file is
// replaced or removed (throw to stop).
RestoreReport apply_restore(const config::Config& cfg, const RestorePlan& plan, const util::Clock& clock,
                            const std::function<void()>& before_write = {});

} // namespace codexsync::engine
