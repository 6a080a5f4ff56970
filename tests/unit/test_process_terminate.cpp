#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/fake_probe.hpp"
#include "support/temp_dir.hpp"

#include "../../src/process/terminate_detail.hpp"

#include <codexsync/process/terminate.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#endif
#ifdef __linux__
#include <sys/prctl.h>
#endif

using namespace codexsync;
using namespace codexsync::process;
using namespace std::chrono_literals;
using test::fake_process;
using test::FakeProbe;
using test::FakeSleeper;
using test::listed;
using test::unreadable;

namespace {

MatchRules codex_rules() {
  MatchRules rules;
  rules.os = util::Os::linux;
  rules.process_names = {"codex"};
  return rules;
}

Match match_of(const ProcessInfo& process) { return Match{process, "name \"codex\"", false}; }

// The OS calls, recorded instead of made.
struct RecordedActions {
  std::vector<std::uint64_t> asked;
  std::vector<std::uint64_t> forced;
  bool force_works = true;
  std::vector<std::uint64_t> cannot_ask;  // pids the polite request does not reach

  detail::CloseActions actions() {
    return detail::CloseActions{[this](const ProcessInfo& p) {
                                  asked.push_back(p.pid);
                                  return std::find(cannot_ask.begin(), cannot_ask.end(), p.pid) ==
                                         cannot_ask.end();
                                },
                                [this](const ProcessInfo& p) {
                                  forced.push_back(p.pid);
                                  return force_works;
                                }};
  }
};

detail::DialogAnswer dialog_says(detail::DialogAnswer::Kind kind) {
  return detail::DialogAnswer{kind, "no display here"};
}

struct Asked {
  bool result = false;
  std::string output;
};

Asked ask(const std::string& input, Confirmation how, bool interactive,
          detail::DialogAnswer::Kind dialog = detail::DialogAnswer::Kind::unavailable) {
  std::istringstream in(input);
  std::ostringstream out;
  const std::vector<Match> matches{match_of(fake_process(1, "codex"))};
  Asked asked;
  asked.result = detail::confirm_with(matches, how, in, out, interactive,
                                      [&](const std::string&) { return dialog_says(dialog); });
  asked.output = out.str();
  return asked;
}

} // namespace

TEST_CASE("console confirmation is yes only for y or yes in any case", "[process]") {
  struct Row {
    std::string input;
    bool yes;
  };
  const std::vector<Row> rows{
      {"y\n", true},     {"Y\n", true},    {"yes\n", true}, {"YeS\n", true}, {"  yes \r\n", true},
      {"no\n", false},   {"n\n", false},   {"\n", false},   {"ye\n", false}, {"yess\n", false},
      {"y es\n", false}, {"oui\n", false}, {"yes", true},
  };
  for (const Row& row : rows) {
    INFO("input: " << row.input);
    const Asked asked = ask(row.input, Confirmation::console, true);
    CHECK(asked.result == row.yes);
    CHECK_THAT(asked.output, CS_CONTAINS("Close them now? Unsaved work in the agent may be lost. [y/N]"));
    CHECK_THAT(asked.output, CS_CONTAINS("codex (pid 5000001"));
  }
}

TEST_CASE("console confirmation at end of input is no", "[process]") {
  const Asked asked = ask("", Confirmation::console, true);
  CHECK_FALSE(asked.result);
  CHECK_THAT(asked.output, CS_CONTAINS("No answer"));
}

TEST_CASE("without a terminal the console confirmation is no and says how to allow it", "[process]") {
  const Asked asked = ask("y\n", Confirmation::console, false);
  CHECK_FALSE(asked.result);
  CHECK_THAT(asked.output, CS_CONTAINS("no terminal to ask on; pass --auto-terminate-without-confirmation"));
  CHECK_THAT(asked.output, CS_CONTAINS("codex (pid 5000001"));
  CHECK_THAT(asked.output, !CS_CONTAINS("[y/N]"));
}

