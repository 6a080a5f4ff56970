#include <codexsync/commands/command.hpp>

#include "not_available.hpp"

#include <CLI/CLI.hpp>

namespace codexsync::commands {
namespace {

class BackupsListCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"backups", "list"}; }
  std::string summary() const override { return "List this machine's backup snapshots, newest first"; }
  std::string example() const override { return "codexsync backups list --json"; }
  void add_options(CLI::App& app) override {
    (void)app;
  }
  ExitCode run(Context& /*ctx*/) override { not_available("backups list", "the backup store"); }

private:

};

} // namespace

std::unique_ptr<Command> make_backups_list() { return std::make_unique<BackupsListCommand>(); }

} // namespace codexsync::commands
