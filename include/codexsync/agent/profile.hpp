#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/util/environment.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What codexsync knows about each agent it syncs: where its state folder is,
// what in it to sync, what never to sync, which files only grow or are
// merged line by line, and how its processes look. Pure data (the table is in
// src/agent/profile.cpp); the config loader fills every key a file leaves out
// from the profile of its [agent] kind.
namespace codexsync::agent {

// How the agent's state folder is found when the config does not name it:
// $<env_var>[/<below_env>] when the variable is set (with a leading `~`
// expanded when `expand_tilde`), else ~/<below_home>.
struct StateDirRule {
  std::string_view env_var;     // "" when there is none (custom)
  std::string_view below_env;   // "" or a folder inside $env_var (Gemini: ".gemini")
  bool expand_tilde = false;    // the agent itself expands `~` in the variable (Pi)
  std::string_view below_home;  // "" when there is no default folder (custom)
};

// The process names of one OS, in the language of [process_detection]:
// whole names (`process_names`), and helper names or path markers (an entry
// with a `/`, matched against the executable's path and path arguments).
struct OsProcesses {
  std::vector<std::string> process_names;
  std::vector<std::string> background_names;
};

struct Profile {
  config::AgentKind kind = config::AgentKind::custom;
  std::string_view title;  // "Codex", "Claude Code", "Gemini CLI", "Pi", "a custom agent"
  StateDirRule state_dir;
  // Relative to the state folder, '/'-separated, as targets.include_roots.
  std::vector<std::string> include_roots;
  // The scan::GlobSet language, as filters.exclude_globs.
  std::vector<std::string> exclude_globs;
  // Credential and machine-specific files: never synced, never restored,
  // whatever the config says (it may only add to them).
  std::vector<std::string> never_sync_globs;
  std::vector<std::string> append_only_globs;  // sync.append_only_globs
  std::vector<std::string> merge_line_globs;   // sync.merge_line_globs
  OsProcesses windows;
  OsProcesses macos;
  OsProcesses linux;
  // What the user must set on every machine so the agent does not delete old
  // chats that a sync brought in ("" when the agent deletes nothing).
  std::string_view retention_note;
};

// The built-in profile of `kind`. Custom has empty lists: the config must give
// include_roots, process_names and local_state_dir itself.
const Profile& profile(config::AgentKind kind);

// Every built-in profile, in the order of config::AgentKind.
const std::vector<Profile>& all_profiles();

// Reads a kind as the config spells it ("codex", "claude", "gemini", "pi",
// "custom"); nullopt for anything else.
std::optional<config::AgentKind> parse_kind(std::string_view text);

// The processes of `os` in `profile`.
const OsProcesses& processes_for(const Profile& profile, util::Os os);

// The state folder a profile falls back to, and what it came from.
struct DefaultStateDir {
  std::filesystem::path path;
  config::StateDirSource source = config::StateDirSource::home_default;
  std::string origin;  // "CODEX_HOME", "GEMINI_CLI_HOME", "~/.codex", "~/.pi/agent"
};

// The profile's state folder from the environment: $<env_var> (not checked
// for existence; `~` expanded only where the agent does so), else the home
// folder's default. nullopt when the profile has no default (custom) or
// neither the variable nor the home folder is set.
std::optional<DefaultStateDir> default_state_dir(const Profile& profile, const util::Environment& env);

// "$CODEX_HOME, then ~/.codex"; "" for custom. For messages and templates.
std::string describe_state_dir_rule(const Profile& profile);

// The profile defaults as a Markdown section, for docs/configuration.md (a
// unit test keeps the page equal to it).
std::string defaults_markdown();

} // namespace codexsync::agent
