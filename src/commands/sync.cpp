#include <codexsync/commands/command.hpp>

#include "not_available.hpp"

#include <CLI/CLI.hpp>

namespace codexsync::commands {
namespace {

class SyncCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"sync"}; }
  std::string summary() const override { return "Sync the agent's state with the cloud folder (dry run unless --apply)"; }
  std::string example() const override { return "codexsync sync --apply"; }
  void add_options(CLI::App& app) override {
    auto* dry_run = app.add_flag("--dry-run", m_dry_run, "Only show what would happen (the default unless sync.dry_run_default = false)");
    app.add_flag("--apply", m_apply, "Write: copy, back up, delete as planned")->excludes(dry_run);
  }
  ExitCode run(Context& /*ctx*/) override { not_available("sync", "the sync engine"); }

private:
  bool m_dry_run = false;
  bool m_apply = false;
};

} // namespace

std::unique_ptr<Command> make_sync() { return std::make_unique<SyncCommand>(); }

} // namespace codexsync::commands
