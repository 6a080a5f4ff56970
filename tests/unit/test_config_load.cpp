#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/config/load.hpp>
#include <codexsync/config/template.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/text.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>

using namespace codexsync;
using namespace codexsync::config;
using codexsync::test::ConfigFixture;

namespace {

// Loads `text`, expecting a ConfigError; returns all its problems as one string.
std::string load_error(const ConfigFixture& f, const std::string& text) {
  try {
    f.load(text);
  } catch (const ConfigError& e) {
    CHECK(e.code() == ExitCode::invalid_config);
    return util::join(e.problems(), "\n");
  }
  FAIL("expected a ConfigError for:\n" << text);
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("a minimal config loads with the documented defaults", "[config]") {
  ConfigFixture f;
  const auto result = f.load(f.base());
  const auto& c = result.config;
  CHECK(result.warnings.empty());
  CHECK(c.identity.machine_id == "machine-a");
  CHECK(c.paths.cloud_root_dir == f.dir / "cloud/sync");
  CHECK(c.paths.backup_dir == f.dir / "cloud/backups");
  CHECK(c.paths.temp_dir == f.dir / "cloud/.tmp");
  CHECK(c.paths.local_state_dir == f.dir / "home/.codex");
  CHECK(c.paths.local_state_dir_source == StateDirSource::config);
  CHECK(c.sync.direction == Direction::bidirectional);
  CHECK(c.sync.compare == Compare::mtime);
  CHECK(c.sync.time_tolerance_seconds == 0);
  CHECK(c.sync.equal_mtime_action == EqualMtimeAction::skip);
  CHECK(c.sync.delete_policy == DeletePolicy::never);
  CHECK(c.sync.dry_run_default);
  CHECK(c.sync.session_mode == SessionMode::all);
  CHECK(c.conflict.policy == ConflictPolicy::manual_abort);
  CHECK(c.conflict.report_conflicts);
  CHECK(c.backup.backup_before_overwrite);
  CHECK(c.backup.retention_days == 30);
  CHECK(c.backup.max_backups == 0);
  CHECK(c.backup.compression == Compression::none);
  CHECK(c.safety.require_codex_stopped);
  CHECK(c.safety.fail_on_unknown);
  CHECK(c.process_detection.process_names == std::vector<std::string>{"codex.exe", "codex", "codex-app-server"});
  CHECK(c.process_detection.grace_period_seconds == 2);
  CHECK_FALSE(c.process_detection.allow_terminate_if_running);
  CHECK(c.process_detection.terminate_timeout_seconds == 20);
  CHECK(c.process_detection.background_process_names.at("linux").size() == 6);
  CHECK_FALSE(c.state.manifest_file.has_value());
  CHECK(c.state.data_version == 1);
  CHECK(c.logging.level == LogLevel::info);
  CHECK_FALSE(c.logging.file.has_value());
  CHECK(c.logging.format == LogFormat::text);
  CHECK(c.logging.retention_days == 7);
  CHECK(c.logging.archive_mode == ArchiveMode::zip);
  CHECK(c.logging.max_file_size_mb == 10);
  CHECK(write_blockers(c).empty());
}

TEST_CASE("invalid TOML is reported with file, line and column", "[config]") {
  ConfigFixture f;
  const auto error = load_error(f, "[sync]\ndirection = \"to_cloud\n");
  CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.file()) + ":2:"));
  CHECK_THAT(error, CS_CONTAINS("invalid TOML"));
}

TEST_CASE("a UTF-8 byte order mark is accepted", "[config]") {
  ConfigFixture f;
  CHECK_NOTHROW(f.load("\xEF\xBB\xBF" + f.base()));
}