TEST_CASE("yes mode closes without asking but says what it closes", "[process]") {
  const Asked asked = ask("n\n", Confirmation::yes, false);
  CHECK(asked.result);
  CHECK_THAT(asked.output, CS_CONTAINS("--auto-terminate-without-confirmation"));
  CHECK_THAT(asked.output, CS_CONTAINS("codex (pid 5000001"));
  CHECK_THAT(asked.output, !CS_CONTAINS("[y/N]"));
}

TEST_CASE("nothing to close is a yes only in yes mode", "[process]") {
  std::istringstream in("y\n");
  std::ostringstream out;
  const auto no_dialog = [](const std::string&) { return dialog_says(detail::DialogAnswer::Kind::yes); };
  CHECK(detail::confirm_with({}, Confirmation::yes, in, out, true, no_dialog));
  CHECK_FALSE(detail::confirm_with({}, Confirmation::console, in, out, true, no_dialog));
  CHECK_FALSE(detail::confirm_with({}, Confirmation::gui, in, out, true, no_dialog));
}

TEST_CASE("gui confirmation takes the dialog's answer and falls back to the console", "[process]") {
  using Kind = detail::DialogAnswer::Kind;
  SECTION("the dialog says yes") {
    const Asked asked = ask("n\n", Confirmation::gui, true, Kind::yes);
    CHECK(asked.result);
    CHECK_THAT(asked.output, !CS_CONTAINS("[y/N]"));
  }
  SECTION("the dialog says no: the console is not asked") {
    const Asked asked = ask("y\n", Confirmation::gui, true, Kind::no);
    CHECK_FALSE(asked.result);
    CHECK_THAT(asked.output, !CS_CONTAINS("[y/N]"));
  }
  SECTION("no dialog: the console asks") {
    const Asked asked = ask("y\n", Confirmation::gui, true, Kind::unavailable);
    CHECK(asked.result);
    CHECK_THAT(asked.output, CS_CONTAINS("No dialog could be shown (no display here)"));
    CHECK_THAT(asked.output, CS_CONTAINS("[y/N]"));
  }
  SECTION("no dialog and no terminal: no") {
    const Asked asked = ask("y\n", Confirmation::gui, false, Kind::unavailable);
    CHECK_FALSE(asked.result);
    CHECK_THAT(asked.output, CS_CONTAINS("no terminal to ask on"));
  }
}

CS_POSIX_ONLY("without a display no dialog is tried",
              "looks at DISPLAY and WAYLAND_DISPLAY; Windows always has a desktop for the dialog")
CS_POSIX_ONLY("with a display the zenity found on PATH asks and its exit code answers",
              "runs zenity, the Linux dialog")
#if !defined(_WIN32) && !defined(__APPLE__)
TEST_CASE("without a display no dialog is tried", "[process]") {
  util::Environment env;
  env.inherit = false;
  const detail::DialogAnswer answer = detail::ask_with_dialog("Close?", env);
  CHECK(answer.kind == detail::DialogAnswer::Kind::unavailable);
  CHECK_THAT(answer.why, CS_CONTAINS("DISPLAY"));
}

