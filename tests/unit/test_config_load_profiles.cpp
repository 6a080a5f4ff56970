#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/agent/profile.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/state/run_record.hpp>
#include <codexsync/util/text.hpp>
#include <codexsync/util/fs.hpp>

#include <string>

// [agent] kind and [profiles.<name>] in src/config/load.cpp.

using namespace codexsync;
using namespace codexsync::config;
using codexsync::test::ConfigFixture;

namespace {

std::string load_error(const ConfigFixture& f, const std::string& text,
                       const std::optional<std::string>& profile = std::nullopt) {
  try {
    load_config_text(text, f.file(), f.env, profile);
  } catch (const ConfigError& e) {
    CHECK(e.code() == ExitCode::invalid_config);
    return util::join(e.problems(), "\n");
  }
  FAIL("expected a ConfigError for:\n" << text);
  return {};
}

LoadResult load(const ConfigFixture& f, const std::string& text, const std::optional<std::string>& profile) {
  return load_config_text(text, f.file(), f.env, profile);
}

// The shared part of a file with profiles: identity, workspace, backups, temp.
std::string shared(const ConfigFixture& f) {
  return "[identity]\nmachine_id = \"machine-a\"\n"
         "[paths]\nworkspace_root_dir = '" + (f.dir / "cloud").string() + "'\n"
         "backup_dir = \"${workspace_root}/backups\"\n"
         "temp_dir = \"${workspace_root}/.tmp\"\n";
}

// Two agents: Claude Code and a Codex profile named "work".
std::string two_profiles(const ConfigFixture& f) {
  f.dir.mkdir("home/.claude");
  f.dir.mkdir("home/work-codex");
  return shared(f) + "[conflict]\npolicy = \"prefer_local\"\n"
                     "[profiles.claude]\nlocal_state_dir = '" + (f.dir / "home/.claude").string() + "'\n"
                     "[profiles.work]\nkind = \"codex\"\nlocal_state_dir = '" + (f.dir / "home/work-codex").string() +
                     "'\ncloud_root_dir = \"${workspace_root}/codex-work\"\n"
                     "[profiles.work.conflict]\npolicy = \"prefer_cloud\"\n"
                     "[profiles.work.targets]\ninclude_roots = [\"sessions\"]\n";
}

} // namespace

TEST_CASE("[agent] kind: the profile fills what the file leaves out", "[config]") {
  ConfigFixture f;
  f.dir.mkdir("home/.claude");
  auto text = f.base();
  text.erase(text.find("[targets]"));
  text.replace(text.find("home/.codex"), 11, "home/.claude");
  text += "[agent]\nkind = \"claude\"\n";
  const auto c = f.load(text).config;
  const auto& claude = agent::profile(AgentKind::claude);
  CHECK(c.agent.kind == AgentKind::claude);
  CHECK(c.agent.profile.empty());
  CHECK(c.targets.include_roots == claude.include_roots);
  CHECK(c.filters.exclude_globs == claude.exclude_globs);
  CHECK(c.filters.never_sync_globs == claude.never_sync_globs);
  CHECK(c.sync.append_only_globs == claude.append_only_globs);
  CHECK(c.sync.append_only_globs.front() == "projects/**/*.jsonl");
  CHECK(c.sync.merge_line_globs == std::vector<std::string>{"/history.jsonl"});
  CHECK(c.process_detection.process_names == std::vector<std::string>{"claude", "claude.exe"});  // Linux
  CHECK(c.process_detection.background_process_names.at("macos") ==
        agent::processes_for(claude, util::Os::macos).background_names);

  SECTION("the process names are those of the OS the config is read on") {
    f.env.os = util::Os::macos;
    CHECK(f.load(text).config.process_detection.process_names == std::vector<std::string>{"claude.exe"});
  }
  SECTION("the file's own keys win; never_sync_globs only adds") {
    text += "[targets]\ninclude_roots = [\"projects\"]\n"
            "[filters]\nexclude_globs = [\"**/*.tmp\"]\nnever_sync_globs = [\"**/*.pem\"]\n"
            "[sync]\nappend_only_globs = []\n"
            "[process_detection]\nprocess_names = [\"Claude-Nightly\"]\n";
    const auto own = f.load(text).config;
    CHECK(own.targets.include_roots == std::vector<std::string>{"projects"});
    CHECK(own.filters.exclude_globs == std::vector<std::string>{"**/*.tmp"});
    CHECK(own.filters.never_sync_globs.size() == claude.never_sync_globs.size() + 1);
    CHECK(own.filters.never_sync_globs.back() == "**/*.pem");
    CHECK(own.sync.append_only_globs.empty());
    CHECK(own.process_detection.process_names == std::vector<std::string>{"claude-nightly"});
  }
}

