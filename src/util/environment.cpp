#include <codexsync/util/environment.hpp>
#include <codexsync/util/text.hpp>

#include <cstdlib>
#include <system_error>

namespace codexsync::util {

Os current_os() {
#if defined(_WIN32)
  return Os::windows;
#elif defined(__APPLE__)
  return Os::macos;
#else
  return Os::linux;
#endif
}

std::string_view os_name(Os os) {
  switch (os) {
  case Os::windows: return "windows";
  case Os::macos: return "macos";
  case Os::linux: return "linux";
  }
  return "linux";
}

std::optional<std::string> Environment::get(std::string_view name) const {
  if (auto it = vars.find(std::string(name)); it != vars.end()) {
    if (it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  }
  if (!inherit) {
    return std::nullopt;
  }
#ifdef _WIN32
  // The wide environment, so non-ASCII user names survive; UTF-8 inside.
  const wchar_t* value = _wgetenv(wide_from_utf8(name).c_str()); // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr || *value == L'\0') {
    return std::nullopt;
  }
  return utf8_from_wide(value);
#else
  const std::string key(name);
  const char* value = std::getenv(key.c_str()); // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
#endif
}

Environment Environment::current() {
  Environment env;
  std::error_code ec;
  env.cwd = std::filesystem::current_path(ec);
  return env;
}

std::optional<std::filesystem::path> home_dir(const Environment& env) {
  if (env.os == Os::windows) {
    if (auto profile = env.get("USERPROFILE")) {
      return std::filesystem::path(*profile);
    }
    auto drive = env.get("HOMEDRIVE");
    auto path = env.get("HOMEPATH");
    if (drive && path) {
      return std::filesystem::path(*drive + *path);
    }
  }
  if (auto home = env.get("HOME")) {
    return std::filesystem::path(*home);
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> user_config_dir(const Environment& env) {
  switch (env.os) {
  case Os::windows:
    if (auto appdata = env.get("APPDATA")) {
      return std::filesystem::path(*appdata) / "codexsync";
    }
    if (auto home = home_dir(env)) {
      return *home / "AppData" / "Roaming" / "codexsync";
    }
    return std::nullopt;
  case Os::macos:
    if (auto home = home_dir(env)) {
      return *home / "Library" / "Application Support" / "codexsync";
    }
    return std::nullopt;
  case Os::linux:
    if (auto xdg = env.get("XDG_CONFIG_HOME"); xdg && std::filesystem::path(*xdg).is_absolute()) {
      return std::filesystem::path(*xdg) / "codexsync";
    }
    if (auto home = home_dir(env)) {
      return *home / ".config" / "codexsync";
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> user_state_dir(const Environment& env) {
  switch (env.os) {
  case Os::windows:
    if (auto local = env.get("LOCALAPPDATA")) {
      return std::filesystem::path(*local) / "codexsync";
    }
    if (auto home = home_dir(env)) {
      return *home / "AppData" / "Local" / "codexsync";
    }
    return std::nullopt;
  case Os::macos:
    return user_config_dir(env);
  case Os::linux:
    if (auto xdg = env.get("XDG_STATE_HOME"); xdg && std::filesystem::path(*xdg).is_absolute()) {
      return std::filesystem::path(*xdg) / "codexsync";
    }
    if (auto home = home_dir(env)) {
      return *home / ".local" / "state" / "codexsync";
    }
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace codexsync::util