TEST_CASE("with a display the zenity found on PATH asks and its exit code answers", "[process]") {
  test::TempDir dir;
  // A stand-in zenity that writes its arguments, one a line, and exits with
  // the code in the file `exit_code`.
  const std::filesystem::path zenity =
      dir.write("bin/zenity",
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$(dirname \"$0\")/../args\"\n"
                "exit \"$(cat \"$(dirname \"$0\")/../exit_code\")\"\n");
  std::filesystem::permissions(zenity, std::filesystem::perms::owner_all);
  util::Environment env;
  env.inherit = false;
  env.vars["PATH"] = (dir / "bin").string() + ":/usr/bin:/bin";
  env.vars["DISPLAY"] = ":0";
  dir.write("exit_code", "0");
  CHECK(detail::ask_with_dialog("The agent is running", env).kind == detail::DialogAnswer::Kind::yes);
  CHECK_THAT(test::read_text(dir / "args"), CS_CONTAINS("--text=The agent is running\n"));
  dir.write("exit_code", "1");
  CHECK(detail::ask_with_dialog("The agent is running", env).kind == detail::DialogAnswer::Kind::no);
  dir.write("exit_code", "255");
  CHECK(detail::ask_with_dialog("The agent is running", env).kind == detail::DialogAnswer::Kind::unavailable);
}
#endif

TEST_CASE("a dialog's exit is read as yes, no or no dialog at all", "[process]") {
  using detail::DialogProgram;
  using Kind = detail::DialogAnswer::Kind;
  const auto exited = [](int code, std::string error_output = {}) {
    detail::ProgramRun run;
    run.started = true;
    run.exited = true;
    run.exit_code = code;
    run.output = std::move(error_output);
    return run;
  };
  detail::ProgramRun timed_out;
  timed_out.started = true;
  timed_out.timed_out = true;
  detail::ProgramRun signalled;
  signalled.started = true;
  detail::ProgramRun not_started;
  not_started.why = "No such file or directory";

  struct Row {
    DialogProgram program;
    detail::ProgramRun run;
    Kind kind;
  };
  const std::vector<Row> rows{
      {DialogProgram::zenity, exited(0), Kind::yes},
      {DialogProgram::zenity, exited(1), Kind::no},
      {DialogProgram::zenity, exited(5), Kind::no},
      {DialogProgram::zenity, exited(1, "Gtk-WARNING: cannot open display: :9\n"), Kind::unavailable},
      {DialogProgram::zenity, exited(255, "This option is not available.\n"), Kind::unavailable},
      {DialogProgram::zenity, timed_out, Kind::no},
      {DialogProgram::zenity, signalled, Kind::unavailable},
      {DialogProgram::zenity, not_started, Kind::unavailable},
      {DialogProgram::kdialog, exited(0), Kind::yes},
      {DialogProgram::kdialog, exited(1), Kind::no},
      {DialogProgram::kdialog, exited(2), Kind::no},
      {DialogProgram::kdialog, exited(3), Kind::unavailable},
      {DialogProgram::osascript, exited(0), Kind::yes},
      {DialogProgram::osascript, exited(1, "execution error: User canceled. (-128)\n"), Kind::no},
      {DialogProgram::osascript, exited(1, "execution error: No user interaction allowed. (-1713)\n"),
       Kind::unavailable},
      {DialogProgram::osascript, timed_out, Kind::no},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(detail::read_dialog_run(rows[i].program, rows[i].run).kind == rows[i].kind);
  }
  const detail::DialogAnswer failed =
      detail::read_dialog_run(DialogProgram::zenity, exited(255, "bad option\nmore"));
  CHECK(failed.why == "zenity ended with exit code 255: bad option");
  CHECK_THAT(detail::read_dialog_run(DialogProgram::kdialog, not_started).why,
             CS_CONTAINS("kdialog could not be started: No such file or directory"));
}

TEST_CASE("dialog arguments default to keep running and pass the message as one argument", "[process]") {
  using detail::DialogProgram;
  const std::string message = "codex <b>&</b> \"quoted\"\nClose them now?";
  const std::vector<std::string> zenity = detail::dialog_arguments(DialogProgram::zenity, message);
  CHECK(zenity.front() == "--question");
  CHECK(std::count(zenity.begin(), zenity.end(), "--text=" + message) == 1);
  CHECK(std::count(zenity.begin(), zenity.end(), "--no-markup") == 1);
  CHECK(std::count(zenity.begin(), zenity.end(), "--default-cancel") == 1);
  CHECK(std::count(zenity.begin(), zenity.end(), "--ok-label=Close them") == 1);

  const std::vector<std::string> kdialog = detail::dialog_arguments(DialogProgram::kdialog, message);
  const auto question = std::find(kdialog.begin(), kdialog.end(), "--warningyesno");
  REQUIRE(question != kdialog.end());
  REQUIRE(question + 1 != kdialog.end());
  CHECK(*(question + 1) == message);

  const std::vector<std::string> osascript = detail::dialog_arguments(DialogProgram::osascript, message);
  CHECK(osascript.back() == message);
  CHECK(std::none_of(osascript.begin(), osascript.end() - 1, [&](const std::string& argument) {
    return argument.find("quoted") != std::string::npos;
  }));
  CHECK(std::any_of(osascript.begin(), osascript.end(), [](const std::string& argument) {
    return argument.find("default button \"Keep running\" cancel button \"Keep running\"") !=
           std::string::npos;
  }));
}

TEST_CASE("terminate waits for a politely closed process and forces nothing", "[process]") {
  const ProcessInfo codex = fake_process(1, "codex");
  const ProcessInfo other = fake_process(2, "bash");
  // First look and two polls still show it; the third poll does not.
  FakeProbe probe({listed({codex, other}), listed({codex, other}), listed({codex, other}), listed({other})});
  FakeSleeper sleeper;
  RecordedActions os;
  const TerminateResult result =
      detail::terminate_with({match_of(codex)}, probe, codex_rules(), 20s, sleeper, os.actions());
  CHECK(result.all_gone);
  CHECK(result.error.empty());
  CHECK(result.forced.empty());
  CHECK(os.asked == std::vector<std::uint64_t>{codex.pid});
  CHECK(os.forced.empty());
  CHECK(sleeper.sleeps() == std::vector<std::chrono::milliseconds>{250ms, 250ms, 250ms});
}

TEST_CASE("terminate forces a process that outlives the timeout", "[process]") {
  const ProcessInfo codex = fake_process(1, "codex");
  const ProcessInfo helper = fake_process(2, "codex");
  // helper closes on the first poll; codex stays through 1 s (4 polls) and
  // leaves on the poll after the forced end.
  FakeProbe probe({listed({codex, helper}), listed({codex}), listed({codex}), listed({codex}),
                   listed({codex}), listed({})});
  FakeSleeper sleeper;
  RecordedActions os;
  const TerminateResult result = detail::terminate_with({match_of(codex), match_of(helper)}, probe,
                                                        codex_rules(), 1s, sleeper, os.actions());
  CHECK(result.all_gone);
  CHECK(result.error.empty());
  CHECK(os.asked == std::vector<std::uint64_t>{codex.pid, helper.pid});
  CHECK(os.forced == std::vector<std::uint64_t>{codex.pid});
  REQUIRE(result.forced.size() == 1);
  CHECK_THAT(result.forced[0], CS_CONTAINS("pid 5000001"));
  CHECK(sleeper.total() == 1250ms);
}

TEST_CASE("terminate names what it could not ask to close and still waits the timeout for it", "[process]") {
  // On Windows: the main process has a window, its helper (or a console
  // program) has none to post WM_CLOSE to.
  const ProcessInfo codex = fake_process(1, "codex");
  const ProcessInfo console = fake_process(2, "codex");
  FakeProbe probe({listed({codex, console}), listed({console}), listed({console}), listed({console}),
                   listed({console}), listed({})});
  FakeSleeper sleeper;
  RecordedActions os;
  os.cannot_ask = {console.pid};
  const TerminateResult result = detail::terminate_with({match_of(codex), match_of(console)}, probe,
                                                        codex_rules(), 1s, sleeper, os.actions());
  CHECK(result.all_gone);
  REQUIRE(result.not_asked.size() == 1);
  CHECK_THAT(result.not_asked[0], CS_CONTAINS("pid 5000002"));
  REQUIRE(result.forced.size() == 1);
  CHECK(result.forced[0] == result.not_asked[0]);
  CHECK(os.forced == std::vector<std::uint64_t>{console.pid});
  CHECK(sleeper.total() == 1250ms);
}

TEST_CASE("terminate reports a process that survives the forced end", "[process]") {
  const ProcessInfo codex = fake_process(1, "codex");
  FakeProbe probe({listed({codex})});
  FakeSleeper sleeper;
  RecordedActions os;
  SECTION("the force was sent") {
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, codex_rules(), 1s, sleeper, os.actions());
    CHECK_FALSE(result.all_gone);
    CHECK(result.forced.size() == 1);
    CHECK_THAT(result.error, CS_CONTAINS("still running after a forced end: codex (pid 5000001"));
    CHECK_THAT(result.error, !CS_CONTAINS("refused"));
    CHECK(sleeper.total() == 1s + detail::k_force_wait);
  }
  SECTION("the system refused the force") {
    os.force_works = false;
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, codex_rules(), 1s, sleeper, os.actions());
    CHECK_FALSE(result.all_gone);
    CHECK(result.forced.empty());
    CHECK_THAT(result.error, CS_CONTAINS("the system refused to end codex (pid 5000001"));
  }
}

