#include <codexsync/commands/command.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

std::string optional_path(const std::optional<std::filesystem::path>& path) {
  return path ? util::display_path(*path) : std::string("(not set)");
}

class ValidateCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"validate"}; }
  std::string summary() const override {
    return "Check the config file: syntax, types, allowed values, folder layout";
  }
  std::string example() const override { return "codexsync -c ~/.config/codexsync/config.toml validate"; }
  void add_options(CLI::App& app) override { (void)app; }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    // A config that loads but could not be used by `sync --apply` is not valid.
    config::require_writable(cfg);
    if (ctx.global().json) {
      nlohmann::json doc{{"valid", true},
                         {"file", util::display_path(cfg.source_file)},
                         {"origin", config::to_string(ctx.discovery().origin)},
                         {"warnings", ctx.config_warnings()},
                         {"machine_id", cfg.identity.effective_machine_id},
                         {"local_state_dir", util::display_path(cfg.paths.local_state_dir)},
                         {"local_state_dir_source", config::to_string(cfg.paths.local_state_dir_source)},
                         {"cloud_root_dir", util::display_path(cfg.paths.cloud_root_dir)},
                         {"backup_dir", util::display_path(cfg.paths.backup_dir)},
                         {"temp_dir", util::display_path(cfg.paths.temp_dir)},
                         {"manifest_file", optional_path(cfg.state.manifest_file)},
                         {"log_file", optional_path(cfg.logging.file)},
                         {"include_roots", cfg.targets.include_roots}};
      ctx.out() << doc.dump(2) << '\n';
      return ExitCode::ok;
    }
    auto& out = ctx.out();
    out << "Config is valid: " << util::display_path(cfg.source_file) << " (found via "
        << config::to_string(ctx.discovery().origin) << ")\n"
        << "  machine id:         " << cfg.identity.effective_machine_id
        << (cfg.identity.machine_id.empty() ? " (host name; set identity.machine_id)" : "") << '\n'
        << "  agent state folder: " << util::display_path(cfg.paths.local_state_dir) << " (from "
        << config::to_string(cfg.paths.local_state_dir_source) << ")\n"
        << "  cloud mirror:       " << util::display_path(cfg.paths.cloud_root_dir) << '\n'
        << "  backups:            " << util::display_path(cfg.paths.backup_dir) << '\n'
        << "  temp:               " << util::display_path(cfg.paths.temp_dir) << '\n'
        << "  manifest:           " << optional_path(cfg.state.manifest_file) << '\n'
        << "  log file base:      " << optional_path(cfg.logging.file) << '\n'
        << "  include roots:      ";
    for (std::size_t i = 0; i < cfg.targets.include_roots.size(); ++i) {
      out << (i == 0 ? "" : ", ") << cfg.targets.include_roots[i];
    }
    out << '\n';
    if (!ctx.config_warnings().empty()) {
      out << ctx.config_warnings().size() << " warning(s), shown above on stderr\n";
    }
    return ExitCode::ok;
  }
};

} // namespace

std::unique_ptr<Command> make_validate() { return std::make_unique<ValidateCommand>(); }

} // namespace codexsync::commands