TEST_CASE("wrong types are errors that name the key and its position", "[config]") {
  ConfigFixture f;
  struct Case {
    std::string toml;
    std::string expected;
  };
  const std::vector<Case> cases{
    {"[sync]\ndry_run_default = \"false\"\n", "sync.dry_run_default must be true or false"},
    {"[conflict]\nreport_conflicts = 0\n", "conflict.report_conflicts must be true or false"},
    {"[filters]\nexclude_globs = \"**/*.lock\"\n", "filters.exclude_globs must be a list of strings"},
    {"[filters]\nexclude_globs = [\"a\", 3]\n", "filters.exclude_globs must hold only strings"},
    {"[sync]\ntime_tolerance_seconds = \"two\"\n", "sync.time_tolerance_seconds must be a whole number"},
    {"[backup]\nretention_days = 1.5\n", "backup.retention_days must be a whole number"},
    {"[sync]\ndirection = 1\n", "sync.direction must be a string"},
    {"[process_detection]\nprocess_names = \"codex\"\n", "process_detection.process_names must be a list"},
    {"sync = 3\n", "[sync] must be a table"},
  };
  for (const auto& c : cases) {
    INFO(c.toml);
    // Appended sections would clash with base()'s; put the case first.
    const auto error = load_error(f, c.toml + f.base());
    CHECK_THAT(error, CS_CONTAINS(c.expected));
    CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.file()) + ":"));
  }
}

TEST_CASE("unknown enum values list the allowed ones", "[config]") {
  ConfigFixture f;
  struct Case {
    std::string toml;
    std::string expected;
  };
  const std::vector<Case> cases{
    {"[sync]\ndirection = \"both\"\n", "\"bidirectional\", \"to_cloud\", \"to_local\""},
    {"[sync]\ncompare = \"sha1\"\n", "sync.compare = \"sha1\" is not allowed"},
    {"[sync]\nequal_mtime_action = \"newest\"\n", "\"manual_abort\""},
    {"[sync]\ndelete_policy = \"always\"\n", "\"propagate\""},
    {"[sync]\nsession_mode = \"some\"\n", "\"last_date_only\""},
    {"[sync]\nmode = \"hot\"\n", "only \"cold\" exists"},
    {"[conflict]\npolicy = \"newest\"\n", "\"prefer_newer_mtime\""},
    {"[backup]\ncompression = \"gzip\"\n", "\"zip\""},
    {"[process_detection]\nterminate_confirmation_mode = \"popup\"\n", "\"console\""},
    {"[logging]\nlevel = \"LOUD\"\n", "\"WARNING\""},
    {"[logging]\nformat = \"xml\"\n", "\"logfmt\""},
    {"[logging]\narchive_mode = \"7z\"\n", "\"text\", \"zip\""},
  };
  for (const auto& c : cases) {
    INFO(c.toml);
    const auto error = load_error(f, c.toml + f.base());
    CHECK_THAT(error, CS_CONTAINS(c.expected));
    CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.file()) + ":2:"));
  }
}

TEST_CASE("log level is case-insensitive", "[config]") {
  ConfigFixture f;
  CHECK(f.load("[logging]\nlevel = \"debug\"\n" + f.base()).config.logging.level == LogLevel::debug);
  CHECK(f.load("[logging]\nlevel = \"Warning\"\n" + f.base()).config.logging.level == LogLevel::warning);
}

TEST_CASE("negative or out-of-range counts are errors", "[config]") {
  ConfigFixture f;
  const std::vector<std::string> cases{
    "[sync]\ntime_tolerance_seconds = -1\n",
    "[backup]\nretention_days = -1\n",
    "[backup]\nmax_backups = -5\n",
    "[process_detection]\ngrace_period_seconds = -2\n",
    "[process_detection]\nterminate_timeout_seconds = -1\n",
    "[logging]\nretention_days = -7\n",
    "[logging]\nmax_file_size_mb = 0\n",
    "[state]\ndata_version = 2\n",
  };
  for (const auto& c : cases) {
    INFO(c);
    const auto error = load_error(f, c + f.base());
    CHECK((contains(error, "must be between") || contains(error, "data_version must be 1, not 2")));
  }
}

TEST_CASE("include_roots that are empty, the whole folder, absolute or escaping are refused", "[config]") {
  ConfigFixture f;
  struct Case {
    std::string roots;
    std::string expected;
  };
  const std::vector<Case> cases{
    {"[]", "targets.include_roots is empty"},
    {"[\"\"]", "would sync the whole state folder"},
    {"[\".\"]", "would sync the whole state folder"},
    {"[\"./\"]", "would sync the whole state folder"},
    {"[\"a/..\"]", "names the whole state folder"},
    {"[\"/etc\"]", "is absolute"},
    {"[\"C:/Users/me\"]", "is absolute"},
    {"[\"\\\\\\\\server\\\\share\"]", "is absolute"},
    {"[\"~/x\"]", "is absolute"},
    {"[\"../x\"]", "leads out of the agent's state folder"},
    {"[\"a/../../x\"]", "leads out of the agent's state folder"},
    {"[\"a\\\\..\\\\..\\\\x\"]", "leads out of the agent's state folder"},
  };
  for (const auto& c : cases) {
    INFO(c.roots);
    auto text = f.base();
    text.replace(text.find("[\"skills\"]"), 10, c.roots);
    CHECK_THAT(load_error(f, text), CS_CONTAINS(c.expected));
  }
}