TEST_CASE("terminate leaves alone what is already gone or is now another process", "[process]") {
  const ProcessInfo codex = fake_process(1, "codex");
  ProcessInfo reused = codex;
  reused.name = "codex-other";
  MatchRules rules = codex_rules();
  rules.process_names.emplace_back("codex-other");
  FakeSleeper sleeper;
  RecordedActions os;
  SECTION("gone before the first look") {
    FakeProbe probe({listed({})});
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, rules, 5s, sleeper, os.actions());
    CHECK(result.all_gone);
    CHECK(os.asked.empty());
  }
  SECTION("its pid now belongs to a process with another name") {
    FakeProbe probe({listed({reused})});
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, rules, 5s, sleeper, os.actions());
    CHECK(result.all_gone);
    CHECK(os.asked.empty());
  }
  SECTION("the pid is reused while waiting: nothing is forced") {
    FakeProbe probe({listed({codex}), listed({codex}), listed({reused})});
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, rules, 5s, sleeper, os.actions());
    CHECK(result.all_gone);
    CHECK(os.asked.size() == 1);
    CHECK(os.forced.empty());
  }
  CHECK(sleeper.total() <= 500ms);
}

TEST_CASE("terminate forces nothing when it cannot see whether the process left", "[process]") {
  const ProcessInfo codex = fake_process(1, "codex");
  FakeSleeper sleeper;
  RecordedActions os;
  SECTION("the first look fails: nothing is asked") {
    FakeProbe probe({unreadable("cannot read /proc")});
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, codex_rules(), 1s, sleeper, os.actions());
    CHECK_FALSE(result.all_gone);
    CHECK(os.asked.empty());
    CHECK_THAT(result.error, CS_CONTAINS("cannot read /proc"));
    CHECK_THAT(result.error, CS_CONTAINS("nothing was closed"));
  }
  SECTION("the list is unreadable at the end of the wait") {
    FakeProbe probe({listed({codex}), listed({codex}), unreadable("cannot read /proc")});
    const TerminateResult result =
        detail::terminate_with({match_of(codex)}, probe, codex_rules(), 1s, sleeper, os.actions());
    CHECK_FALSE(result.all_gone);
    CHECK(os.asked.size() == 1);
    CHECK(os.forced.empty());
    CHECK_THAT(result.error, CS_CONTAINS("could not check whether codex (pid 5000001"));
    CHECK_THAT(result.error, CS_CONTAINS("nothing was forced"));
  }
}

