#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/state/run_lock.hpp>

#include "sides.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

// The first step of a sync that writes: fast-forwards appended in place by a
// run that did not finish are made wholly old again (or found complete).
namespace codexsync::engine {

std::vector<std::string> repair_interrupted_appends(const config::Config& cfg, const util::Clock& clock) {
  std::vector<std::string> cut_back;
  std::vector<state::JournalRecord> open;
  for (auto& record : state::list_journals(cfg.paths.temp_dir)) {
    if (record.open() && record.machine == cfg.identity.effective_machine_id && record.command == "sync") {
      open.push_back(std::move(record));
    }
  }
  if (open.empty()) {
    return cut_back;
  }
  const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id,
                                            "sync --apply (checking an interrupted run's appends)", clock);
  std::vector<std::string> foreign;
  for (const auto& record : open) {
    std::vector<state::JournalAction> actions;
    try {
      actions = state::load_journal_actions(record);
    } catch (const FailSafeError& e) {
      // Nothing tells which files it appended to: the plan takes each as it
      // is (a partial tail that is the source's bytes is a shorter start of
      // it, fast-forwarded again; any other is a divergence, for conflict.policy).
      log::warn(fmt::format("cannot check what an interrupted run appended: {}", e.what()), {{"journal", record.id}});
      continue;
    }
    for (const auto& action : actions) {
      if (!action.append_from || !action.new_state) {
        continue;
      }
      const auto dest = detail::file_on(cfg, action.destination, action.path);
      const auto source = detail::file_on(cfg, other(action.destination), action.path);
      const auto repair =
        apply::repair_append(source, dest, *action.append_from, action.new_state->size, action.old_mtime_ns);
      switch (repair.outcome) {
      case apply::AppendRepair::Outcome::cut_back:
        log::file_action(log::Level::warning, "cut back", action.path, side_name(action.destination), repair.note,
                         {{"journal", record.id}});
        cut_back.push_back(repair.note);
        break;
      case apply::AppendRepair::Outcome::foreign:
        foreign.push_back(fmt::format("{} (run {})", repair.note, record.id));
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