TEST_CASE("the state folder falls back to the agent's variable and folder", "[config]") {
  ConfigFixture f;
  auto text = f.base();
  const auto at = text.find("local_state_dir");
  text.erase(at, text.find('\n', at) - at + 1);

  SECTION("claude: CLAUDE_CONFIG_DIR") {
    f.env.vars["CLAUDE_CONFIG_DIR"] = (f.dir / "claude-config").string();
    const auto c = f.load(text + "[agent]\nkind = \"claude\"\n").config;
    CHECK(c.paths.local_state_dir == f.dir / "claude-config");
    CHECK(c.paths.local_state_dir_source == StateDirSource::agent_env);
    CHECK(c.paths.local_state_dir_origin == "CLAUDE_CONFIG_DIR");
  }
  SECTION("gemini: ~/.gemini") {
    const auto c = f.load(text + "[agent]\nkind = \"gemini\"\n").config;
    CHECK(c.paths.local_state_dir == f.dir / "home/.gemini");
    CHECK(c.paths.local_state_dir_origin == "~/.gemini");
  }
  SECTION("pi: PI_CODING_AGENT_DIR with ~") {
    f.env.vars["PI_CODING_AGENT_DIR"] = "~/pi";
    const auto c = f.load(text + "[agent]\nkind = \"pi\"\n").config;
    CHECK(c.paths.local_state_dir == f.dir / "home/pi");
  }
  SECTION("a file without [agent] is Codex, as before") {
    const auto c = f.load(text).config;
    CHECK(c.agent.kind == AgentKind::codex);
    CHECK(c.paths.local_state_dir_origin == "~/.codex");
  }
  SECTION("custom: the file must name it") {
    const auto error = load_error(f, text + "[agent]\nkind = \"custom\"\n[process_detection]\nprocess_names = [\"x\"]\n");
    CHECK_THAT(error, CS_CONTAINS("paths.local_state_dir is required with [agent] kind = \"custom\""));
  }
}

TEST_CASE("a file without [agent] loads exactly as before: include_roots required, no excludes", "[config]") {
  ConfigFixture f;
  const auto c = f.load(f.base()).config;
  CHECK(c.agent.kind == AgentKind::codex);
  CHECK(c.filters.exclude_globs.empty());
  CHECK(c.targets.include_roots == std::vector<std::string>{"skills"});
  CHECK(c.process_detection.process_names == std::vector<std::string>{"codex.exe", "codex", "codex-app-server"});
  CHECK(c.process_detection.background_process_names == default_background_process_names());
  // The credential list is new and always there.
  CHECK(c.filters.never_sync_globs == agent::profile(AgentKind::codex).never_sync_globs);
  auto text = f.base();
  text.erase(text.find("[targets]"));
  CHECK_THAT(load_error(f, text), CS_CONTAINS("targets.include_roots is not set"));
  // Naming the agent brings its defaults.
  CHECK(f.load(text + "[agent]\nkind = \"codex\"\n").config.targets.include_roots ==
        agent::profile(AgentKind::codex).include_roots);
}

TEST_CASE("custom needs include_roots and process_names from the file", "[config]") {
  ConfigFixture f;
  auto text = f.base();
  text.erase(text.find("[targets]"));
  const auto error = load_error(f, text + "[agent]\nkind = \"custom\"\n");
  CHECK_THAT(error, CS_CONTAINS("targets.include_roots is not set"));
  CHECK_THAT(error, CS_CONTAINS("process_detection.process_names is not set"));
  const auto c = f.load(f.base() + "[agent]\nkind = \"custom\"\n[process_detection]\nprocess_names = [\"aider\"]\n")
                   .config;
  CHECK(c.filters.never_sync_globs.empty());
  CHECK(c.process_detection.process_names == std::vector<std::string>{"aider"});
}