TEST_CASE("terminate never closes this process, its parent, its ancestors or pid 0 and 1", "[process]") {
  FakeSleeper sleeper;
  RecordedActions os;
  ProcessInfo target = fake_process(1, "codex");
  std::vector<ProcessInfo> processes{target};
  SECTION("pid 1") { target.pid = 1; }
  SECTION("pid 0") { target.pid = 0; }
  SECTION("this process") { target.pid = current_pid(); }
  SECTION("its parent") { target.pid = detail::parent_pid(); }
  SECTION("the agent that started the shell that started codexsync") {
    ProcessInfo self = fake_process(10, "codexsync");
    self.pid = current_pid();
    ProcessInfo shell = fake_process(11, "bash");
    self.parent_pid = shell.pid;
    shell.parent_pid = target.pid;
    processes = {self, shell, target};
  }
  FakeProbe probe({listed(processes)});
  const TerminateResult result =
      detail::terminate_with({match_of(target)}, probe, codex_rules(), 1s, sleeper, os.actions());
  CHECK_FALSE(result.all_gone);
  CHECK(os.asked.empty());
  CHECK(os.forced.empty());
  CHECK_THAT(result.error, CS_CONTAINS("refusing to close"));
  CHECK_THAT(result.error, CS_CONTAINS("nothing was closed"));
}

