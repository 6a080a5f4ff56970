#include <codexsync/agent/profile.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace codexsync::agent {
namespace {

using config::AgentKind;

// The table. Facts and their sources: /work/shared/reference/agent-state-layouts.md
// sections 1 (Codex), 2 (Claude Code), 3 (Gemini CLI), 5 (Pi), 6 (what to
// sync) and 7 (processes). Globs are scan::GlobSet patterns: without a `/`
// they match a name at any depth, with one they are anchored at the top.
//
// Left out of every include list on purpose: the agents' own settings files
// (config.toml, settings.json, Pi's models.json), which hold absolute paths of
// this machine and may hold tokens; add them to include_roots when your
// machines share their paths. Never listed: SQLite databases, logs, caches,
// downloaded programs, git worktrees and shadow repositories.
std::vector<Profile> make_table() {
  std::vector<Profile> table;

  table.push_back(Profile{
    .kind = AgentKind::codex,
    .title = "Codex",
    .state_dir = {.env_var = "CODEX_HOME", .below_env = "", .expand_tilde = false, .below_home = ".codex"},
    .include_roots = {"AGENTS.md", "agents", "archived_sessions", "history.jsonl", "memories", "prompts", "rules",
                      "session_index.jsonl", "sessions", "skills"},
    .exclude_globs = {"**/*.lock", "**/*.tmp", "**/*.temp", "**/.*.tmp-*", "**/tmp/**", "**/cache/**",
                      "**/.cache/**", "**/__pycache__/**", "**/*.log", "skills/.system/**",
                      "plugins/.plugin-appserver/**", "plugins/.remote-plugin-install-staging/**"},
    .never_sync_globs = {"auth.json", ".credentials.json", ".env", "secrets/**", ".sandbox/**", ".sandbox-bin/**",
                         ".sandbox-secrets/**", "shell_snapshots/**", "worktrees/**"},
    .append_only_globs = {"sessions/**/*.jsonl", "archived_sessions/**"},
    .merge_line_globs = {"/history.jsonl", "/session_index.jsonl"},
    .windows = {.process_names = {"codex.exe", "codex", "codex-app-server"},
                .background_names = {"codex-windows-sandbox", "codex-windows-sandbox-setup", "codex-command-runner"}},
    .macos = {.process_names = {"codex.exe", "codex", "codex-app-server"},
              .background_names = {"ChatGPT.app/Contents/MacOS/", "codex-app-server", "codex-execve-wrapper",
                                   "codex-code-mode-host"}},
    .linux = {.process_names = {"codex.exe", "codex", "codex-app-server"},
              .background_names = {"/usr/lib/chatgpt/", "/@openai/codex/", "codex-app-server", "codex-linux-sandbox",
                                   "codex-execve-wrapper", "codex-code-mode-host"}},
    .retention_note = "",
  });

  // The Claude Desktop app is another product: on macOS its process is
  // `Claude` and on Windows `claude.exe`, which a name would match (names are
  // compared ignoring case). There Claude Code is recognised by its paths.
  table.push_back(Profile{
    .kind = AgentKind::claude,
    .title = "Claude Code",
    .state_dir = {.env_var = "CLAUDE_CONFIG_DIR", .below_env = "", .expand_tilde = false, .below_home = ".claude"},
    .include_roots = {"CLAUDE.md", "agents", "commands", "history.jsonl", "keybindings.json", "output-styles",
                      "plans", "plugins/known_marketplaces.json", "projects", "rules", "skills", "todos"},
    .exclude_globs = {"**/*.lock", "**/*.tmp", "**/*.log", "projects/*/.session-aliases",
                      "projects/*/sessions-index.json"},
    .never_sync_globs = {".credentials.json", ".env", "sessions/**", "ide/**", "session-env/**",
                         "shell-snapshots/**", "statsig/**"},
    // A chat's side folder (subagents, tool results) goes and stays with it.
    .append_only_globs = {"projects/**/*.jsonl", "projects/*/*/subagents/**", "projects/*/*/tool-results/**"},
    .merge_line_globs = {"/history.jsonl"},
    .windows = {.process_names = {},
                .background_names = {"/.local/bin/claude.exe", "/.local/share/claude/", "/@anthropic-ai/claude-code/",
                                     "/anthropic.claude-code-"}},
    .macos = {.process_names = {"claude.exe"},
              .background_names = {"/.local/share/claude/versions/", "/@anthropic-ai/claude-code/",
                                   "/anthropic.claude-code-", "/caskroom/claude-code/"}},
    .linux = {.process_names = {"claude", "claude.exe"},
              .background_names = {"/.local/share/claude/versions/", "/@anthropic-ai/claude-code/",
                                   "/anthropic.claude-code-"}},
    .retention_note = "Claude Code deletes chats older than cleanupPeriodDays (default 30 days) each time it "
                      "starts, synced ones included: set \"cleanupPeriodDays\": 99999 in settings.json on every "
                      "machine.",
  });

  // Gemini CLI runs as `node`: only its paths tell it apart.
  table.push_back(Profile{
    .kind = AgentKind::gemini,
    .title = "Gemini CLI",
    .state_dir = {.env_var = "GEMINI_CLI_HOME", .below_env = ".gemini", .expand_tilde = false,
                  .below_home = ".gemini"},
    .include_roots = {"GEMINI.md", "agents", "commands", "keybindings.json", "policies", "skills", "tmp"},
    .exclude_globs = {"**/*.lock", "**/*.tmp", "**/*.bak", "tmp/bin/**", "tmp/*/checkpoints/**",
                      "tmp/*/shell_history"},
    .never_sync_globs = {".env", "oauth_creds.json", "gemini-credentials.json", "mcp-oauth-tokens.json",
                         "a2a-oauth-tokens.json", "google_accounts.json", "installation_id", "user_id"},
    .append_only_globs = {"tmp/*/chats/**/*.jsonl"},
    .merge_line_globs = {},
    .windows = {.process_names = {}, .background_names = {"/@google/gemini-cli/", "/bin/gemini"}},
    .macos = {.process_names = {}, .background_names = {"/@google/gemini-cli/", "/bin/gemini"}},
    .linux = {.process_names = {}, .background_names = {"/@google/gemini-cli/", "/bin/gemini"}},
    .retention_note = "Gemini CLI deletes chats older than general.sessionRetention.maxAge (default 30 days) "
                      "each time it starts, synced ones included: raise it (or set enabled = false) in "
                      "settings.json on every machine.",
  });

  // `pi` is matched as a whole name only (never `pip`, `pipx`, `pi-hole`).
  table.push_back(Profile{
    .kind = AgentKind::pi,
    .title = "Pi",
    .state_dir = {.env_var = "PI_CODING_AGENT_DIR", .below_env = "", .expand_tilde = true,
                  .below_home = ".pi/agent"},
    .include_roots = {"AGENTS.md", "APPEND_SYSTEM.md", "SYSTEM.md", "extensions", "keybindings.json", "prompts",
                      "sessions", "skills", "themes", "tools"},
    .exclude_globs = {"**/*.lock", "**/*.lock/**", "**/*.tmp", "**/node_modules/**"},
    .never_sync_globs = {"auth.json", ".env"},
    .append_only_globs = {"sessions/**/*.jsonl"},
    .merge_line_globs = {},
    .windows = {.process_names = {"pi"}, .background_names = {"/pi-coding-agent/"}},
    .macos = {.process_names = {"pi"}, .background_names = {"/pi-coding-agent/"}},
    .linux = {.process_names = {"pi"}, .background_names = {"/pi-coding-agent/"}},
    .retention_note = "",
  });

  table.push_back(Profile{
    .kind = AgentKind::custom,
    .title = "a custom agent",
    .state_dir = {},
    .include_roots = {},
    .exclude_globs = {},
    .never_sync_globs = {},
    .append_only_globs = {},
    .merge_line_globs = {},
    .windows = {},
    .macos = {},
    .linux = {},
    .retention_note = "",
  });
  return table;
}

std::string code_list(const std::vector<std::string>& items) {
  if (items.empty()) {
    return "none";
  }
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const auto& item : items) {
    quoted.push_back("`" + item + "`");
  }
  return util::join(quoted, ", ");
}

} // namespace

