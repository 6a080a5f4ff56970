#include <codexsync/config/discovery.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

namespace codexsync::config {
namespace fs = std::filesystem;

namespace {

fs::path absolute_from(const fs::path& path, const util::Environment& env) {
  return (path.is_absolute() ? path : env.cwd / path).lexically_normal();
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec) && !fs::is_directory(path, ec);
}

bool is_folder(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::string named_folder(const fs::path& path, std::string_view how) {
  return fmt::format("{}: is a folder, not a config file ({}); name the config.toml inside it",
                     util::display_path(path), how);
}

std::string missing_named_file(const fs::path& path, std::string_view how) {
  return fmt::format("{}: config file not found ({}); create it with `codexsync init-config --output {}` or fix "
                     "the path",
                     util::display_path(path), how, util::display_path(path));
}

} // namespace

std::string_view to_string(ConfigOrigin origin) {
  switch (origin) {
  case ConfigOrigin::command_line: return "-c";
  case ConfigOrigin::environment: return "CODEXSYNC_CONFIG";
  case ConfigOrigin::user_config_dir: return "user config folder";
  case ConfigOrigin::working_dir: return "current folder";
  }
  return "?";
}

Discovery discover_config(const std::optional<fs::path>& explicit_file, const util::Environment& env) {
  if (explicit_file) {
    const auto path = absolute_from(*explicit_file, env);
    if (is_folder(path)) {
      throw ConfigError({named_folder(path, "given with -c")});
    }
    if (!is_file(path)) {
      throw ConfigError({missing_named_file(path, "given with -c")});
    }
    return {path, ConfigOrigin::command_line};
  }
  if (auto from_env = env.get("CODEXSYNC_CONFIG")) {
    const auto path = absolute_from(util::path_from_utf8(*from_env), env);
    if (is_folder(path)) {
      throw ConfigError({named_folder(path, "named by $CODEXSYNC_CONFIG")});
    }
    if (!is_file(path)) {
      throw ConfigError({missing_named_file(path, "named by $CODEXSYNC_CONFIG")});
    }
    return {path, ConfigOrigin::environment};
  }
  std::vector<std::string> searched{"-c FILE (not given)", "$CODEXSYNC_CONFIG (not set)"};
  if (auto dir = util::user_config_dir(env)) {
    const auto path = (*dir / "config.toml").lexically_normal();
    if (is_file(path)) {
      return {path, ConfigOrigin::user_config_dir};
    }
    searched.push_back(util::display_path(path));
  }
  const auto local = (env.cwd / "config.toml").lexically_normal();
  if (is_file(local)) {
    return {local, ConfigOrigin::working_dir};
  }
  searched.push_back(util::display_path(local));

  std::vector<std::string> lines{"no config file found; searched, in order:"};
  for (const auto& place : searched) {
    lines.push_back("  " + place);
  }
  lines.push_back(fmt::format("create one with `codexsync init-config` (writes {}), or pass -c FILE",
                              util::display_path(default_config_path(std::nullopt, env))));
  throw ConfigError(std::move(lines));
}

fs::path default_config_path(const std::optional<fs::path>& explicit_file, const util::Environment& env) {
  if (explicit_file) {
    return absolute_from(*explicit_file, env);
  }
  if (auto from_env = env.get("CODEXSYNC_CONFIG")) {
    return absolute_from(util::path_from_utf8(*from_env), env);
  }
  if (auto dir = util::user_config_dir(env)) {
    return (*dir / "config.toml").lexically_normal();
  }
  return (env.cwd / "config.toml").lexically_normal();
}

} // namespace codexsync::config