namespace {

// terminate_with on a thread of its own, waited for `limit` at most: a walk
// that never ends fails the test instead of hanging it. Only such a stuck
// thread is detached: winpthreads (the mingw build's threads) now and then
// starts a detached thread without its argument, so it is never done lightly.
std::optional<TerminateResult> terminate_within(std::chrono::seconds limit,
                                                std::vector<ProcessInfo> processes, ProcessInfo target,
                                                RecordedActions& os) {
  auto done = std::make_shared<std::promise<TerminateResult>>();
  std::future<TerminateResult> result = done->get_future();
  auto sleeper = std::make_shared<FakeSleeper>();
  auto probe = std::make_shared<FakeProbe>(std::vector<test::ProbeAnswer>{listed(std::move(processes))});
  const detail::CloseActions actions = os.actions();
  std::thread worker([done, sleeper, probe, target, actions] {
    done->set_value(detail::terminate_with({match_of(target)}, *probe, codex_rules(), 1s, *sleeper, actions));
  });
  if (result.wait_for(limit) != std::future_status::ready) {
    worker.detach();  // it walks for good; the test fails and the process ends with it
    return std::nullopt;
  }
  worker.join();
  return result.get();
}

} // namespace

TEST_CASE("terminate's walk up from this process ends on a cycle of parent ids", "[process]") {
  // On Windows a parent id may name an ended process whose id went to a
  // younger one, even a descendant: parent ids then run in a circle.
  RecordedActions os;
  ProcessInfo self = fake_process(10, "codexsync");
  self.pid = current_pid();
  ProcessInfo shell = fake_process(11, "cmd.exe");
  ProcessInfo helper = fake_process(12, "conhost.exe");
  self.parent_pid = shell.pid;
  shell.parent_pid = helper.pid;
  helper.parent_pid = shell.pid;  // the circle: shell -> helper -> shell
  const ProcessInfo agent = fake_process(1, "codex");
  SECTION("the agent outside the circle is closed") {
    const auto result = terminate_within(10s, {self, shell, helper, agent}, agent, os);
    REQUIRE(result.has_value());  // else the walk went round for good
    CHECK(os.asked == std::vector<std::uint64_t>{agent.pid});
  }
  SECTION("a circle through this process itself") {
    shell.parent_pid = self.pid;
    const auto result = terminate_within(10s, {self, shell, agent}, agent, os);
    REQUIRE(result.has_value());
    CHECK(os.asked == std::vector<std::uint64_t>{agent.pid});
  }
  SECTION("the agent inside the circle counts as one that started codexsync") {
    ProcessInfo in_circle = agent;
    in_circle.parent_pid = self.pid;
    shell.parent_pid = in_circle.pid;
    const auto result = terminate_within(10s, {self, shell, in_circle}, in_circle, os);
    REQUIRE(result.has_value());
    CHECK(os.asked.empty());
    CHECK_THAT(result->error, CS_CONTAINS("refusing to close"));
  }
}

