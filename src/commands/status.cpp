#include <codexsync/commands/command.hpp>

#include "not_available.hpp"

#include <CLI/CLI.hpp>

namespace codexsync::commands {
namespace {

class StatusCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"status"}; }
  std::string summary() const override { return "Show the last run, the last successful sync and open conflicts"; }
  std::string example() const override { return "codexsync status"; }
  void add_options(CLI::App& app) override {
    (void)app;
  }
  ExitCode run(Context& /*ctx*/) override { not_available("status", "the run record"); }

private:

};

} // namespace

std::unique_ptr<Command> make_status() { return std::make_unique<StatusCommand>(); }

} // namespace codexsync::commands