TEST_CASE("an unknown kind and globs that cannot match are errors with their position", "[config]") {
  ConfigFixture f;
  CHECK_THAT(load_error(f, f.base() + "[agent]\nkind = \"cursor\"\n"),
             CS_CONTAINS(codexsync::util::display_path(f.file()) + ":12:8: agent.kind = \"cursor\" is not allowed; use one of \"codex\", "
                                             "\"claude\", \"gemini\", \"pi\", \"custom\""));
  const auto error = load_error(f, f.base() + "[filters]\nnever_sync_globs = [\"ok/**\",\n  \"../x\"]\n"
                                              "exclude_globs = [\"C:/Users/**\"]\n"
                                              "[sync]\nappend_only_globs = [\"~/x\"]\n");
  CHECK_THAT(error, CS_CONTAINS(":13:3: filters.never_sync_globs entry \"../x\" uses \"..\""));
  CHECK_THAT(error, CS_CONTAINS(":14:18: filters.exclude_globs entry \"C:/Users/**\" is an absolute path"));
  CHECK_THAT(error, CS_CONTAINS(":16:22: sync.append_only_globs entry \"~/x\" starts with ~"));
}

TEST_CASE("profiles: the top level and each profile load, each with its own folders", "[config]") {
  ConfigFixture f;
  const auto text = two_profiles(f);

  SECTION("the names, in file order; the top level is no config of its own") {
    const auto list = list_profiles_text(text, f.file(), f.env);
    CHECK(list.names == std::vector<std::string>{"claude", "work"});
    CHECK_FALSE(list.top_level);
  }
  SECTION("no --profile: pick one") {
    CHECK_THAT(load_error(f, text), CS_CONTAINS(":9:11: this config has profiles claude, work: pick one with "
                                                "--profile NAME (or `sync --all`)"));
  }
  SECTION("a profile named after its agent") {
    const auto c = load(f, text, "claude").config;
    CHECK(c.agent.kind == AgentKind::claude);
    CHECK(c.agent.profile == "claude");
    CHECK(c.paths.local_state_dir == f.dir / "home/.claude");
    CHECK(c.paths.cloud_root_dir == f.dir / "cloud/claude");
    CHECK(c.paths.backup_dir == f.dir / "cloud/backups/claude");
    CHECK(c.paths.temp_dir == f.dir / "cloud/.tmp/claude");
    CHECK(c.targets.include_roots == agent::profile(AgentKind::claude).include_roots);
    CHECK(c.conflict.policy == ConflictPolicy::prefer_local);  // the top level's
  }
  SECTION("a profile with its own kind, cloud folder and tables") {
    const auto result = load(f, text, "work");
    const auto& c = result.config;
    CHECK(result.warnings.empty());
    CHECK(c.agent.kind == AgentKind::codex);
    CHECK(c.paths.cloud_root_dir == f.dir / "cloud/codex-work");
    CHECK(c.paths.backup_dir == f.dir / "cloud/backups/work");
    CHECK(c.conflict.policy == ConflictPolicy::prefer_cloud);  // its own
    CHECK(c.targets.include_roots == std::vector<std::string>{"sessions"});
    CHECK(c.filters.exclude_globs == agent::profile(AgentKind::codex).exclude_globs);
  }
  SECTION("an unknown profile names the others") {
    CHECK_THAT(load_error(f, text, "gemini"),
               CS_CONTAINS("there is no profile \"gemini\" in this config; its profiles are claude, work"));
  }
  SECTION("--profile for a file without profiles") {
    CHECK_THAT(load_error(f, f.base(), "claude"), CS_CONTAINS("--profile claude was given, but this config has no "
                                                              "[profiles.<name>] tables"));
  }
}

TEST_CASE("profiles: a complete top level is a config of its own beside them", "[config]") {
  ConfigFixture f;
  f.dir.mkdir("home/.claude");
  const auto text = f.base() + "[filters]\nexclude_globs = [\"**/*.tmp\"]\nnever_sync_globs = [\"**/*.pem\"]\n"
                               "[process_detection]\nprocess_names = [\"my-codex\"]\ngrace_period_seconds = 5\n"
                               "[profiles.claude]\nlocal_state_dir = '" + (f.dir / "home/.claude").string() + "'\n"
                               "[profiles.claude.filters]\nnever_sync_globs = [\"**/*.key\"]\n";
  CHECK(list_profiles_text(text, f.file(), f.env).top_level);
  const auto top = f.load(text).config;
  CHECK(top.agent.profile.empty());
  CHECK(top.paths.cloud_root_dir == f.dir / "cloud/sync");
  CHECK(top.paths.backup_dir == f.dir / "cloud/backups");
  CHECK(top.process_detection.process_names == std::vector<std::string>{"my-codex"});

  const auto claude = load(f, text, "claude").config;
  // The agent's own lists are not taken from the top level...
  CHECK(claude.targets.include_roots == agent::profile(AgentKind::claude).include_roots);
  CHECK(claude.filters.exclude_globs == agent::profile(AgentKind::claude).exclude_globs);
  CHECK(claude.process_detection.process_names == std::vector<std::string>{"claude", "claude.exe"});
  // ...the rest is, and never-sync additions add up.
  CHECK(claude.process_detection.grace_period_seconds == 5);
  const auto& never = claude.filters.never_sync_globs;
  CHECK(std::find(never.begin(), never.end(), "**/*.pem") != never.end());
  CHECK(std::find(never.begin(), never.end(), "**/*.key") != never.end());
  CHECK(std::find(never.begin(), never.end(), ".credentials.json") != never.end());
}