TEST_CASE("include_roots are normalised and de-duplicated", "[config]") {
  ConfigFixture f;
  auto text = f.base();
  text.replace(text.find("[\"skills\"]"), 10, "[\"skills/\", \"./skills\", \"rules\\\\x\", \"a/./b/../c\"]");
  const auto roots = f.load(text).config.targets.include_roots;
  CHECK(roots == std::vector<std::string>{"skills", "rules/x", "a/c"});
}

TEST_CASE("a missing include_roots is an error that shows an example", "[config]") {
  ConfigFixture f;
  auto text = f.base();
  text.erase(text.find("[targets]"));
  CHECK_THAT(load_error(f, text), CS_CONTAINS("targets.include_roots is not set"));
}

TEST_CASE("cloud, backup and temp folders are required", "[config]") {
  ConfigFixture f;
  for (const std::string key : {"cloud_root_dir", "backup_dir", "temp_dir"}) {
    INFO(key);
    auto text = f.base();
    const auto at = text.find(key + " =");
    text.erase(at, text.find('\n', at) - at + 1);
    CHECK_THAT(load_error(f, text), CS_CONTAINS("paths." + key + " is required"));
  }
}

TEST_CASE("paths: ${workspace_root}, ~, relative and \\\\?\\ prefixed paths resolve", "[config]") {
  ConfigFixture f;
  const std::string text = "[paths]\nworkspace_root_dir = \"~/Cloud\"\n"
                           "cloud_root_dir = \"${workspace_root}/sync\"\n"
                           "backup_dir = \"bk\"\n"
                           "temp_dir = '\\\\?\\" + (f.dir / "tmp-x").string() + "'\n"
                           "[targets]\ninclude_roots = [\"skills\"]\n"
                           "[logging]\nfile = \"logs/codexsync.log\"\n";
  const auto c = f.load(text).config;
  CHECK(c.paths.workspace_root_dir == f.dir / "home/Cloud");
  CHECK(c.paths.cloud_root_dir == f.dir / "home/Cloud/sync");
  CHECK(c.paths.backup_dir == f.dir / "home/Cloud/bk");  // relative: against the workspace
  CHECK(c.paths.temp_dir == f.dir / "tmp-x");            // the \\?\ prefix is stripped
  CHECK(c.logging.file == f.dir / "home/Cloud/logs/codexsync.log");
}

TEST_CASE("relative paths resolve against the config's folder when no workspace is set", "[config]") {
  ConfigFixture f;
  const std::string text = "[paths]\ncloud_root_dir = \"cloud/sync\"\nbackup_dir = \"cloud/bk\"\n"
                           "temp_dir = \"cloud/tmp\"\n[targets]\ninclude_roots = [\"skills\"]\n";
  const auto c = config::load_config_text(text, f.dir / "sub/config.toml", f.env).config;
  CHECK(c.paths.cloud_root_dir == f.dir / "sub/cloud/sync");
  CHECK_FALSE(c.paths.workspace_root_dir.has_value());
}

TEST_CASE("${workspace_root} without workspace_root_dir, and other ${...}, are errors", "[config]") {
  ConfigFixture f;
  const std::string text = "[paths]\ncloud_root_dir = \"${workspace_root}/sync\"\nbackup_dir = \"${HOME}/bk\"\n"
                           "temp_dir = \"t\"\n[targets]\ninclude_roots = [\"skills\"]\n";
  const auto error = load_error(f, text);
  CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.file()) + ":2:18: paths.cloud_root_dir uses ${workspace_root}, but "
                                            "paths.workspace_root_dir is not set"));
  CHECK_THAT(error, CS_CONTAINS("the only substitution is ${workspace_root}"));
}