const std::vector<Profile>& all_profiles() {
  static const std::vector<Profile> k_table = make_table();
  return k_table;
}

const Profile& profile(config::AgentKind kind) {
  const auto& table = all_profiles();
  const auto it = std::find_if(table.begin(), table.end(), [&](const Profile& p) { return p.kind == kind; });
  return it != table.end() ? *it : table.back();
}

std::optional<config::AgentKind> parse_kind(std::string_view text) {
  for (const auto& p : all_profiles()) {
    if (config::to_string(p.kind) == text) {
      return p.kind;
    }
  }
  return std::nullopt;
}

const OsProcesses& processes_for(const Profile& profile, util::Os os) {
  switch (os) {
  case util::Os::windows: return profile.windows;
  case util::Os::macos: return profile.macos;
  case util::Os::linux: return profile.linux;
  }
  return profile.linux;
}

std::optional<DefaultStateDir> default_state_dir(const Profile& profile, const util::Environment& env) {
  const auto& rule = profile.state_dir;
  if (!rule.env_var.empty()) {
    if (auto value = env.get(rule.env_var)) {
      std::string text = *value;
      if (rule.expand_tilde && (text == "~" || util::starts_with(text, "~/") || util::starts_with(text, "~\\"))) {
        if (const auto home = util::home_dir(env)) {
          text = util::display_path(*home) + text.substr(1);
        }
      }
      auto path = util::path_from_utf8(text);
      if (!rule.below_env.empty()) {
        path /= util::path_from_utf8(rule.below_env);
      }
      return DefaultStateDir{path.lexically_normal(), config::StateDirSource::agent_env, std::string(rule.env_var)};
    }
  }
  if (rule.below_home.empty()) {
    return std::nullopt;
  }
  const auto home = util::home_dir(env);
  if (!home) {
    return std::nullopt;
  }
  return DefaultStateDir{(*home / util::path_from_utf8(rule.below_home)).lexically_normal(),
                         config::StateDirSource::home_default, fmt::format("~/{}", rule.below_home)};
}