TEST_CASE("a parent id that names a younger process is not an ancestor", "[process]") {
  // The shell that started codexsync names the agent's pid as its parent, but
  // the agent started after the shell: the shell's parent ended and Windows
  // gave its id to the agent. The agent is closed; a real one is refused.
  RecordedActions os;
  ProcessInfo self = fake_process(10, "codexsync");
  self.pid = current_pid();
  self.start_time = 300;
  ProcessInfo shell = fake_process(11, "cmd.exe");
  shell.start_time = 200;
  ProcessInfo agent = fake_process(1, "codex");
  self.parent_pid = shell.pid;
  shell.parent_pid = agent.pid;
  SECTION("the agent started after the shell") {
    agent.start_time = 400;
    const auto result = terminate_within(10s, {self, shell, agent}, agent, os);
    REQUIRE(result.has_value());
    CHECK(os.asked == std::vector<std::uint64_t>{agent.pid});
  }
  SECTION("the agent started before the shell: it started codexsync") {
    agent.start_time = 100;
    const auto result = terminate_within(10s, {self, shell, agent}, agent, os);
    REQUIRE(result.has_value());
    CHECK(os.asked.empty());
    CHECK_THAT(result->error, CS_CONTAINS("refusing to close"));
  }
  SECTION("start times unknown: counted as one that started codexsync") {
    agent.start_time = 0;
    const auto result = terminate_within(10s, {self, shell, agent}, agent, os);
    REQUIRE(result.has_value());
    CHECK(os.asked.empty());
  }
}

TEST_CASE("the protected pids are 0, 1, this process and its parent", "[process]") {
  CHECK(detail::is_protected_pid(0));
  CHECK(detail::is_protected_pid(1));
  CHECK(detail::is_protected_pid(current_pid()));
  CHECK(detail::is_protected_pid(detail::parent_pid()));
  CHECK_FALSE(detail::is_protected_pid(fake_process(1, "codex").pid));
  ProcessInfo self;
  self.pid = current_pid();
  // Were these sent, this test binary would end here.
  CHECK_FALSE(ask_to_close(self));
  CHECK_FALSE(force_end(self));
}

#ifdef _WIN32
// The message box is drawn only where there is a desktop: under Wine that is
// the X display the Windows stage gives it (CODEXSYNC_WINE_DISPLAY, Xvfb).
TEST_CASE("an unanswered message box is a no once its time is up", "[process]") {
  const bool wine_without_display =
      test::running_under_wine() && std::getenv("CODEXSYNC_WINE_DISPLAY") == nullptr;
  const auto started = std::chrono::steady_clock::now();
  const detail::DialogAnswer answer =
    detail::show_message_box("codexsync unit test: nobody answers this box; it closes by itself", 300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  if (wine_without_display && answer.kind == detail::DialogAnswer::Kind::unavailable) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL("Wine has no display to draw the message box on; scripts/test-windows.sh starts Xvfb for it");
    }
    WARN("not shown: Wine has no display (run through scripts/test-windows.sh, which starts Xvfb): "
         << answer.why);
    return;
  }
  INFO("the box answered " << static_cast<int>(answer.kind) << " " << answer.why);
  CHECK(answer.kind == detail::DialogAnswer::Kind::no);
  CHECK(took >= 250ms);
  CHECK(took < 30s);
}
#endif

CS_POSIX_ONLY("a real child is closed politely with SIGTERM",
              "forks a child and sends it SIGTERM")
CS_POSIX_ONLY("a real child that ignores SIGTERM is forced after the timeout",
              "forks a child that ignores SIGTERM")
CS_POSIX_ONLY("terminate sees a real child leave the system process list",
              "forks a child and watches /proc (Linux)")
#ifndef _WIN32
namespace {

// A forked child that waits for signals: it ends on SIGTERM, or only on
// SIGKILL when `ignore_term`. Killed and reaped when the test ends.
class Child {
public:
  explicit Child(bool ignore_term, const char* name = nullptr) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      // Not Catch's handler, which would report a failure from the child.
      ::signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
#ifdef __linux__
      if (name != nullptr) {
        ::prctl(PR_SET_NAME, name);
      }
#else
      (void)name;
#endif
      ::close(ready[0]);
      const ssize_t ignored = ::write(ready[1], "r", 1);
      (void)ignored;
      ::close(ready[1]);
      for (;;) {
        ::pause();
      }
    }
    ::close(ready[1]);
    char byte = 0;
    const ssize_t got = ::read(ready[0], &byte, 1);
    ::close(ready[0]);
    REQUIRE(got == 1);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!m_reaped) {
      ::kill(m_pid, SIGKILL);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }

  std::uint64_t pid() const { return static_cast<std::uint64_t>(m_pid); }

  // True once it has ended (and is reaped, so it is gone from any list).
  bool ended() {
    if (!m_reaped && ::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
      m_reaped = true;
    }
    return m_reaped;
  }
  int end_signal() const { return m_reaped && WIFSIGNALED(m_status) ? WTERMSIG(m_status) : 0; }