TEST_CASE("local_state_dir falls back to CODEX_HOME, then ~/.codex, when unset or missing", "[config]") {
  ConfigFixture f;
  auto without = f.base();
  const auto at = without.find("local_state_dir");
  without.erase(at, without.find('\n', at) - at + 1);

  SECTION("unset, no CODEX_HOME: ~/.codex") {
    const auto c = f.load(without).config;
    CHECK(c.paths.local_state_dir == f.dir / "home/.codex");
    CHECK(c.paths.local_state_dir_source == StateDirSource::home_default);
  }
  SECTION("unset, CODEX_HOME set") {
    f.dir.mkdir("codex-home");
    f.env.vars["CODEX_HOME"] = (f.dir / "codex-home").string();
    const auto c = f.load(without).config;
    CHECK(c.paths.local_state_dir == f.dir / "codex-home");
    CHECK(c.paths.local_state_dir_source == StateDirSource::codex_home_env);
  }
  SECTION("set but missing: falls back with a warning") {
    auto text = f.base();
    const auto pos = text.find(".codex'");
    text.replace(pos, 7, ".codex-gone'");
    const auto result = f.load(text);
    CHECK(result.config.paths.local_state_dir_source == StateDirSource::home_default);
    REQUIRE(result.warnings.size() == 1);
    CHECK_THAT(result.warnings[0], CS_CONTAINS("does not exist; using"));
  }
}

TEST_CASE("unknown keys and codexSync 0.2 sections are warnings with their line", "[config]") {
  ConfigFixture f;
  const auto result = f.load(f.base() + "[sync]\nfancy = 1\n[handoff]\nenabled = true\n[weird]\nx = 1\n");
  REQUIRE(result.warnings.size() == 3);
  CHECK_THAT(result.warnings[0], CS_CONTAINS(":12:1: warning: unknown key 'sync.fancy'"));
  CHECK_THAT(result.warnings[1], CS_CONTAINS("[handoff] is a codexSync 0.2 feature"));
  CHECK_THAT(result.warnings[2], CS_CONTAINS("unknown section or key 'weird'"));
}

TEST_CASE("scheduler.stale_after_hours: default 24, a whole number of at least 1", "[config]") {
  ConfigFixture f;
  CHECK(f.load(f.base()).config.scheduler.stale_after_hours == 24);
  const auto ok = f.load(f.base() + "[scheduler]\nstale_after_hours = 36\n");
  CHECK(ok.warnings.empty());
  CHECK(ok.config.scheduler.stale_after_hours == 36);
  CHECK(f.load(f.base() + "[scheduler]\nstale_after_hours = 1\n").config.scheduler.stale_after_hours == 1);
  CHECK_THAT(load_error(f, f.base() + "[scheduler]\nstale_after_hours = 0\n"),
             CS_CONTAINS(":12:21: scheduler.stale_after_hours must be between 1 and 8784, not 0"));
  CHECK_THAT(load_error(f, f.base() + "[scheduler]\nstale_after_hours = -3\n"),
             CS_CONTAINS("scheduler.stale_after_hours must be between 1 and 8784, not -3"));
  CHECK_THAT(load_error(f, f.base() + "[scheduler]\nstale_after_hours = \"24\"\n"),
             CS_CONTAINS("scheduler.stale_after_hours must be a whole number, not a string \"24\""));
  CHECK_THAT(load_error(f, f.base() + "[scheduler]\nstale_after_hours = 1.5\n"),
             CS_CONTAINS("scheduler.stale_after_hours must be a whole number, not a number with a fraction"));
}

TEST_CASE("codexSync 0.2's [scheduler] keys are ignored with a warning that names schedule install", "[config]") {
  ConfigFixture f;
  const auto result = f.load(f.base() +
                             "[scheduler]\nenabled = true\nmode = \"interval\"\ninterval_seconds = 900\n"
                             "run_at_login = true\nstartup_delay_seconds = 30\njitter_seconds = 5\n"
                             "sync_at_login = true\nstale_after_hours = 12\nbogus = 1\n");
  CHECK(result.config.scheduler.stale_after_hours == 12);
  REQUIRE(result.warnings.size() == 8);
  const std::vector<std::string> peer{"enabled",        "mode",          "interval_seconds", "run_at_login",
                                      "startup_delay_seconds", "jitter_seconds", "sync_at_login"};
  for (std::size_t i = 0; i < peer.size(); ++i) {
    INFO(result.warnings[i]);
    CHECK_THAT(result.warnings[i], CS_CONTAINS(fmt::format(":{}:1: warning: scheduler.{} is a codexSync 0.2 setting "
                                                           "that codexsync ignores",
                                                           12 + i, peer[i])));
    CHECK_THAT(result.warnings[i], CS_CONTAINS("codexsync schedule install --every … --at-login"));
  }
  CHECK_THAT(result.warnings[7], CS_CONTAINS("unknown key 'scheduler.bogus' (ignored)"));
}

