#include "support/catch.hpp"
#include "support/config_fixture.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/agent/profile.hpp>
#include <codexsync/process/probe.hpp>
#include <codexsync/scan/glob.hpp>
#include <codexsync/scan/scanner.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace codexsync;
using config::AgentKind;

namespace {

// The files each agent keeps credentials or machine-bound identity in
// (/work/shared/reference/agent-state-layouts.md, sections 1.2, 2.2, 3.2, 5.2).
struct KnownSecrets {
  AgentKind kind;
  std::vector<std::string> paths;
};

const std::vector<KnownSecrets>& known_secrets() {
  static const std::vector<KnownSecrets> k_list{
    {AgentKind::codex,
     {"auth.json", ".credentials.json", ".env", "secrets/local.age", "secrets/cli_auth.age", "secrets/mcp_oauth.age",
      ".sandbox-secrets/sandbox_users.json", ".sandbox/setup_marker.json", "shell_snapshots/snapshot.sh",
      "worktrees/abc/repo/.git"}},
    {AgentKind::claude,
     {".credentials.json", "sessions/12345.json", "ide/12345.lock", "shell-snapshots/snapshot-zsh-1-abc.sh",
      "session-env/uuid/env", "statsig/statsig.stable_id.123"}},
    {AgentKind::gemini,
     {"oauth_creds.json", "gemini-credentials.json", "mcp-oauth-tokens.json", "a2a-oauth-tokens.json",
      "google_accounts.json", "installation_id", "user_id", ".env"}},
    {AgentKind::pi, {"auth.json", ".env"}},
  };
  return k_list;
}

// True when an include root is the path or a folder above it.
bool included(const agent::Profile& profile, const std::string& path) {
  return std::any_of(profile.include_roots.begin(), profile.include_roots.end(), [&](const std::string& root) {
    return path == root || path.rfind(root + "/", 0) == 0;
  });
}

util::Environment bare_env() {
  util::Environment env;
  env.inherit = false;
  env.os = util::Os::linux;
  env.vars["HOME"] = "/home/u";
  return env;
}

process::ProcessInfo proc(std::uint64_t pid, std::string name, std::string exe, std::vector<std::string> args = {}) {
  process::ProcessInfo p;
  p.pid = pid;
  p.name = std::move(name);
  p.exe_path = std::move(exe);
  p.args = std::move(args);
  return p;
}

// Whether `p` counts as the agent of `kind` on `os`, by the profile's defaults.
bool is_agent(AgentKind kind, util::Os os, const process::ProcessInfo& p) {
  const auto& procs = agent::processes_for(agent::profile(kind), os);
  process::MatchRules rules;
  rules.os = os;
  for (const auto& name : procs.process_names) {
    rules.process_names.push_back(name);
  }
  rules.background_names = procs.background_names;
  return !process::match_processes({p}, rules, 1).empty();
}

} // namespace

TEST_CASE("every kind has a profile, and kinds read as the config spells them", "[agent]") {
  CHECK(agent::all_profiles().size() == 5);
  for (const auto kind : {AgentKind::codex, AgentKind::claude, AgentKind::gemini, AgentKind::pi, AgentKind::custom}) {
    CHECK(agent::profile(kind).kind == kind);
    CHECK(agent::parse_kind(config::to_string(kind)) == kind);
  }
  CHECK_FALSE(agent::parse_kind("Codex"));
  CHECK_FALSE(agent::parse_kind("cursor"));
  CHECK_FALSE(agent::parse_kind(""));
}

TEST_CASE("custom has no defaults at all", "[agent]") {
  const auto& p = agent::profile(AgentKind::custom);
  CHECK(p.include_roots.empty());
  CHECK(p.exclude_globs.empty());
  CHECK(p.never_sync_globs.empty());
  CHECK(p.append_only_globs.empty());
  CHECK(p.merge_line_globs.empty());
  for (const auto os : {util::Os::linux, util::Os::macos, util::Os::windows}) {
    CHECK(agent::processes_for(p, os).process_names.empty());
    CHECK(agent::processes_for(p, os).background_names.empty());
  }
  CHECK_FALSE(agent::default_state_dir(p, bare_env()));
}

