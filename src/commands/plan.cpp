#include <codexsync/commands/command.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/state/baseline_store.hpp>

#include "cold_gate.hpp"
#include "plan_output.hpp"

#include <CLI/CLI.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

class PlanCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"plan"}; }
  std::string summary() const override {
    return "Show what a sync would copy, back up and delete, and why, without writing";
  }
  std::string example() const override { return "codexsync plan --json"; }
  void add_options(CLI::App& app) override {
    app.add_flag("--full-scan", m_full_scan,
                 "List every file of the cloud mirror, even when no machine has delivered anything since the "
                 "last clean run (see [sync] full_scan_hours)");
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    ctx.start_file_logging();
    auto prepared = engine::prepare(cfg, {.install_id = state::install_id(util::user_state_dir(ctx.env())),
                                          .user_state_dir = util::user_state_dir(ctx.env()),
                                          .full_scan = m_full_scan,
                                          .clock = &ctx.clock()});
    prepared.volatile_plan = agent_running_now(cfg);
    if (ctx.global().json) {
      ctx.out() << plan_json(cfg, prepared).dump(2) << '\n';
    } else {
      print_plan(ctx, cfg, prepared);
    }
    // plan only looks; open conflicts are reported by exit code all the same,
    // and secrets that would stop a sync by the same message and exit code.
    // A sync would stop on these first (exit 5).
    refuse_undelivered(prepared);
    refuse_mass_deletion(cfg, prepared);
    if (prepared.plan.has_conflicts()) {
      return ExitCode::conflict;
    }
    refuse_secrets(cfg, prepared);
    return ExitCode::ok;
  }

private:
  bool m_full_scan = false;
};

} // namespace

std::unique_ptr<Command> make_plan() { return std::make_unique<PlanCommand>(); }

} // namespace codexsync::commands