private:
  pid_t m_pid = -1;
  bool m_reaped = false;
  int m_status = 0;
};

// Lists the child while it lives, under the name "codex".
class ChildProbe final : public ProcessProbe {
public:
  explicit ChildProbe(Child& child) : m_child(child) {}
  std::optional<std::vector<ProcessInfo>> list(std::string&) const override {
    if (m_child.ended()) {
      return std::vector<ProcessInfo>{};
    }
    ProcessInfo info;
    info.pid = m_child.pid();
    info.parent_pid = current_pid();
    info.name = "codex";
    return std::vector<ProcessInfo>{info};
  }

private:
  Child& m_child;
};

} // namespace

TEST_CASE("a real child is closed politely with SIGTERM", "[process]") {
  Child child(false);
  ChildProbe probe(child);
  const std::vector<Match> matches = observe(probe, codex_rules()).matches;
  REQUIRE(matches.size() == 1);
  const auto started = std::chrono::steady_clock::now();
  const TerminateResult result = terminate(matches, probe, codex_rules(), 10s, real_sleeper());
  CHECK(result.all_gone);
  CHECK(result.forced.empty());
  CHECK(result.error.empty());
  CHECK(child.end_signal() == SIGTERM);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("a real child that ignores SIGTERM is forced after the timeout", "[process]") {
  Child child(true);
  ChildProbe probe(child);
  const std::vector<Match> matches = observe(probe, codex_rules()).matches;
  REQUIRE(matches.size() == 1);
  const auto started = std::chrono::steady_clock::now();
  const TerminateResult result = terminate(matches, probe, codex_rules(), 1s, real_sleeper());
  CHECK(result.all_gone);
  REQUIRE(result.forced.size() == 1);
  CHECK_THAT(result.forced[0], CS_CONTAINS("pid " + std::to_string(child.pid())));
  CHECK(child.end_signal() == SIGKILL);
  CHECK(std::chrono::steady_clock::now() - started >= 1s);
}

CS_POSIX_ONLY("terminate sees a real child leave the system process list",
              "forks a child and watches /proc (Linux)")
#ifdef __linux__
TEST_CASE("terminate sees a real child leave the system process list", "[process]") {
  // The child is reaped as soon as it ends, as an agent's parent would.
  Child child(false, "cs-term-test");
  std::atomic<bool> ended{false};
  std::thread reaper([&] {
    while (!child.ended()) {
      std::this_thread::sleep_for(10ms);
    }
    ended = true;
  });
  // Kills the child if the test fails early, and joins the reaper either way.
  struct Stop {
    const Child& child;
    std::atomic<bool>& ended;
    std::thread& reaper;
    bool done = false;
    void now() {
      if (done) {
        return;
      }
      done = true;
      if (!ended) {
        ::kill(static_cast<pid_t>(child.pid()), SIGKILL);
      }
      reaper.join();
    }
    ~Stop() { now(); }
  };
  Stop stop{child, ended, reaper};

  MatchRules rules;
  rules.os = util::Os::linux;
  rules.process_names = {"cs-term-test"};
  const std::unique_ptr<ProcessProbe> probe = make_system_probe();
  std::vector<Match> matches;
  for (const Match& match : observe(*probe, rules).matches) {
    if (match.process.pid == child.pid()) {
      matches.push_back(match);
    }
  }
  REQUIRE(matches.size() == 1);
  const TerminateResult result = terminate(matches, *probe, rules, 10s, real_sleeper());
  stop.now();
  CHECK(result.all_gone);
  CHECK(result.forced.empty());
  CHECK(ended);
  CHECK(child.end_signal() == SIGTERM);
}
#endif

#endif