TEST_CASE("each agent's credential and machine-specific files are never synced and not included", "[agent]") {
  for (const auto& [kind, paths] : known_secrets()) {
    const auto& p = agent::profile(kind);
    for (const auto& path : paths) {
      INFO(config::to_string(kind) << ": " << path);
      CHECK(scan::is_never_synced(p.never_sync_globs, path));
      CHECK_FALSE(included(p, path));
      // Case does not hide them (Windows and macOS volumes ignore it).
      std::string upper = path;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
      CHECK(scan::is_never_synced(p.never_sync_globs, upper));
    }
  }
}

TEST_CASE("what each agent syncs by default is not never-synced, and its chats are append-only", "[agent]") {
  struct Chat {
    AgentKind kind;
    std::string path;
  };
  const std::vector<Chat> chats{
    {AgentKind::codex, "sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c4895.jsonl"},
    {AgentKind::codex, "archived_sessions/rollout-2026-03-15T10-20-30-019c4895.jsonl"},
    {AgentKind::claude, "projects/-home-u-my-app/2f1c-uuid.jsonl"},
    {AgentKind::claude, "projects/-home-u-my-app/2f1c-uuid/subagents/agent-a1b2.jsonl"},
    {AgentKind::gemini, "tmp/my-app/chats/session-2026-03-15T10-20-1a2b3c4d.jsonl"},
    {AgentKind::gemini, "tmp/my-app/chats/parent-id/child-id.jsonl"},
    {AgentKind::pi, "sessions/--home-u-my.app--/2026-03-15T10-20-30-123Z_uuid.jsonl"},
  };
  for (const auto& [kind, path] : chats) {
    INFO(config::to_string(kind) << ": " << path);
    const auto& p = agent::profile(kind);
    CHECK(included(p, path));
    CHECK_FALSE(scan::is_never_synced(p.never_sync_globs, path));
    CHECK_FALSE(scan::GlobSet(p.exclude_globs).matches(path));
    CHECK(scan::GlobSet(p.append_only_globs).matches(path));
  }
  // Prompt histories merge line by line; only the top-level one.
  CHECK(scan::GlobSet(agent::profile(AgentKind::codex).merge_line_globs).matches("history.jsonl"));
  CHECK(scan::GlobSet(agent::profile(AgentKind::codex).merge_line_globs).matches("session_index.jsonl"));
  CHECK(scan::GlobSet(agent::profile(AgentKind::claude).merge_line_globs).matches("history.jsonl"));
  CHECK_FALSE(scan::GlobSet(agent::profile(AgentKind::claude).merge_line_globs).matches("skills/x/history.jsonl"));
  // Managed and machine-bound content stays out.
  CHECK(scan::GlobSet(agent::profile(AgentKind::codex).exclude_globs).matches("skills/.system/imagegen/SKILL.md"));
  CHECK(scan::GlobSet(agent::profile(AgentKind::gemini).exclude_globs).matches("tmp/bin/rg"));
  CHECK(scan::GlobSet(agent::profile(AgentKind::gemini).exclude_globs).matches("tmp/my-app/checkpoints/x"));
}

TEST_CASE("a profile's defaults load: include roots are valid, globs are accepted", "[agent]") {
  for (const auto kind : {AgentKind::codex, AgentKind::claude, AgentKind::gemini, AgentKind::pi}) {
    INFO(config::to_string(kind));
    test::ConfigFixture f;
    auto text = f.base();
    text.erase(text.find("[targets]"));
    text += "[agent]\nkind = \"" + std::string(config::to_string(kind)) + "\"\n";
    const auto c = f.load(text).config;
    const auto& p = agent::profile(kind);
    CHECK(c.targets.include_roots == p.include_roots);
    CHECK(c.filters.exclude_globs == p.exclude_globs);
    CHECK(c.filters.never_sync_globs == p.never_sync_globs);
    CHECK(c.sync.append_only_globs == p.append_only_globs);
    CHECK(c.sync.merge_line_globs == p.merge_line_globs);
  }
}