std::string describe_state_dir_rule(const Profile& profile) {
  const auto& rule = profile.state_dir;
  if (rule.env_var.empty()) {
    return {};
  }
  const auto env = rule.below_env.empty() ? fmt::format("${}", rule.env_var)
                                          : fmt::format("${}/{}", rule.env_var, rule.below_env);
  return fmt::format("{}{}, then ~/{}", env, rule.expand_tilde ? " (with ~ expanded)" : "", rule.below_home);
}

std::string defaults_markdown() {
  std::string out;
  for (const auto& p : all_profiles()) {
    if (p.kind == AgentKind::custom) {
      continue;
    }
    out += fmt::format("#### {} (`kind = \"{}\"`)\n\n", p.title, config::to_string(p.kind));
    out += "| setting | default |\n|---|---|\n";
    out += fmt::format("| state folder | {} |\n", describe_state_dir_rule(p));
    out += fmt::format("| `include_roots` | {} |\n", code_list(p.include_roots));
    out += fmt::format("| `exclude_globs` | {} |\n", code_list(p.exclude_globs));
    out += fmt::format("| `never_sync_globs` (always) | {} |\n", code_list(p.never_sync_globs));
    out += fmt::format("| `append_only_globs` | {} |\n", code_list(p.append_only_globs));
    out += fmt::format("| `merge_line_globs` | {} |\n", code_list(p.merge_line_globs));
    for (const auto os : {util::Os::linux, util::Os::macos, util::Os::windows}) {
      const auto& procs = processes_for(p, os);
      out += fmt::format("| processes on {} | names {}; helpers and path markers {} |\n", util::os_name(os),
                         code_list(procs.process_names), code_list(procs.background_names));
    }
    if (!p.retention_note.empty()) {
      out += fmt::format("| note | {} |\n", p.retention_note);
    }
    out += '\n';
  }
  return out;
}

} // namespace codexsync::agent
