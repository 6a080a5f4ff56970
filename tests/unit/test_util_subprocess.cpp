#include <codexsync/util/subprocess.hpp>

#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace std::chrono_literals;
using codexsync::test::TempDir;
using codexsync::util::Environment;
using codexsync::util::find_program;
using codexsync::util::ProgramRun;
using codexsync::util::run_program;
using codexsync::util::RunOptions;

CS_POSIX_ONLY("run_program reports exit codes, output, timeouts and programs that cannot start",
              "runs /bin/sh; the Windows test runs cmd.exe instead")
CS_POSIX_ONLY("find_program searches the PATH of the given environment",
              "relies on the POSIX execute bit (chmod) to pass over a file")
#ifndef _WIN32
namespace {

RunOptions with_timeout(std::chrono::milliseconds timeout) {
  RunOptions options;
  options.timeout = timeout;
  return options;
}

} // namespace

TEST_CASE("run_program reports exit codes, output, timeouts and programs that cannot start", "[util]") {
  SECTION("exit code with stdout and stderr in one stream") {
    const ProgramRun run = run_program("/bin/sh", {"-c", "echo out; echo oops >&2; exit 3"}, with_timeout(10s));
    CHECK(run.started);
    CHECK(run.exited);
    CHECK_FALSE(run.timed_out);
    CHECK(run.exit_code == 3);
    CHECK_FALSE(run.ok());
    CHECK(run.output == "out\noops\n");
    CHECK(run.describe() == "exit code 3");
  }
  SECTION("stdout can be left out") {
    RunOptions options = with_timeout(10s);
    options.capture_stdout = false;
    const ProgramRun run = run_program("/bin/sh", {"-c", "echo out; echo oops >&2"}, options);
    CHECK(run.ok());
    CHECK(run.output == "oops\n");
  }
  SECTION("output is cut at the limit") {
    RunOptions options = with_timeout(10s);
    options.output_at_most = 10;
    const ProgramRun run = run_program("/bin/sh", {"-c", "yes | head -c 100000"}, options);
    CHECK(run.ok());
    CHECK(run.output == "y\ny\ny\ny\ny\n");
  }
  SECTION("extra variables reach the program and the rest of the environment stays") {
    RunOptions options = with_timeout(10s);
    options.extra_env = {{"CODEXSYNC_TEST_VALUE", "a b=c"}};
    const ProgramRun run =
        run_program("/bin/sh", {"-c", "printf '%s|%s' \"$CODEXSYNC_TEST_VALUE\" \"${PATH:+path}\""}, options);
    CHECK(run.ok());
    CHECK(run.output == "a b=c|path");
  }
  SECTION("a program that does not answer is killed") {
    const auto started = std::chrono::steady_clock::now();
    const ProgramRun run = run_program("/bin/sh", {"-c", "exec sleep 30"}, with_timeout(300ms));
    CHECK(run.started);
    CHECK(run.timed_out);
    CHECK_FALSE(run.exited);
    CHECK_FALSE(run.ok());
    CHECK_THAT(run.describe(), CS_CONTAINS("did not finish in time"));
    CHECK(std::chrono::steady_clock::now() - started < 10s);
  }
  SECTION("a program killed by a signal has not exited") {
    const ProgramRun run = run_program("/bin/sh", {"-c", "kill -KILL $$"}, with_timeout(10s));
    CHECK(run.started);
    CHECK_FALSE(run.exited);
    CHECK_FALSE(run.ok());
  }
  SECTION("a grandchild holding the output open does not hold up the answer") {
    const auto started = std::chrono::steady_clock::now();
    const ProgramRun run = run_program("/bin/sh", {"-c", "sleep 5 & exit 0"}, with_timeout(10s));
    CHECK(run.exited);
    CHECK(run.exit_code == 0);
    CHECK(std::chrono::steady_clock::now() - started < 4s);
  }
  SECTION("a missing program") {
    const ProgramRun run = run_program("/nonexistent/zenity", {"--question"}, with_timeout(10s));
    CHECK_FALSE(run.started);
    CHECK_FALSE(run.why.empty());
    CHECK_THAT(run.describe(), CS_CONTAINS("could not start"));
  }
}

TEST_CASE("find_program searches the PATH of the given environment", "[util]") {
  TempDir tmp;
  const auto bin = tmp.path() / "bin";
  const auto other = tmp.path() / "other";
  std::filesystem::create_directories(bin);
  std::filesystem::create_directories(other);
  std::ofstream(bin / "tool") << "#!/bin/sh\n";
  std::filesystem::permissions(bin / "tool", std::filesystem::perms::owner_all);
  std::ofstream(other / "tool") << "not executable\n";
  std::filesystem::permissions(other / "tool", std::filesystem::perms::owner_read);

  Environment env;
  env.inherit = false;
  env.os = codexsync::util::Os::linux;
  env.vars["PATH"] = other.string() + "::" + bin.string();
  CHECK(find_program("tool", env) == bin / "tool");
  CHECK(find_program("missing", env).empty());
  CHECK(find_program((bin / "tool").string(), env) == bin / "tool");
  CHECK(find_program((bin / "missing").string(), env).empty());
  env.vars.erase("PATH");
  CHECK(find_program("tool", env).empty());
}

#endif

TEST_CASE("find_program tries PATHEXT on Windows", "[util]") {
  TempDir tmp;
  std::ofstream(tmp.path() / "schtasks.EXE") << "MZ";
  std::filesystem::permissions(tmp.path() / "schtasks.EXE", std::filesystem::perms::owner_all);
  Environment env;
  env.inherit = false;
  env.os = codexsync::util::Os::windows;
  env.vars["PATH"] = tmp.path().string();
  env.vars["PATHEXT"] = ".COM;.EXE";
  CHECK(find_program("schtasks", env) == tmp.path() / "schtasks.EXE");
}

#ifdef _WIN32
TEST_CASE("run_program runs a Windows program with its exit code, output and variables", "[util]") {
  RunOptions options;
  options.timeout = 60s;
  const std::filesystem::path cmd = "C:\\Windows\\System32\\cmd.exe";
  options.extra_env = {{"CODEXSYNC_TEST_VALUE", "a b=c"}};
  const ProgramRun run = run_program(cmd, {"/d", "/c", "echo out %CODEXSYNC_TEST_VALUE%& exit /b 3"}, options);
  CHECK(run.started);
  CHECK(run.exited);
  CHECK_FALSE(run.timed_out);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.output, CS_CONTAINS("out a b=c"));

  const ProgramRun missing = run_program("C:\\no\\such\\program.exe", {}, options);
  CHECK_FALSE(missing.started);
  CHECK_FALSE(missing.ok());
}
#endif