TEST_CASE("state folders: the agent's variable, else its folder in the home folder", "[agent]") {
  auto env = bare_env();
  const auto dir = [&](AgentKind kind) { return agent::default_state_dir(agent::profile(kind), env); };

  SECTION("defaults") {
    CHECK(dir(AgentKind::codex)->path == "/home/u/.codex");
    CHECK(dir(AgentKind::codex)->origin == "~/.codex");
    CHECK(dir(AgentKind::codex)->source == config::StateDirSource::home_default);
    CHECK(dir(AgentKind::claude)->path == "/home/u/.claude");
    CHECK(dir(AgentKind::gemini)->path == "/home/u/.gemini");
    CHECK(dir(AgentKind::pi)->path == "/home/u/.pi/agent");
    CHECK(dir(AgentKind::pi)->origin == "~/.pi/agent");
  }
  SECTION("CODEX_HOME and CLAUDE_CONFIG_DIR are taken as written") {
    env.vars["CODEX_HOME"] = "/data/codex";
    env.vars["CLAUDE_CONFIG_DIR"] = "~/claude-cfg";
    CHECK(dir(AgentKind::codex)->path == "/data/codex");
    CHECK(dir(AgentKind::codex)->origin == "CODEX_HOME");
    CHECK(dir(AgentKind::codex)->source == config::StateDirSource::agent_env);
    CHECK(dir(AgentKind::claude)->path == "~/claude-cfg");
    CHECK(dir(AgentKind::claude)->origin == "CLAUDE_CONFIG_DIR");
  }
  SECTION("GEMINI_CLI_HOME replaces the home folder: the state is its .gemini") {
    env.vars["GEMINI_CLI_HOME"] = "/data/gemini-home";
    CHECK(dir(AgentKind::gemini)->path == "/data/gemini-home/.gemini");
    CHECK(dir(AgentKind::gemini)->origin == "GEMINI_CLI_HOME");
  }
  SECTION("PI_CODING_AGENT_DIR expands ~ as Pi does") {
    env.vars["PI_CODING_AGENT_DIR"] = "~/pi-state";
    CHECK(dir(AgentKind::pi)->path == "/home/u/pi-state");
    env.vars["PI_CODING_AGENT_DIR"] = "~";
    CHECK(dir(AgentKind::pi)->path == "/home/u");
    env.vars["PI_CODING_AGENT_DIR"] = "/srv/pi";
    CHECK(dir(AgentKind::pi)->path == "/srv/pi");
    CHECK(dir(AgentKind::pi)->origin == "PI_CODING_AGENT_DIR");
  }
  SECTION("an empty variable is unset") {
    env.vars["CLAUDE_CONFIG_DIR"] = "";
    CHECK(dir(AgentKind::claude)->path == "/home/u/.claude");
  }
  SECTION("no variable and no home folder: none") {
    env.vars.erase("HOME");
    CHECK_FALSE(dir(AgentKind::claude));
    env.vars["CLAUDE_CONFIG_DIR"] = "/c";
    CHECK(dir(AgentKind::claude)->path == "/c");
  }
}

TEST_CASE("the Codex profile keeps codexsync's earlier process defaults", "[agent]") {
  const auto& codex = agent::profile(AgentKind::codex);
  const config::ProcessDetection defaults;
  for (const auto os : {util::Os::linux, util::Os::macos, util::Os::windows}) {
    CHECK(agent::processes_for(codex, os).process_names == defaults.process_names);
  }
  CHECK(config::default_background_process_names().at("linux") ==
        agent::processes_for(codex, util::Os::linux).background_names);
}

TEST_CASE("Pi is `pi` as a whole name only: pip, pipx, pi-hole and python are not Pi", "[agent][process]") {
  for (const auto os : {util::Os::linux, util::Os::macos}) {
    CHECK(is_agent(AgentKind::pi, os, proc(10, "pi", "/usr/bin/node", {"pi"})));
    CHECK(is_agent(AgentKind::pi, os, proc(11, "node", "/usr/bin/node",
                                           {"node", "/usr/lib/node_modules/@mariozechner/pi-coding-agent/dist/cli.js"})));
    CHECK_FALSE(is_agent(AgentKind::pi, os, proc(12, "pip", "/usr/bin/pip", {"pip", "install", "x"})));
    CHECK_FALSE(is_agent(AgentKind::pi, os, proc(13, "pipx", "/usr/bin/pipx")));
    CHECK_FALSE(is_agent(AgentKind::pi, os, proc(14, "pi-hole", "/usr/local/bin/pi-hole")));
    CHECK_FALSE(is_agent(AgentKind::pi, os, proc(15, "python3", "/usr/bin/python3", {"python3", "/usr/bin/pip"})));
  }
  CHECK(is_agent(AgentKind::pi, util::Os::windows, proc(16, "pi.exe", "C:\\Users\\u\\bin\\pi.exe")));
  CHECK_FALSE(is_agent(AgentKind::pi, util::Os::windows, proc(17, "pip.exe", "C:\\Python\\Scripts\\pip.exe")));
}

