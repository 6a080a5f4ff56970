#include <codexsync/backup/snapshot.hpp>
#include <codexsync/commands/command.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include "plan_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

std::string created_text(const backup::SnapshotInfo& s) {
  return s.created ? util::utc_timestamp(*s.created).substr(0, 19) + "Z" : std::string("?");
}

class BackupsListCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"backups", "list"}; }
  std::string summary() const override {
    return "List backup snapshots, newest first, with any problem found (reads manifests only)";
  }
  std::string example() const override { return "codexsync backups list --json"; }
  void add_options(CLI::App& app) override { (void)app; }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto snapshots = backup::list_snapshots(cfg.paths.backup_dir);
    if (ctx.global().json) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : snapshots) {
        list.push_back({{"name", s.name},
                        {"machine", s.machine},
                        {"created", created_text(s)},
                        {"compression", s.zip ? "zip" : "none"},
                        {"files", s.files},
                        {"bytes", s.bytes},
                        {"complete", s.complete()},
                        {"problems", s.problems},
                        {"this_machine", s.machine == cfg.identity.effective_machine_id}});
      }
      ctx.out() << nlohmann::json{{"backup_dir", util::display_path(cfg.paths.backup_dir)}, {"snapshots", list}}.dump(2)
                << '\n';
      return ExitCode::ok;
    }
    auto& out = ctx.out();
    if (snapshots.empty()) {
      out << "No backups in " << util::display_path(cfg.paths.backup_dir) << ".\n";
      return ExitCode::ok;
    }
    std::size_t width = 4;
    for (const auto& s : snapshots) {
      width = std::max(width, s.name.size());
    }
    out << fmt::format("{:<{}}  {:<20}  {:>6}  {:>10}  {}\n", "name", width, "created (UTC)", "files", "bytes",
                       "state");
    for (const auto& s : snapshots) {
      out << fmt::format("{:<{}}  {:<20}  {:>6}  {:>10}  {}\n", s.name, width, created_text(s), s.files,
                         human_bytes(s.bytes), s.complete() ? "complete" : fmt::format("{}", fmt::join(s.problems, "; ")));
    }
    return ExitCode::ok;
  }
};

} // namespace

std::unique_ptr<Command> make_backups_list() { return std::make_unique<BackupsListCommand>(); }

} // namespace codexsync::commands