TEST_CASE("notify.command is a shell string or a program with arguments", "[config]") {
  ConfigFixture f;
  const auto none = f.load(f.base()).config.notify;
  CHECK_FALSE(none.configured());
  CHECK(none.timeout_seconds == 30);

  const auto shell = f.load(f.base() + "[notify]\ncommand = 'notify-send \"$CODEXSYNC_MESSAGE\"'\n").config.notify;
  CHECK(shell.configured());
  CHECK(shell.shell_command == "notify-send \"$CODEXSYNC_MESSAGE\"");
  CHECK(shell.argv.empty());

  const auto argv =
      f.load(f.base() + "[notify]\ncommand = [\"notify-send\", \"a b\"]\ntimeout_seconds = 5\n").config.notify;
  CHECK(argv.configured());
  CHECK(argv.shell_command.empty());
  CHECK(argv.argv == std::vector<std::string>{"notify-send", "a b"});
  CHECK(argv.timeout_seconds == 5);

  CHECK_THAT(load_error(f, f.base() + "[notify]\ncommand = 5\n"),
             CS_CONTAINS(":12:11: notify.command must be a string (run by the shell) or a list of strings (a "
                         "program and its arguments, run directly), not an integer 5"));
  CHECK_THAT(load_error(f, f.base() + "[notify]\ncommand = \"  \"\n"), CS_CONTAINS("notify.command is empty"));
  CHECK_THAT(load_error(f, f.base() + "[notify]\ncommand = []\n"), CS_CONTAINS("notify.command is an empty list"));
  CHECK_THAT(load_error(f, f.base() + "[notify]\ncommand = [\"x\", 1]\n"),
             CS_CONTAINS("notify.command must hold only strings, but has an integer 1"));
  CHECK_THAT(load_error(f, f.base() + "[notify]\ntimeout_seconds = 0\n"),
             CS_CONTAINS("notify.timeout_seconds must be between 1 and 3600, not 0"));
}

TEST_CASE("background_process_names accepts only windows, macos and linux", "[config]") {
  ConfigFixture f;
  const auto ok = f.load(f.base() + "[process_detection.background_process_names]\nlinux = [\"helper\"]\n");
  CHECK(ok.config.process_detection.background_process_names.at("linux") == std::vector<std::string>{"helper"});
  CHECK(ok.config.process_detection.background_process_names.at("windows").size() == 3);
  const auto error = load_error(f, f.base() + "[process_detection.background_process_names]\nbsd = [\"x\"]\n");
  CHECK_THAT(error, CS_CONTAINS("background_process_names.bsd is not allowed"));
}

TEST_CASE("process_names are lower-cased and de-duplicated, an empty list is refused", "[config]") {
  ConfigFixture f;
  const auto c = f.load("[process_detection]\nprocess_names = [\"Codex.EXE\", \"codex.exe\", \" codex \"]\n" +
                        f.base())
                   .config;
  CHECK(c.process_detection.process_names == std::vector<std::string>{"codex.exe", "codex"});
  CHECK_THAT(load_error(f, "[process_detection]\nprocess_names = []\n" + f.base()), CS_CONTAINS("process_detection.process_names is empty"));
}

TEST_CASE("machine_id: empty is refused, unsafe characters are sanitised with a warning", "[config]") {
  ConfigFixture f;
  auto text = f.base();
  text.replace(text.find("\"machine-a\""), 11, "\"\"");
  CHECK_THAT(load_error(f, text), CS_CONTAINS("identity.machine_id is empty"));

  text = f.base();
  text.replace(text.find("\"machine-a\""), 11, "\"My PC/1\"");
  const auto result = f.load(text);
  CHECK(result.config.identity.effective_machine_id == "My-PC-1");
  REQUIRE(result.warnings.size() == 1);
  CHECK_THAT(result.warnings[0], CS_CONTAINS("is written as \"My-PC-1\""));
}