TEST_CASE("profiles: what is wrong with them is reported with its position", "[config]") {
  ConfigFixture f;
  const auto top = shared(f);

  SECTION("a name that cannot name a folder, names that differ in case, a missing or unknown kind") {
    const auto error = load_error(f, top + "[profiles.\"a b\"]\nkind = \"codex\"\n"
                                           "[profiles.Claude]\n[profiles.claude]\n"
                                           "[profiles.work]\n"
                                           "[profiles.play]\nkind = \"cursor\"\n");
    CHECK_THAT(error, CS_CONTAINS("the profile name \"a b\" cannot name a folder"));
    CHECK_THAT(error, CS_CONTAINS("the profiles \"Claude\" and \"claude\" differ only in case"));
    CHECK_THAT(error, CS_CONTAINS("profiles.work.kind is not set"));
    CHECK_THAT(error, CS_CONTAINS(":13:8: profiles.play.kind = \"cursor\" is not allowed"));
    CHECK_THROWS_AS(list_profiles_text(top + "[profiles.work]\n", f.file(), f.env), ConfigError);
  }
  SECTION("a shared section inside a profile is refused; unknown keys are warnings") {
    const auto error = load_error(f, top + "[profiles.pi]\nlocal_dir = \"x\"\n[profiles.pi.identity]\nmachine_id = \"y\"\n"
                                           "[profiles.pi.sync]\ndirection = \"to_cloud\"\nscope = 1\n",
                                  "pi");
    CHECK_THAT(error, CS_CONTAINS(":9:14: [profiles.pi.identity] is not allowed: [identity] is shared"));
    CHECK_THAT(error, CS_CONTAINS(":8:1: warning: unknown key 'profiles.pi.local_dir' (ignored)"));
    CHECK_THAT(error, CS_CONTAINS(":13:1: warning: unknown key 'profiles.pi.sync.scope' (ignored)"));
  }
  SECTION("a bad value inside a profile points at the profile's line") {
    const auto error = load_error(f, top + "[profiles.pi]\n[profiles.pi.sync]\ndirection = \"both\"\n", "pi");
    CHECK_THAT(error, CS_CONTAINS(":9:13: sync.direction = \"both\" is not allowed"));
  }
  SECTION("no workspace for the default cloud folder") {
    const auto error = load_error(f, "[paths]\nbackup_dir = \"/b\"\ntemp_dir = \"/t\"\n[profiles.pi]\n", "pi");
    CHECK_THAT(error, CS_CONTAINS("profiles.pi.cloud_root_dir is not set, and there is no paths.workspace_root_dir"));
  }
  SECTION("two profiles may not share a cloud mirror") {
    const auto error = load_error(f, top + "[profiles.pi]\ncloud_root_dir = \"${workspace_root}/agents\"\n"
                                           "[profiles.gemini]\ncloud_root_dir = \"${workspace_root}/agents/gemini\"\n",
                                  "pi");
    CHECK_THAT(error, CS_CONTAINS("overlaps profile gemini's"));
  }
  SECTION("agent keys at a top level that is no config are not used: a warning") {
    const auto result = load(f, top + "[targets]\ninclude_roots = [\"skills\"]\n[profiles.pi]\n", "pi");
    REQUIRE(result.warnings.size() == 1);
    CHECK_THAT(result.warnings[0], CS_CONTAINS(":8:17: warning: targets.include_roots at the top level is not used"));
  }
}

TEST_CASE("run records are kept per profile; the top level keeps its key", "[config][state]") {
  const std::filesystem::path config("/home/me/config.toml");
  CHECK(state::run_record_key(config, "") == state::run_record_key(config));
  CHECK(state::run_record_key(config, "claude") != state::run_record_key(config));
  CHECK(state::run_record_key(config, "claude") != state::run_record_key(config, "pi"));
  CHECK(state::run_record_key(std::nullopt, "claude") == "no-config");
}
