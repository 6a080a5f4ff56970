#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#if defined(linux)
#error "Build with CMAKE_CXX_EXTENSIONS OFF: the GNU macro `linux` breaks codexsync::Os"
#endif

namespace codexsync::util {

enum class Os { windows, macos, linux };

// Returns the OS this binary was built for.
Os current_os();

// Returns "windows", "macos" or "linux".
std::string_view os_name(Os os);

// What the process sees of its surroundings: environment variables, the OS, the
// working directory. Commands read these only through this struct, so tests can
// run any platform's rules on any platform.
struct Environment {
  Os os = current_os();
  std::filesystem::path cwd;
  // Variables set here win; when `inherit` is true the process environment
  // answers the rest.
  std::map<std::string, std::string> vars;
  bool inherit = true;

  // Returns the variable's value, or nullopt when it is unset or empty.
  std::optional<std::string> get(std::string_view name) const;

  // Returns the real environment of this process and its working directory.
  static Environment current();
};

// Returns the user's home directory: $HOME, or %USERPROFILE% on Windows;
// nullopt when neither is set.
std::optional<std::filesystem::path> home_dir(const Environment& env);

// Returns the per-user config directory for codexsync:
// $XDG_CONFIG_HOME/codexsync (default ~/.config/codexsync) on Linux,
// ~/Library/Application Support/codexsync on macOS, %APPDATA%\codexsync on
// Windows. nullopt when the base cannot be determined.
std::optional<std::filesystem::path> user_config_dir(const Environment& env);

// Returns the per-user folder for codexsync's own machine-local state (never
// synced): $XDG_STATE_HOME/codexsync (default ~/.local/state/codexsync) on
// Linux, ~/Library/Application Support/codexsync on macOS,
// %LOCALAPPDATA%\codexsync on Windows. nullopt when the base is unknown.
std::optional<std::filesystem::path> user_state_dir(const Environment& env);

// Returns this machine's host name, or "" when the OS will not tell.
std::string host_name();

} // namespace codexsync::util