TEST_CASE("Claude Code is recognised; the Claude Desktop app is not", "[agent][process]") {
  // Linux: the native binary runs as `claude`; background workers by version.
  CHECK(is_agent(AgentKind::claude, util::Os::linux,
                 proc(20, "claude", "/home/u/.local/share/claude/versions/2.1.201", {"claude"})));
  CHECK(is_agent(AgentKind::claude, util::Os::linux,
                 proc(21, "2.1.201", "/home/u/.local/share/claude/versions/2.1.201",
                      {"/home/u/.local/share/claude/versions/2.1.201", "--bg-spare"})));
  CHECK(is_agent(AgentKind::claude, util::Os::linux,
                 proc(22, "node", "/usr/bin/node", {"node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"})));
  CHECK_FALSE(is_agent(AgentKind::claude, util::Os::linux, proc(23, "vim", "/usr/bin/vim", {"vim", "claude.md"})));
  // macOS: Claude Desktop is `Claude` in Claude.app; Claude Code shows its version.
  CHECK_FALSE(is_agent(AgentKind::claude, util::Os::macos,
                       proc(24, "Claude", "/Applications/Claude.app/Contents/MacOS/Claude")));
  CHECK_FALSE(is_agent(AgentKind::claude, util::Os::macos,
                       proc(25, "Claude Helper (Renderer)",
                            "/Applications/Claude.app/Contents/Frameworks/Claude Helper (Renderer).app/Contents/MacOS/"
                            "Claude Helper (Renderer)")));
  CHECK(is_agent(AgentKind::claude, util::Os::macos,
                 proc(26, "2.1.144", "/Users/u/.local/share/claude/versions/2.1.144", {"claude"})));
  CHECK(is_agent(AgentKind::claude, util::Os::macos,
                 proc(27, "claude", "/opt/homebrew/Caskroom/claude-code/2.1.144/claude", {"claude"})));
  // Windows: Claude Desktop is claude.exe too, but not in ~/.local/bin.
  CHECK_FALSE(is_agent(AgentKind::claude, util::Os::windows,
                       proc(28, "claude.exe", "C:\\Users\\u\\AppData\\Local\\AnthropicClaude\\app-0.9.3\\claude.exe")));
  CHECK(is_agent(AgentKind::claude, util::Os::windows,
                 proc(29, "claude.exe", "C:\\Users\\u\\.local\\bin\\claude.exe", {"claude"})));
  CHECK(is_agent(AgentKind::claude, util::Os::windows,
                 proc(30, "node.exe", "C:\\Program Files\\nodejs\\node.exe",
                      {"node", "C:\\Users\\u\\AppData\\Roaming\\npm\\node_modules\\@anthropic-ai\\claude-code\\cli.js"})));
}

TEST_CASE("Gemini CLI is recognised by its paths, not every node process", "[agent][process]") {
  for (const auto os : {util::Os::linux, util::Os::macos}) {
    CHECK(is_agent(AgentKind::gemini, os,
                   proc(40, "node", "/usr/bin/node",
                        {"node", "--max-old-space-size=4096", "/usr/lib/node_modules/@google/gemini-cli/dist/index.js"})));
    CHECK(is_agent(AgentKind::gemini, os, proc(41, "node", "/usr/bin/node", {"node", "/usr/local/bin/gemini"})));
    CHECK_FALSE(is_agent(AgentKind::gemini, os, proc(42, "node", "/usr/bin/node", {"node", "/srv/app/server.js"})));
  }
  CHECK(is_agent(AgentKind::gemini, util::Os::windows,
                 proc(43, "node.exe", "C:\\Program Files\\nodejs\\node.exe",
                      {"node", "C:\\Users\\u\\AppData\\Roaming\\npm\\node_modules\\@google\\gemini-cli\\dist\\index.js"})));
}

TEST_CASE("docs/configuration.md shows every profile's defaults as the table has them", "[agent][docs]") {
  const auto doc = test::read_text(std::filesystem::path(CODEXSYNC_SOURCE_DIR) / "docs" / "configuration.md");
  const auto expected = agent::defaults_markdown();
  INFO("Replace the profile tables in docs/configuration.md (between the profile-defaults markers) with:\n"
       << expected);
  CHECK(doc.find("<!-- profile-defaults:begin -->\n" + expected + "<!-- profile-defaults:end -->") !=
        std::string::npos);
}