namespace {

// base() with one [paths]/[logging]/[state] line replaced or added.
std::string with_path(const ConfigFixture& f, const std::string& key, const std::string& value) {
  auto text = f.base();
  const auto at = text.find(key + " =");
  if (at != std::string::npos) {
    text.replace(at, text.find('\n', at) - at, key + " = '" + value + "'");
    return text;
  }
  if (key == "file") {
    return text + "[logging]\nfile = '" + value + "'\n";
  }
  return text + "[state]\nmanifest_file = '" + value + "'\n";
}

} // namespace

TEST_CASE("no codexsync folder may lie inside the agent's state folder", "[config]") {
  ConfigFixture f;
  const auto state = (f.dir / "home/.codex").string();
  for (const std::string key : {"cloud_root_dir", "backup_dir", "temp_dir"}) {
    INFO(key);
    const auto error = load_error(f, with_path(f, key, state + "/inner"));
    CHECK_THAT(error, CS_CONTAINS("lies inside the agent's state folder"));
    CHECK_THAT(error, CS_CONTAINS("paths." + key));
  }
  CHECK_THAT(load_error(f, with_path(f, "file", state + "/logs/c.log")), CS_CONTAINS("the log folder (logging.file)"));
  CHECK_THAT(load_error(f, with_path(f, "manifest_file", state + "/m.json")), CS_CONTAINS("lies inside the agent's state folder"));
  CHECK_THAT(load_error(f, with_path(f, "cloud_root_dir", state)), CS_CONTAINS("lies inside the agent's state folder"));
}

TEST_CASE("the agent's state folder may not lie inside a codexsync folder", "[config]") {
  ConfigFixture f;
  const auto error = load_error(f, with_path(f, "cloud_root_dir", (f.dir / "home").string()));
  CHECK_THAT(error, CS_CONTAINS("the agent's state folder"));
  CHECK_THAT(error, CS_CONTAINS("lies inside the cloud mirror (paths.cloud_root_dir)"));
}

TEST_CASE("two codexsync folders may not be the same, nor cloud/backup/temp nest", "[config]") {
  ConfigFixture f;
  const auto cloud = (f.dir / "cloud").string();
  CHECK_THAT(load_error(f, with_path(f, "backup_dir", cloud + "/sync")), CS_CONTAINS("are the same folder"));
  CHECK_THAT(load_error(f, with_path(f, "temp_dir", cloud + "/sync/tmp")), CS_CONTAINS("lies inside the cloud mirror"));
  CHECK_THAT(load_error(f, with_path(f, "cloud_root_dir", cloud + "/backups/sync")), CS_CONTAINS("lies inside the backup folder"));
  CHECK_THAT(load_error(f, with_path(f, "file", cloud + "/sync/codexsync.log")), CS_CONTAINS("the log folder (logging.file)"));
  CHECK_THAT(load_error(f, with_path(f, "manifest_file", cloud + "/.tmp/manifest.json")), CS_CONTAINS("are the same folder"));
  // Logs beside the manifest's folder, both outside the mirror: fine.
  CHECK_NOTHROW(f.load(with_path(f, "file", cloud + "/logs/c.log")));
}

