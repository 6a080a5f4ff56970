#include <codexsync/agent/profile.hpp>
#include <codexsync/commands/command.hpp>
#include <codexsync/config/discovery.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

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

  // A config with [profiles.<name>] and no --profile: every profile (and the
  // top level when it is a config of its own) is checked in turn.
  ExitCode run(Context& ctx) override {
    std::vector<std::optional<std::string>> units;
    if (!ctx.global().profile) {
      const auto& discovery = config::discover_config(ctx.global().config_file, ctx.env());
      const auto list = config::list_profiles_file(discovery.path, ctx.env());
      if (!list.names.empty()) {
        if (list.top_level) {
          units.emplace_back(std::nullopt);
        }
        units.insert(units.end(), list.names.begin(), list.names.end());
      }
    }
    if (units.empty()) {
      nlohmann::json doc;
      run_one(ctx, ctx.global().json ? &doc : nullptr);
      if (ctx.global().json) {
        ctx.out() << doc.dump(2) << '\n';
      }
      return ExitCode::ok;
    }
    bool all_valid = true;
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& unit : units) {
      GlobalOptions global = ctx.global();
      global.profile = unit;
      Context child(ctx.env(), global, ctx.out(), ctx.err(), ctx.clock());
      const auto label = unit ? "profile " + *unit : std::string("top level");
      if (!ctx.global().json) {
        ctx.out() << "== " << label << " ==\n";
      }
      nlohmann::json doc;
      try {
        run_one(child, ctx.global().json ? &doc : nullptr);
      } catch (const ConfigError& e) {
        all_valid = false;
        for (const auto& line : e.problems()) {
          ctx.err() << line << '\n';
        }
        ctx.err() << "codexsync: the config of the " << label << " is invalid (exit 4); fix the lines above\n";
        doc = {{"valid", false}, {"problems", e.problems()}};
        if (!ctx.global().json) {
          ctx.out() << "INVALID: the problems are listed on stderr\n";
        }
      }
      doc["profile"] = unit ? nlohmann::json(*unit) : nlohmann::json();
      docs.push_back(std::move(doc));
    }
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"valid", all_valid}, {"profiles", docs}}.dump(2) << '\n';
    }
    return all_valid ? ExitCode::ok : ExitCode::invalid_config;
  }

private:
  // Checks one config (or profile): its summary on out, or its document in
  // `doc` (--json). Throws ConfigError when it is invalid.
  static void run_one(Context& ctx, nlohmann::json* doc) {
    const auto& cfg = ctx.config();
    // A config that loads but could not be used by `sync --apply` is not valid.
    config::require_writable(cfg);
    if (doc != nullptr) {
      *doc = {{"valid", true},
              {"file", util::display_path(cfg.source_file)},
              {"origin", config::to_string(ctx.discovery().origin)},
              {"warnings", ctx.config_warnings()},
              {"agent", config::to_string(cfg.agent.kind)},
              {"profile", cfg.agent.profile.empty() ? nlohmann::json() : nlohmann::json(cfg.agent.profile)},
              {"machine_id", cfg.identity.effective_machine_id},
              {"local_state_dir", util::display_path(cfg.paths.local_state_dir)},
              {"local_state_dir_source", cfg.paths.local_state_dir_origin},
              {"cloud_root_dir", util::display_path(cfg.paths.cloud_root_dir)},
              {"backup_dir", util::display_path(cfg.paths.backup_dir)},
              {"temp_dir", util::display_path(cfg.paths.temp_dir)},
              {"manifest_file", optional_path(cfg.state.manifest_file)},
              {"log_file", optional_path(cfg.logging.file)},
              {"include_roots", cfg.targets.include_roots},
              {"never_sync_globs", cfg.filters.never_sync_globs},
              {"process_names", cfg.process_detection.process_names}};
      return;
    }
    auto& out = ctx.out();
    out << "Config is valid: " << util::display_path(cfg.source_file) << " (found via "
        << config::to_string(ctx.discovery().origin) << ")\n"
        << "  agent:              " << agent::profile(cfg.agent.kind).title
        << (cfg.agent.profile.empty() ? std::string() : " (profile " + cfg.agent.profile + ")") << '\n'
        << "  machine id:         " << cfg.identity.effective_machine_id
        << (cfg.identity.machine_id.empty() ? " (host name; set identity.machine_id)" : "") << '\n'
        << "  agent state folder: " << util::display_path(cfg.paths.local_state_dir) << " (from "
        << cfg.paths.local_state_dir_origin << ")\n"
        << "  cloud mirror:       " << util::display_path(cfg.paths.cloud_root_dir) << '\n'
        << "  backups:            " << util::display_path(cfg.paths.backup_dir) << '\n'
        << "  temp:               " << util::display_path(cfg.paths.temp_dir) << '\n'
        << "  manifest:           " << optional_path(cfg.state.manifest_file) << '\n'
        << "  log file base:      " << optional_path(cfg.logging.file) << '\n'
        << "  include roots:      " << util::join(cfg.targets.include_roots, ", ") << '\n'
        << "  agent running when: "
        << (cfg.process_detection.process_names.empty() ? std::string("(no names: path markers only)")
                                                        : util::join(cfg.process_detection.process_names, ", "))
        << '\n';
    if (!ctx.config_warnings().empty()) {
      out << ctx.config_warnings().size() << " warning(s), shown above on stderr\n";
    }
  }
};

} // namespace

std::unique_ptr<Command> make_validate() { return std::make_unique<ValidateCommand>(); }

} // namespace codexsync::commands
