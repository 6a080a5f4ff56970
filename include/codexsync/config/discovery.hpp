#pragma once

#include <codexsync/util/environment.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace codexsync::config {

// How the config file was chosen.
enum class ConfigOrigin { command_line, environment, user_config_dir, working_dir };

struct Discovery {
  std::filesystem::path path;
  ConfigOrigin origin = ConfigOrigin::command_line;
};

// Finds the config file: `explicit_file` (-c), else $CODEXSYNC_CONFIG, else the
// platform's user config dir (config.toml), else ./config.toml. A -c or
// $CODEXSYNC_CONFIG file that does not exist is an error (it names the file);
// otherwise the first existing candidate wins. Throws ConfigError listing the
// places searched and suggesting `codexsync init-config` when none exists.
Discovery discover_config(const std::optional<std::filesystem::path>& explicit_file,
                          const util::Environment& env);

// The file `init-config` writes when given no --output: -c, else
// $CODEXSYNC_CONFIG, else <user config dir>/config.toml, else ./config.toml.
std::filesystem::path default_config_path(const std::optional<std::filesystem::path>& explicit_file,
                                          const util::Environment& env);

std::string_view to_string(ConfigOrigin origin);

} // namespace codexsync::config
