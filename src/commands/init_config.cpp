#include <codexsync/agent/profile.hpp>
#include <codexsync/commands/command.hpp>
#include <codexsync/config/discovery.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/config/template.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>

namespace codexsync::commands {
namespace {

namespace fs = std::filesystem;

// A path typed on the command line, made absolute against the working folder
// so the config means the same from anywhere. `~` is left for the loader.
std::string absolute_text(const std::string& raw, const util::Environment& env) {
  if (raw == "~" || util::starts_with(raw, "~/") || util::starts_with(raw, "~\\")) {
    return raw;
  }
  const auto path = util::path_from_utf8(raw);
  return util::display_path(path.is_absolute() ? path.lexically_normal() : (env.cwd / path).lexically_normal());
}

class InitConfigCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"init-config"}; }
  std::string summary() const override { return "Write a commented config file to start from"; }
  std::string example() const override {
    return "codexsync init-config --machine-id laptop --workspace-root ~/Dropbox/codexsync";
  }
  void add_options(CLI::App& app) override {
    app.add_option("--output,-o", m_output,
                   "Where to write it (default: -c, else $CODEXSYNC_CONFIG, else the user config folder)");
    app.add_flag("--force", m_force, "Replace an existing file (the old one is kept beside it as .bak-<time>)");
    app.add_option("--machine-id", m_machine_id, "This machine's stable unique name (default: the host name)");
    app.add_option("--agent", m_agent,
                   "The agent the file is for: codex (default), claude, gemini or pi; sets [agent] kind, its "
                   "include_roots, exclude_globs and process names");
    app.add_option("--local-state-dir", m_local_state_dir,
                   "The agent's state folder (default: the agent's variable, e.g. $CODEX_HOME, then its folder in "
                   "the home folder, e.g. ~/.codex)");
    app.add_option("--workspace-root", m_workspace_root, "Your cloud-synced folder for codexsync");
  }

  ExitCode run(Context& ctx) override {
    const auto& env = ctx.env();
    const auto target = m_output.empty() ? config::default_config_path(ctx.global().config_file, env)
                                         : config::default_config_path(util::path_from_utf8(m_output), env);
    config::TemplateValues values;
    values.os = env.os;
    if (!m_agent.empty()) {
      const auto kind = agent::parse_kind(m_agent);
      if (!kind || *kind == config::AgentKind::custom) {
        throw UsageError(fmt::format("--agent {}: init-config writes a file for codex, claude, gemini or pi. For "
                                     "another agent start from one of them, set [agent] kind = \"custom\" and "
                                     "list its local_state_dir, include_roots and process_names",
                                     m_agent));
      }
      values.agent = *kind;
    }
    values.machine_id = m_machine_id.empty() ? util::sanitize_file_component(util::host_name(), "machine-a")
                                             : m_machine_id;
    if (!m_local_state_dir.empty()) {
      values.local_state_dir = absolute_text(m_local_state_dir, env);
    }
    if (!m_workspace_root.empty()) {
      values.workspace_root_dir = absolute_text(m_workspace_root, env);
    }
    const auto text = config::render_template(values);
    // The result must pass `validate`; check before anything is written.
    const auto loaded = config::load_config_text(text, target, env);

    std::error_code ec;
    const bool exists = fs::exists(target, ec);
    if (exists && !m_force) {
      throw UsageError(fmt::format("{} already exists; codexsync will not overwrite it. Pass --force to replace "
                                   "it (the old file is kept beside it), or choose another --output",
                                   util::display_path(target)));
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      throw RuntimeError(fmt::format("cannot create the folder {} ({}); create it or choose another --output",
                                     util::display_path(target.parent_path()), ec.message()));
    }
    std::optional<fs::path> kept;
    if (exists) {
      kept = keep_copy(target, ctx.clock());
    }
    util::write_file_atomic(target, text, ec, 0600);
    if (ec) {
      throw RuntimeError(fmt::format("cannot write {} ({}); check the folder's permissions and free space",
                                     util::display_path(target), ec.message()));
    }
    report(ctx, target, kept, loaded.config);
    return ExitCode::ok;
  }

private:
  // Copies the existing file to `<file>.bak-<UTC time>[-N]`, never over an
  // earlier copy. Throws RuntimeError (nothing changed) when it cannot.
  static fs::path keep_copy(const fs::path& target, const util::Clock& clock) {
    auto stamp = util::utc_timestamp(clock.now()).substr(0, 19);
    std::replace(stamp.begin(), stamp.end(), ':', '-');  // ':' is not allowed in Windows names
    std::error_code ec;
    for (int n = 0; n < 1000; ++n) {
      auto kept = target;
      kept.concat(".bak-" + stamp + (n == 0 ? std::string() : "-" + std::to_string(n)));
      if (fs::exists(kept, ec)) {
        continue;
      }
      fs::copy_file(target, kept, fs::copy_options::none, ec);
      if (ec) {
        throw RuntimeError(fmt::format("cannot keep a copy of {} at {} ({}); nothing was changed",
                                       util::display_path(target), util::display_path(kept), ec.message()));
      }
      return kept;
    }
    throw RuntimeError(fmt::format("too many kept copies of {}; remove old .bak- files and run again",
                                   util::display_path(target)));
  }

  static void report(Context& ctx, const fs::path& target, const std::optional<fs::path>& kept,
                     const config::Config& cfg) {
    if (ctx.global().json) {
      nlohmann::json doc{{"written", util::display_path(target)},
                         {"machine_id", cfg.identity.machine_id},
                         {"agent", config::to_string(cfg.agent.kind)},
                         {"local_state_dir", util::display_path(cfg.paths.local_state_dir)},
                         {"cloud_root_dir", util::display_path(cfg.paths.cloud_root_dir)}};
      if (kept) {
        doc["previous_kept_as"] = util::display_path(*kept);
      }
      ctx.out() << doc.dump(2) << '\n';
      return;
    }
    auto& out = ctx.out();
    out << "Wrote " << util::display_path(target) << '\n';
    if (kept) {
      out << "The previous file is kept as " << util::display_path(*kept) << '\n';
    }
    if (const auto& note = agent::profile(cfg.agent.kind).retention_note; !note.empty()) {
      out << "IMPORTANT: " << note << '\n';
    }
    out << "  machine id:        " << cfg.identity.machine_id << '\n'
        << "  agent:             " << agent::profile(cfg.agent.kind).title << '\n'
        << "  agent state folder: " << util::display_path(cfg.paths.local_state_dir) << " (from "
        << cfg.paths.local_state_dir_origin << ")\n"
        << "  cloud mirror:      " << util::display_path(cfg.paths.cloud_root_dir) << '\n'
        << "Next: check paths.workspace_root_dir points at your cloud-synced folder, then run\n"
        << "  codexsync -c " << util::display_path(target) << " validate\n";
  }

  std::string m_output;
  std::string m_agent;
  bool m_force = false;
  std::string m_machine_id;
  std::string m_local_state_dir;
  std::string m_workspace_root;
};

} // namespace

std::unique_ptr<Command> make_init_config() { return std::make_unique<InitConfigCommand>(); }

} // namespace codexsync::commands
