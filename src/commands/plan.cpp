#include <codexsync/commands/command.hpp>

#include "not_available.hpp"

#include <CLI/CLI.hpp>

namespace codexsync::commands {
namespace {

class PlanCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"plan"}; }
  std::string summary() const override { return "Show what a sync would copy, back up and delete, without writing"; }
  std::string example() const override { return "codexsync plan --json"; }
  void add_options(CLI::App& app) override {
    (void)app;
  }
  ExitCode run(Context& /*ctx*/) override { not_available("plan", "the sync engine (scan, three-way planner)"); }

private:

};

} // namespace

std::unique_ptr<Command> make_plan() { return std::make_unique<PlanCommand>(); }

} // namespace codexsync::commands
