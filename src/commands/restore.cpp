#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/engine/restore.hpp>

#include "restore_output.hpp"

#include <CLI/CLI.hpp>

namespace codexsync::commands {
namespace {

class RestoreCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"restore"}; }
  std::string summary() const override {
    return "Put files back from a verified backup snapshot (a dry run unless --apply)";
  }
  std::string example() const override {
    return "codexsync restore --from machine-a-20261124T100000Z-0a1b2c3d4e5f --target local --apply";
  }
  void add_options(CLI::App& app) override {
    app.add_option("--from", m_from, "Snapshot name (default: this machine's newest complete one)");
    app.add_option("--target", m_target, "Which side to restore: local (default) or cloud")
      ->check(CLI::IsMember({"local", "cloud"}));
    auto* dry_run = app.add_flag("--dry-run", m_dry_run, "Only show what would be restored (the default)");
    app.add_flag("--apply", m_apply, "Write the restored files")->excludes(dry_run);
  }

  ExitCode run(Context& ctx) override {
    if (auto* facts = run_facts(ctx)) {
      facts->mode = m_apply ? "apply" : "dry-run";
    }
    const auto& cfg = ctx.config();
    ctx.start_file_logging();
    const auto target = m_target == "cloud" ? Side::cloud : Side::local;
    const auto plan = engine::plan_restore(cfg, m_from.empty() ? std::nullopt : std::optional(m_from), target);
    return run_restore_plan(ctx, plan, m_apply, "Restore");
  }

private:
  std::string m_from;
  std::string m_target = "local";
  bool m_dry_run = false;
  bool m_apply = false;
};

} // namespace

std::unique_ptr<Command> make_restore() { return std::make_unique<RestoreCommand>(); }

} // namespace codexsync::commands
