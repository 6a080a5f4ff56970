#include <codexsync/commands/command.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/fs.hpp>

#include <filesystem>

#include <ostream>

namespace codexsync::commands {
namespace {

log::Level to_log_level(config::LogLevel level) {
  switch (level) {
  case config::LogLevel::debug: return log::Level::debug;
  case config::LogLevel::info: return log::Level::info;
  case config::LogLevel::warning: return log::Level::warning;
  case config::LogLevel::error: return log::Level::error;
  }
  return log::Level::info;
}

log::Format to_log_format(config::LogFormat format) {
  switch (format) {
  case config::LogFormat::text: return log::Format::text;
  case config::LogFormat::json: return log::Format::json;
  case config::LogFormat::logfmt: return log::Format::logfmt;
  }
  return log::Format::text;
}

} // namespace

Context::Context(util::Environment env, GlobalOptions global, std::ostream& out, std::ostream& err,
                 const util::Clock& clock)
  : m_env(std::move(env)), m_global(std::move(global)), m_out(out), m_err(err), m_clock(clock) {}

void Context::load() {
  if (m_config) {
    return;
  }
  m_discovery = config::discover_config(m_global.config_file, m_env);
  auto result = config::load_config_file(m_discovery->path, m_env, m_global.profile);
  m_warnings = std::move(result.warnings);
  for (const auto& warning : m_warnings) {
    m_err << warning << '\n';
  }
  m_config = std::move(result.config);
  log::debug("config loaded", {{"file", m_discovery->path.string()},
                               {"origin", std::string(config::to_string(m_discovery->origin))}});
}

const config::Config& Context::config() {
  load();
  return *m_config;
}

const config::Discovery& Context::discovery() {
  load();
  return *m_discovery;
}

const std::vector<std::string>& Context::config_warnings() {
  load();
  return m_warnings;
}

void Context::start_file_logging() {
  const auto& cfg = config();
  log::Settings settings;
  settings.level = m_global.verbose ? log::Level::debug : to_log_level(cfg.logging.level);
  // The terminal gets warnings and errors; the file gets the configured level.
  settings.stderr_level = m_global.verbose ? log::Level::debug : log::Level::warning;
  settings.machine = cfg.identity.effective_machine_id;
  std::error_code ec;
  const bool workspace_missing =
    cfg.paths.workspace_root_dir && !std::filesystem::is_directory(*cfg.paths.workspace_root_dir, ec);
  if (cfg.logging.file && workspace_missing) {
    // Creating the log folder would create the cloud folder itself where an
    // unmounted drive should be; the command reports the missing folder.
    m_err << "codexsync: warning: no log file: the cloud folder "
          << util::display_path(*cfg.paths.workspace_root_dir) << " does not exist\n";
  } else if (cfg.logging.file) {
    log::FileSettings file;
    file.base_file = *cfg.logging.file;
    file.machine = cfg.identity.effective_machine_id;
    file.format = to_log_format(cfg.logging.format);
    file.retention_days = static_cast<int>(cfg.logging.retention_days);
    file.archive = cfg.logging.archive_mode == config::ArchiveMode::zip ? log::Archive::zip : log::Archive::text;
    file.max_file_bytes = static_cast<std::uint64_t>(cfg.logging.max_file_size_mb) * 1024U * 1024U;
    settings.file = file;
  }
  log::configure(settings, m_clock);
}

} // namespace codexsync::commands
