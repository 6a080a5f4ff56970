#include <codexsync/commands/command.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/restore.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/state/run_lock.hpp>

#include "cold_gate.hpp"
#include "restore_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

state::JournalRecord find_open(const config::Config& cfg, const std::string& id) {
  for (auto& record : state::list_journals(cfg.paths.temp_dir)) {
    if (record.id == id) {
      if (!record.open()) {
        throw UsageError(fmt::format("run {} is already {}; nothing to recover", id, state::to_string(record.state)));
      }
      return record;
    }
  }
  throw UsageError(fmt::format("no run {} in {}; see `codexsync recover list`", id,
                               (cfg.paths.temp_dir / "journals").string()));
}

class RecoverListCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"recover", "list"}; }
  std::string summary() const override { return "List runs that did not finish (killed, failed) and how to close them"; }
  std::string example() const override { return "codexsync recover list"; }
  void add_options(CLI::App& app) override { app.add_flag("--all", m_all, "Also list finished runs"); }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto& machine = cfg.identity.effective_machine_id;
    nlohmann::json list = nlohmann::json::array();
    std::size_t shown = 0;
    for (const auto& r : state::list_journals(cfg.paths.temp_dir)) {
      if (!m_all && !r.open()) {
        continue;
      }
      ++shown;
      const bool mine = r.machine == machine;
      if (ctx.global().json) {
        list.push_back({{"id", r.id}, {"machine", r.machine}, {"command", r.command},
                        {"state", state::to_string(r.state)}, {"started", r.started}, {"snapshot", r.snapshot},
                        {"writes", r.action_count}, {"note", r.note}, {"this_machine", mine}});
        continue;
      }
      ctx.out() << fmt::format("{}  {}  {}  {} write(s), stopped at {}{}\n", r.id, r.started, r.command,
                               r.action_count, state::to_string(r.state), r.note.empty() ? "" : ": " + r.note);
      if (r.open()) {
        ctx.out() << (mine ? fmt::format("    the next `sync --apply` settles it; `recover rollback {} --apply` "
                                         "undoes it instead\n",
                                         r.id)
                           : std::string("    another machine's run: recover it there\n"));
      }
    }
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"runs", list}}.dump(2) << '\n';
    } else if (shown == 0) {
      ctx.out() << "No unfinished runs.\n";
    }
    return ExitCode::ok;
  }

private:
  bool m_all = false;
};

class RecoverRollbackCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"recover", "rollback"}; }
  std::string summary() const override {
    return "Undo an unfinished run from its journal and backup (a dry run unless --apply)";
  }
  std::string example() const override { return "codexsync recover rollback machine-a-20261124T100000Z-1a2b3c4d --apply"; }
  void add_options(CLI::App& app) override {
    app.add_option("id", m_id, "The run's id (see `codexsync recover list`)")->required();
    app.add_option("--target", m_target, "Only this side: local or cloud (default: both)")
      ->check(CLI::IsMember({"local", "cloud"}));
    auto* dry_run = app.add_flag("--dry-run", m_dry_run, "Only show what would be undone (the default)");
    app.add_flag("--apply", m_apply, "Undo it")->excludes(dry_run);
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    ctx.start_file_logging();
    const auto record = find_open(cfg, m_id);
    const std::optional<Side> target = m_target.empty()         ? std::nullopt
                                       : m_target == "cloud" ? std::optional(Side::cloud)
                                                             : std::optional(Side::local);
    if (m_apply) {
      // A chat the run left half-appended is wholly old again first (or the
      // rollback stops, exit 5, when others wrote to it since); never while
      // the agent runs.
      ColdGate(ctx, cfg).require();
      engine::repair_interrupted_appends(cfg, ctx.clock(), record.id);
    }
    const auto plan = engine::plan_rollback(cfg, record, target);
    const auto code = run_restore_plan(ctx, plan, m_apply, "Rollback of run " + record.id);
    if (!m_apply) {
      return code;
    }
    if (!engine::settles_run(plan)) {
      throw FailSafeError(fmt::format("run {} was rolled back only in part: the items marked refused above need a "
                                      "person (a missing backup, a link where a file was). It stays listed by "
                                      "`codexsync recover list`",
                                      record.id));
    }
    state::close_journal(record, state::JournalState::closed, "rolled back", ctx.clock());
    return code;
  }

private:
  std::string m_id;
  std::string m_target;
  bool m_dry_run = false;
  bool m_apply = false;
};

class RecoverResumeCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"recover", "resume"}; }
  std::string summary() const override {
    return "Finish an unfinished run: plans again from what it left and syncs (a dry run unless --apply)";
  }
  std::string example() const override { return "codexsync recover resume machine-a-20261124T100000Z-1a2b3c4d --apply"; }
  void add_options(CLI::App& app) override {
    app.add_option("id", m_id, "The run's id (see `codexsync recover list`)")->required();
    auto* dry_run = app.add_flag("--dry-run", m_dry_run, "Only show the plan (the default)");
    app.add_flag("--apply", m_apply, "Carry it out")->excludes(dry_run);
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto record = find_open(cfg, m_id);
    if (record.machine != cfg.identity.effective_machine_id) {
      throw FailSafeError(fmt::format("run {} belongs to machine \"{}\"; resume it there", record.id, record.machine));
    }
    // Every write is atomic and the baseline is saved last, so planning again
    // from what the run left finishes it; a successful apply settles the journal.
    auto sync = make_sync();
    CLI::App app;
    sync->add_options(app);
    app.parse(std::string(m_apply ? "--apply" : "--dry-run"), false);
    return sync->run(ctx);
  }

private:
  std::string m_id;
  bool m_dry_run = false;
  bool m_apply = false;
};

class RecoverCloseCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"recover", "close"}; }
  std::string summary() const override {
    return "Mark an unfinished run as dealt with, changing no file (after you looked at what it left)";
  }
  std::string example() const override { return "codexsync recover close machine-a-20261124T100000Z-1a2b3c4d"; }
  void add_options(CLI::App& app) override {
    app.add_option("id", m_id, "The run's id (see `codexsync recover list`)")->required();
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    ctx.start_file_logging();
    const auto record = find_open(cfg, m_id);
    if (record.machine != cfg.identity.effective_machine_id) {
      throw FailSafeError(fmt::format("run {} belongs to machine \"{}\"; close it there", record.id, record.machine));
    }
    // Not while a run is under way (its own journal is open until it ends).
    const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id, "recover close",
                                              ctx.clock());
    state::close_journal(record, state::JournalState::closed, "closed by hand (recover close)", ctx.clock());
    log::info("an unfinished run was closed by hand", {{"journal", record.id}});
    ctx.out() << fmt::format("Run {} closed; no file was changed. The next sync plans from what the folders hold.\n",
                             record.id);
    return ExitCode::ok;
  }

private:
  std::string m_id;
};

} // namespace

std::unique_ptr<Command> make_recover_list() { return std::make_unique<RecoverListCommand>(); }
std::unique_ptr<Command> make_recover_resume() { return std::make_unique<RecoverResumeCommand>(); }
std::unique_ptr<Command> make_recover_rollback() { return std::make_unique<RecoverRollbackCommand>(); }
std::unique_ptr<Command> make_recover_close() { return std::make_unique<RecoverCloseCommand>(); }

} // namespace codexsync::commands
