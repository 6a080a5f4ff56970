#include <codexsync/agent/profile.hpp>
#include <codexsync/config/config.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

namespace codexsync::config {

std::string Config::where(const std::string& dotted_key) const {
  const auto file = util::display_path(source_file);
  auto it = positions.find(dotted_key);
  if (it == positions.end()) {
    // Fall back to the section header, then to the top of the file.
    const auto dot = dotted_key.rfind('.');
    if (dot != std::string::npos) {
      it = positions.find(dotted_key.substr(0, dot));
    }
  }
  if (it == positions.end() || it->second.line == 0) {
    return fmt::format("{}:1:1: ", file);
  }
  return fmt::format("{}:{}:{}: ", file, it->second.line, it->second.column);
}

std::map<std::string, std::vector<std::string>> default_background_process_names() {
  const auto& codex = agent::profile(AgentKind::codex);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto os : {util::Os::windows, util::Os::macos, util::Os::linux}) {
    out[std::string(util::os_name(os))] = agent::processes_for(codex, os).background_names;
  }
  return out;
}

std::string_view to_string(Direction v) {
  switch (v) {
  case Direction::bidirectional: return "bidirectional";
  case Direction::to_cloud: return "to_cloud";
  case Direction::to_local: return "to_local";
  }
  return "?";
}

std::string_view to_string(Compare v) {
  switch (v) {
  case Compare::mtime: return "mtime";
  case Compare::mtime_hash_fallback: return "mtime_hash_fallback";
  case Compare::hash: return "hash";
  }
  return "?";
}

std::string_view to_string(FastForward v) {
  switch (v) {
  case FastForward::automatic: return "auto";
  case FastForward::in_place: return "in_place";
  case FastForward::new_file: return "new_file";
  }
  return "?";
}

std::string_view to_string(EqualMtimeAction v) {
  switch (v) {
  case EqualMtimeAction::skip: return "skip";
  case EqualMtimeAction::prefer_local: return "prefer_local";
  case EqualMtimeAction::prefer_cloud: return "prefer_cloud";
  case EqualMtimeAction::manual_abort: return "manual_abort";
  }
  return "?";
}

std::string_view to_string(DeletePolicy v) {
  switch (v) {
  case DeletePolicy::never: return "never";
  case DeletePolicy::propagate: return "propagate";
  case DeletePolicy::propagate_all: return "propagate_all";
  }
  return "?";
}

std::string_view to_string(SessionMode v) {
  switch (v) {
  case SessionMode::all: return "all";
  case SessionMode::last_date_only: return "last_date_only";
  }
  return "?";
}

std::string_view to_string(ConflictPolicy v) {
  switch (v) {
  case ConflictPolicy::manual_abort: return "manual_abort";
  case ConflictPolicy::prefer_cloud: return "prefer_cloud";
  case ConflictPolicy::prefer_local: return "prefer_local";
  case ConflictPolicy::prefer_newer_mtime: return "prefer_newer_mtime";
  }
  return "?";
}

std::string_view to_string(Compression v) {
  switch (v) {
  case Compression::none: return "none";
  case Compression::zip: return "zip";
  }
  return "?";
}

std::string_view to_string(ConfirmationMode v) {
  switch (v) {
  case ConfirmationMode::gui: return "gui";
  case ConfirmationMode::console: return "console";
  }
  return "?";
}

std::string_view to_string(LogLevel v) {
  switch (v) {
  case LogLevel::debug: return "DEBUG";
  case LogLevel::info: return "INFO";
  case LogLevel::warning: return "WARNING";
  case LogLevel::error: return "ERROR";
  }
  return "?";
}

std::string_view to_string(LogFormat v) {
  switch (v) {
  case LogFormat::text: return "text";
  case LogFormat::json: return "json";
  case LogFormat::logfmt: return "logfmt";
  }
  return "?";
}

std::string_view to_string(ArchiveMode v) {
  switch (v) {
  case ArchiveMode::text: return "text";
  case ArchiveMode::zip: return "zip";
  }
  return "?";
}

std::string_view to_string(StateDirSource v) {
  switch (v) {
  case StateDirSource::config: return "config";
  case StateDirSource::agent_env: return "environment";
  case StateDirSource::home_default: return "home";
  }
  return "?";
}

std::string_view to_string(AgentKind v) {
  switch (v) {
  case AgentKind::codex: return "codex";
  case AgentKind::claude: return "claude";
  case AgentKind::gemini: return "gemini";
  case AgentKind::pi: return "pi";
  case AgentKind::custom: return "custom";
  }
  return "?";
}

std::string_view to_string(SecretAction v) {
  switch (v) {
  case SecretAction::refuse: return "refuse";
  case SecretAction::skip: return "skip";
  }
  return "?";
}

fs::path workspace_dir(const Config& cfg) {
  return cfg.paths.workspace_root_dir ? *cfg.paths.workspace_root_dir : cfg.paths.cloud_root_dir.parent_path();
}

} // namespace codexsync::config
