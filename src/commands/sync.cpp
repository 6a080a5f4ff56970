#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/log/log.hpp>

#include "cold_gate.hpp"
#include "plan_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

namespace codexsync::commands {
namespace {

// Draws "files, bytes, rate" at most four times a second on a terminal.
class ProgressLine {
public:
  explicit ProgressLine(std::ostream& out) : m_out(out), m_start(std::chrono::steady_clock::now()) {}

  void update(const engine::Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(250) && p.files_done != p.files_total) {
      return;
    }
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const auto rate = seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(p.bytes_done) / seconds) : 0;
    m_out << fmt::format("\r  {}/{} files, {} of {}, {}/s   ", p.files_done, p.files_total, human_bytes(p.bytes_done),
                         human_bytes(p.bytes_total), human_bytes(rate))
          << std::flush;
    m_drawn = true;
  }
  void finish() {
    if (m_drawn) {
      m_out << '\n';
    }
  }

private:
  std::ostream& m_out;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last{};
  bool m_drawn = false;
};

class SyncCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"sync"}; }
  std::string summary() const override {
    return "Sync the agent's state with the cloud folder (a dry run unless --apply)";
  }
  std::string example() const override { return "codexsync sync --apply"; }
  void add_options(CLI::App& app) override {
    auto* dry_run = app.add_flag("--dry-run", m_dry_run,
                                 "Only show what would happen (the default unless sync.dry_run_default = false)");
    app.add_flag("--apply", m_apply, "Write: back up, copy and delete as planned")->excludes(dry_run);
  }

  ExitCode run(Context& ctx) override {
    auto* facts = run_facts(ctx);
    if (facts != nullptr) {
      facts->mode = m_apply ? "apply" : m_dry_run ? "dry-run" : "";  // before the config can fail
    }
    const auto& cfg = ctx.config();
    const bool apply = m_apply || (!m_dry_run && !cfg.sync.dry_run_default);
    if (facts != nullptr) {
      facts->mode = apply ? "apply" : "dry-run";
    }
    if (apply) {
      config::require_writable(cfg);
    }
    ctx.start_file_logging();
    ColdGate gate(ctx, cfg);
    if (apply) {
      gate.require();  // before looking: the plan must not be made while the agent writes
    }
    auto prepared = engine::prepare(cfg, state::install_id(util::user_state_dir(ctx.env())));
    prepared.volatile_plan = !apply && agent_running_now(cfg);
    const bool json = ctx.global().json;
    if (!json) {
      print_plan(ctx, cfg, prepared);
    }
    if (prepared.plan.has_conflicts()) {
      note_conflicts(facts, cfg, prepared.plan);
      if (json) {
        ctx.out() << plan_json(cfg, prepared).dump(2) << '\n';
      }
      refuse_conflicts(cfg, prepared);
    }
    if (!apply) {
      if (json) {
        auto doc = plan_json(cfg, prepared);
        doc["applied"] = false;
        ctx.out() << doc.dump(2) << '\n';
      } else {
        ctx.out() << "Dry run: nothing was written. Run `codexsync sync --apply` to carry it out.\n";
      }
      return ExitCode::ok;
    }
    log::info("sync started", {{"actions", std::to_string(prepared.plan.actions.size())}});
    ProgressLine progress(ctx.out());
    engine::ApplyHooks hooks;
    if (ctx.interactive()) {
      hooks.on_progress = [&progress](const engine::Progress& p) { progress.update(p); };
    }
    hooks.before_write = [&gate] { gate.check_now(); };
    const auto report = engine::apply(cfg, prepared, ctx.clock(), hooks);
    progress.finish();
    note_result(facts, report);
    log::info("sync finished", {{"copied", std::to_string(report.copied)},
                                {"deleted", std::to_string(report.deleted)},
                                {"backed_up", std::to_string(report.backed_up)},
                                {"journal", report.journal_id}});
    print_report(ctx, cfg, prepared, report);
    if (!report.failed.empty()) {
      throw RuntimeError(fmt::format("{} file(s) could not be written and were left as they were (the other "
                                     "changes were synced):\n  {}\nFix each as the message says and run again",
                                     report.failed.size(), fmt::join(report.failed, "\n  ")));
    }
    if (!report.changed_meanwhile.empty()) {
      throw FailSafeError(fmt::format("{} file(s) changed while syncing and were left as they were: {}. Is the "
                                      "agent running? Close it and run `codexsync sync --apply` again",
                                      report.changed_meanwhile.size(), fmt::join(report.changed_meanwhile, ", ")));
    }
    return ExitCode::ok;
  }

