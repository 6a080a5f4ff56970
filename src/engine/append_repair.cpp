#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/fs.hpp>

#include "sides.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

// The first step of a sync that writes: fast-forwards appended in place by a
// run that did not finish are made wholly old again (or found complete).
namespace codexsync::engine {
namespace {

// A journal of this machine's syncs, still open, written with this config's
// folders (another folder's journal says nothing of these files).
bool ours_to_repair(const config::Config& cfg, const state::JournalRecord& record,
                    const std::optional<std::string>& only) {
  return record.open() && record.machine == cfg.identity.effective_machine_id && record.command == "sync" &&
         (!only || record.id == *only) && record.local_root == util::display_path(cfg.paths.local_state_dir) &&
         record.cloud_root == util::display_path(cfg.paths.cloud_root_dir);
}

} // namespace

std::vector<std::string> repair_interrupted_appends(const config::Config& cfg, const util::Clock& clock,
                                                    const std::optional<std::string>& only_run) {
  std::vector<std::string> cut_back;
  std::vector<state::JournalRecord> open;
  for (auto& record : state::list_journals(cfg.paths.temp_dir)) {
    if (ours_to_repair(cfg, record, only_run)) {
      open.push_back(std::move(record));
    }
  }
  // Newest first: a file is judged by the last run that began to append to it.
  std::reverse(open.begin(), open.end());
  std::vector<std::pair<const state::JournalRecord*, std::set<std::string>>> started;
  for (const auto& record : open) {
    auto appends = state::appends_started(record);
    if (!appends.empty()) {
      started.emplace_back(&record, std::move(appends));
    }
  }
  if (started.empty()) {
    return cut_back;
  }
  const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id,
                                            "sync --apply (checking an interrupted run's appends)", clock);
  std::set<std::string> judged;
  std::vector<std::string> foreign;
  for (const auto& [record, appends] : started) {
    std::vector<state::JournalAction> actions;
    try {
      actions = state::load_journal_actions(*record);
    } catch (const FailSafeError& e) {
      // Nothing tells how far it got: the plan takes each file as it is (a
      // partial tail that is the source's bytes is a shorter start of it,
      // fast-forwarded again; any other is a divergence, for conflict.policy).
      log::warn(fmt::format("cannot check what an interrupted run appended: {}", e.what()), {{"journal", record->id}});
      continue;
    }
    for (const auto& action : actions) {
      const auto key = state::append_key(action.destination, action.path);
      if (!action.append_from || !action.new_state || appends.count(key) == 0 || !judged.insert(key).second) {
        continue;  // not begun by that run, or judged by a later one
      }
      const auto dest = detail::file_on(cfg, action.destination, action.path);
      const auto source = detail::file_on(cfg, other(action.destination), action.path);
      const auto repair = apply::repair_append(source, dest, *action.append_from, action.new_state->size,
                                               action.old_mtime_ns, action.new_state->mtime_ns);
      switch (repair.outcome) {
      case apply::AppendRepair::Outcome::cut_back:
        log::file_action(log::Level::warning, "cut back", action.path, side_name(action.destination), repair.note,
                         {{"journal", record->id}});
        cut_back.push_back(repair.note);
        break;
      case apply::AppendRepair::Outcome::foreign:
        foreign.push_back(fmt::format("{} (run {})", repair.note, record->id));
        break;
      case apply::AppendRepair::Outcome::untouched:
      case apply::AppendRepair::Outcome::complete:
        break;
      }
    }
  }
  if (!foreign.empty()) {
    throw FailSafeError(fmt::format(
      "an interrupted run was appending to {} file(s) that changed afterwards, so it cannot tell its own bytes "
      "from others: {}. Nothing was changed. Look at each: its first bytes are its content before that run; keep "
      "what you want in it, then run `codexsync recover close ID` with the run's id and sync again",
      foreign.size(), fmt::join(foreign, "; ")));
  }
  return cut_back;
}

} // namespace codexsync::engine
