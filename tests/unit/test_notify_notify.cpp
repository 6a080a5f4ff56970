#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/notify/notify.hpp>

#include <chrono>
#include <filesystem>

using namespace codexsync;
using codexsync::test::TempDir;

namespace {

state::RunRecord record(bool scheduled, int exit_code, std::size_t streak) {
  state::RunRecord r;
  r.command = "sync";
  r.mode = "apply";
  r.scheduled = scheduled;
  r.exit_code = exit_code;
  r.streak = scheduled ? streak : 0;
  r.machine = "laptop";
  r.config = "/home/me/c.toml";
  return r;
}

} // namespace

TEST_CASE("notify: the decision table", "[notify]") {
  struct Row {
    bool scheduled;
    int exit_code;
    std::size_t streak;
    bool notifies;
  };
  const std::vector<Row> rows{
    {true, 0, 1, false},  {true, 0, 5, false},  {true, 1, 1, true},  {true, 2, 1, true},
    {true, 3, 1, false},  {true, 3, 2, true},   {true, 3, 9, true},  {true, 4, 1, true},
    {true, 5, 1, true},   {false, 1, 0, false}, {false, 2, 0, false}, {false, 3, 0, false},
    {false, 4, 0, false}, {false, 5, 0, false},
  };
  for (const auto& row : rows) {
    INFO("scheduled " << row.scheduled << ", exit " << row.exit_code << ", streak " << row.streak);
    CHECK(notify::should_notify(record(row.scheduled, row.exit_code, row.streak)) == row.notifies);
  }
}

TEST_CASE("notify: one-line message and the variables", "[notify]") {
  auto r = record(true, 2, 1);
  r.first_error = "3 conflict(s) left open; nothing was written.";
  CHECK(notify::message(r) ==
        "sync --apply on laptop ended with exit 2 (conflict left open): 3 conflict(s) left open; nothing was written.");
  r.exit_code = 3;
  r.streak = 2;
  r.first_error.clear();
  r.machine.clear();
  CHECK(notify::message(r) == "sync --apply ended with exit 3 (agent running) (2 scheduled runs in a row)");

  const auto vars = notify::environment(record(true, 5, 1), "/state/runs/k/last-run.json");
  CHECK(vars.at("CODEXSYNC_EXIT_CODE") == "5");
  CHECK(vars.at("CODEXSYNC_OUTCOME") == "fail_safe");
  CHECK(vars.at("CODEXSYNC_COMMAND") == "sync --apply");
  CHECK(vars.at("CODEXSYNC_MACHINE") == "laptop");
  CHECK(vars.at("CODEXSYNC_MESSAGE") == "sync --apply on laptop ended with exit 5 (fail-safe abort)");
  CHECK(vars.at("CODEXSYNC_RUN_RECORD") == "/state/runs/k/last-run.json");
  CHECK(vars.at("CODEXSYNC_CONFIG") == "/home/me/c.toml");
  CHECK(vars.size() == 7);
}

TEST_CASE("notify: a string goes through the OS's shell, a list runs as it is", "[notify]") {
  TempDir dir;
  util::Environment env;
  env.inherit = false;
  env.os = util::Os::linux;
  config::Notify shell;
  shell.shell_command = "notify-send \"$CODEXSYNC_MESSAGE\"";
  auto how = notify::invocation(shell, env);
  CHECK(how.exe == "/bin/sh");
  CHECK(how.args == std::vector<std::string>{"-c", "notify-send \"$CODEXSYNC_MESSAGE\""});

  env.os = util::Os::windows;
  env.vars["ComSpec"] = "C:\\Windows\\system32\\cmd.exe";
  how = notify::invocation(shell, env);
  CHECK(how.exe == std::filesystem::path("C:\\Windows\\system32\\cmd.exe"));
  CHECK(how.args == std::vector<std::string>{"/d", "/s", "/c", "notify-send \"$CODEXSYNC_MESSAGE\""});

#ifdef _WIN32
  // The lookup with this computer's rules: a Linux PATH cannot hold "C:/...".
  env.os = util::Os::windows;
  env.vars["PATHEXT"] = ".exe";
  const auto tool = dir.write("bin/alert.exe", "");
#else
  env.os = util::Os::linux;
  const auto tool = dir.write("bin/alert", "#!/bin/sh\n");
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
#endif
  env.vars["PATH"] = (dir / "bin").string();
  config::Notify argv;
  argv.argv = {"alert", "a b", "$HOME"};
  how = notify::invocation(argv, env);
  CHECK(how.exe == tool);
  CHECK(how.args == std::vector<std::string>{"a b", "$HOME"});
  CHECK(how.problem.empty());

  argv.argv = {"no-such-program-here"};
  how = notify::invocation(argv, env);
  CHECK(how.exe.empty());
  CHECK_THAT(how.problem, CS_CONTAINS("\"no-such-program-here\" was not found"));
  const auto not_started = notify::run(argv, {}, env);
  CHECK_FALSE(not_started.started);
  CHECK_THAT(not_started.describe(), CS_CONTAINS("was not found"));
}

CS_POSIX_ONLY("notify: the command gets the variables, and a hanging one is stopped at its timeout",
              "runs /bin/sh scripts")
#ifndef _WIN32
TEST_CASE("notify: the command gets the variables, and a hanging one is stopped at its timeout", "[notify]") {
  TempDir dir;
  util::Environment env;
  config::Notify command;
  command.shell_command = "printf '%s|%s' \"$CODEXSYNC_EXIT_CODE\" \"$CODEXSYNC_MESSAGE\" > '" +
                          (dir / "got").string() + "'";
  const auto done = notify::run(command, notify::environment(record(true, 2, 1), dir / "r.json"), env);
  CHECK(done.ok());
  CHECK(test::read_text(dir / "got") == "2|sync --apply on laptop ended with exit 2 (conflict left open)");

  command.shell_command = "sleep 30";
  command.timeout_seconds = 1;
  const auto before = std::chrono::steady_clock::now();
  const auto hung = notify::run(command, {}, env);
  CHECK(hung.timed_out);
  CHECK_FALSE(hung.ok());
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(10));
}
#endif