CS_POSIX_ONLY("folders are compared as real paths: a symlink does not hide an overlap",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
#ifndef _WIN32
TEST_CASE("folders are compared as real paths: a symlink does not hide an overlap", "[config]") {
  ConfigFixture f;
  std::filesystem::create_directory_symlink(f.dir / "home/.codex", f.dir / "alias");
  const auto error = load_error(f, with_path(f, "backup_dir", (f.dir / "alias/backups").string()));
  CHECK_THAT(error, CS_CONTAINS("lies inside the agent's state folder"));
}
#endif

TEST_CASE("write blockers: backup off and last_date_only, not termination", "[config]") {
  ConfigFixture f;
  const auto c = f.load(f.base() + "[backup]\nbackup_before_overwrite = false\n"
                                   "[process_detection]\nallow_terminate_if_running = true\n"
                                   "[sync]\nsession_mode = \"last_date_only\"\n")
                   .config;
  const auto blockers = write_blockers(c);
  REQUIRE(blockers.size() == 2);  // closing the agent after a confirmation is allowed
  CHECK_THAT(blockers[0], CS_CONTAINS(":12:27: backup.backup_before_overwrite = false is refused"));
  CHECK_THAT(blockers[1], CS_CONTAINS("\"last_date_only\" is refused"));
  CHECK_THROWS_AS(require_writable(c), ConfigError);
  CHECK_NOTHROW(require_writable(f.load(f.base()).config));
}

TEST_CASE("every problem is reported at once, not only the first", "[config]") {
  ConfigFixture f;
  const auto error = load_error(f, "[sync]\ndirection = \"x\"\ncompare = \"y\"\n" + f.base());
  CHECK_THAT(error, CS_CONTAINS(":2:"));
  CHECK_THAT(error, CS_CONTAINS(":3:"));
}

TEST_CASE("the shipped template loads, validates and uses every known key", "[config]") {
  ConfigFixture f;
  const std::string tmpl = config::render_template({});
  const auto result = f.load(tmpl);
  CHECK(result.warnings.empty());
  CHECK(write_blockers(result.config).empty());
  for (const auto& key : known_keys()) {
    const auto name = key.substr(key.rfind('.') + 1);
    INFO(key);
    CHECK(tmpl.find(name + " =") != std::string::npos);
  }
}

TEST_CASE("a codexSync 0.1 config loads unchanged and its unsafe setting blocks writes", "[config]") {
  ConfigFixture f;
  // The shape of the 0.1 template: Windows paths, 0.1 defaults, termination on.
  const std::string text = R"([identity]
machine_id = "machine-a"

[paths]
workspace_root_dir = "D:/GDrive/codexSync"
local_state_dir = "C:/Users/USERNAME/.codex"
cloud_root_dir = "${workspace_root}/sync"
backup_dir = "${workspace_root}/backups"
temp_dir = "${workspace_root}/.tmp"

[sync]
mode = "cold"
direction = "bidirectional"
compare = "mtime"
time_tolerance_seconds = 2
equal_mtime_action = "skip"
delete_policy = "never"
dry_run_default = true
session_mode = "last_date_only"

[targets]
include_roots = ["sessions", "session_index.jsonl", "skills", "plugins"]

[filters]
exclude_globs = ["**/*.lock", "**/*.tmp", "**/tmp/**"]

[conflict]
policy = "manual_abort"
report_conflicts = true

[backup]
backup_before_overwrite = true
retention_days = 30
max_backups = 0
compression = "none"

[safety]
require_codex_stopped = true
fail_on_unknown = true

[process_detection]
process_names = ["codex.exe", "codex"]
grace_period_seconds = 2
allow_terminate_if_running = true
manual_terminate_confirmation = true
terminate_confirmation_mode = "gui"
terminate_timeout_seconds = 20

[process_detection.background_process_names]
windows = ["codex-windows-sandbox"]

[state]
manifest_file = "${workspace_root}/state/manifest.json"
data_version = 1
# lease_file = "${workspace_root}/state/lease.json"

[logging]
level = "INFO"
file = "${workspace_root}/logs/codexsync.log"
format = "text"
retention_days = 7
archive_mode = "zip"
max_file_size_mb = 10
)";
  const auto result = f.load(text);
  CHECK(result.config.sync.time_tolerance_seconds == 2);
  CHECK(result.config.process_detection.process_names == std::vector<std::string>{"codex.exe", "codex"});
  CHECK(result.config.process_detection.allow_terminate_if_running);
  const auto blockers = write_blockers(result.config);
  REQUIRE(blockers.size() == 1);
  CHECK_THAT(blockers[0], CS_CONTAINS("last_date_only"));
}

TEST_CASE("with no state folder setting and no HOME or CODEX_HOME, the config is refused", "[config]") {
  ConfigFixture f;
  f.env.vars.erase("HOME");
  auto text = f.base();
  const auto pos = text.find(".codex'");
  text.replace(pos, 7, ".codex-gone'");
  text.replace(text.find("[paths]\nworkspace_root_dir = '"), 30, "[paths]\nworkspace_root_dir = '");
  CHECK_THAT(load_error(f, text), CS_CONTAINS("cannot find the agent's state folder"));
}

TEST_CASE("warnings are shown along with errors", "[config]") {
  ConfigFixture f;
  const auto error = load_error(f, "[sync]\ndirection = \"x\"\ndry_run_defualt = false\n" + f.base());
  CHECK_THAT(error, CS_CONTAINS("unknown key 'sync.dry_run_defualt'"));
}