private:
  static void note_conflicts(RunFacts* facts, const config::Config& cfg, const plan::Plan& plan) {
    if (facts == nullptr) {
      return;
    }
    facts->counts.conflicts = plan.count(plan::ActionKind::conflict);
    if (!cfg.conflict.report_conflicts) {
      return;  // the paths stay hidden, in the record too
    }
    for (const auto& action : plan.actions) {
      if (action.kind == plan::ActionKind::conflict) {
        facts->conflicts.push_back(action.path);
      }
    }
  }

  static void note_result(RunFacts* facts, const engine::ApplyReport& r) {
    if (facts == nullptr) {
      return;
    }
    facts->counts.copied_to_cloud = r.copied_to_cloud;
    facts->counts.copied_to_local = r.copied_to_local;
    facts->counts.deleted = r.deleted;
    facts->counts.backed_up = r.backed_up;
    facts->counts.bytes_copied = r.bytes_copied;
    facts->counts.failed = r.failed.size();
    facts->counts.changed_meanwhile = r.changed_meanwhile.size();
    if (!r.failed.empty()) {
      facts->first_error = r.failed.front();
    }
  }

  static void print_report(Context& ctx, const config::Config& cfg, const engine::Prepared& prepared,
                           const engine::ApplyReport& r) {
    if (ctx.global().json) {
      auto doc = plan_json(cfg, prepared);
      doc["applied"] = true;
      doc["result"] = {{"copied", r.copied},
                       {"deleted", r.deleted},
                       {"backed_up", r.backed_up},
                       {"bytes_copied", r.bytes_copied},
                       {"snapshot", r.snapshot},
                       {"journal", r.journal_id},
                       {"fast_forwarded", r.fast_forwarded},
                       {"merged", r.merged},
                       {"new_chats", r.new_chats},
                       {"conflicts_kept", kept_json(r)},
                       {"changed_meanwhile", r.changed_meanwhile},
                       {"settled_journals", r.closed_journals},
                       {"pruned_snapshots", r.pruned_snapshots}};
      ctx.out() << doc.dump(2) << '\n';
      return;
    }
    auto& out = ctx.out();
    out << fmt::format("Done: {} copied ({}), {} deleted, {} backed up", r.copied, human_bytes(r.bytes_copied),
                       r.deleted, r.backed_up);
    if (!r.snapshot.empty()) {
      out << " into snapshot " << r.snapshot;
    }
    out << ".\n";
    if (r.fast_forwarded > 0 || r.merged > 0) {
      out << fmt::format("{} append-only file(s) fast-forwarded (only their new tail copied), {} merged line by "
                         "line.\n",
                         r.fast_forwarded, r.merged);
    }
    if (r.new_chats > 0) {
      out << fmt::format("{} new chat(s) arrived from the cloud.", r.new_chats);
      if (cfg.agent.kind == config::AgentKind::codex) {
        out << " If Codex does not list them, see \"Chats from another machine\" in docs/operations.md "
               "(start with `codex resume --all`).";
      }
      out << '\n';
    }
    for (const auto& kept : r.conflicts_kept) {
      out << fmt::format("Conflict settled by conflict.policy: the losing version of {} is kept as {}; "
                         "`codexsync conflicts restore {}` brings it back.\n",
                         kept.path, kept.id, kept.id);
    }
    for (const auto& id : r.closed_journals) {
      out << "An earlier interrupted run (" << id << ") is now settled.\n";
    }
  }

  static nlohmann::json kept_json(const engine::ApplyReport& r) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& k : r.conflicts_kept) {
      kept.push_back({{"path", k.path}, {"id", k.id}});
    }
    return kept;
  }

  bool m_dry_run = false;
  bool m_apply = false;
};

} // namespace

std::unique_ptr<Command> make_sync() { return std::make_unique<SyncCommand>(); }

} // namespace codexsync::commands
