#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/fake_probe.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/process/gate.hpp>
#include <codexsync/process/probe.hpp>
#include <codexsync/util/text.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace codexsync;
using namespace codexsync::process;
using codexsync::test::FakeProbe;
using codexsync::test::fake_process;
using codexsync::test::listed;
using codexsync::test::unreadable;
using util::Os;

namespace {

// A pid no fake process uses, standing in for "this process".
constexpr std::uint64_t k_self = 42;

MatchRules rules_for(Os os, std::vector<std::string> names, std::vector<std::string> background = {}) {
  MatchRules rules;
  rules.os = os;
  rules.process_names = std::move(names);
  rules.background_names = std::move(background);
  return rules;
}

// The reason `process` matches, "" when it does not.
std::string why_matched(const ProcessInfo& process, const MatchRules& rules) {
  const std::vector<Match> matches = match_processes({process}, rules, k_self);
  return matches.empty() ? std::string() : matches.front().why;
}

bool matched(const ProcessInfo& process, const MatchRules& rules) {
  return !why_matched(process, rules).empty();
}

const std::vector<std::string> k_main_names = {"codex.exe", "codex", "codex-app-server"};

} // namespace

TEST_CASE("match: whole names, ignoring ASCII case", "[process]") {
  const MatchRules rules = rules_for(Os::linux, k_main_names);
  CHECK(why_matched(fake_process(1, "codex"), rules) == "name \"codex\"");
  CHECK(matched(fake_process(1, "Codex"), rules));
  CHECK(matched(fake_process(1, "CODEX-APP-SERVER"), rules));
  // Substrings and look-alikes are other programs.
  CHECK_FALSE(matched(fake_process(1, "codexsync"), rules_for(Os::linux, {"codex"})));
  CHECK_FALSE(matched(fake_process(1, "codex-app-server"), rules_for(Os::linux, {"codex"})));
  CHECK_FALSE(matched(fake_process(1, "my-codex"), rules));
  CHECK_FALSE(matched(fake_process(1, "codex "), rules));
  CHECK_FALSE(matched(fake_process(1, "cod"), rules));
  CHECK_FALSE(matched(fake_process(1, ""), rules_for(Os::linux, {""})));
}

TEST_CASE("match: .exe is optional on Windows only", "[process]") {
  const MatchRules windows = rules_for(Os::windows, {"codex"});
  CHECK(matched(fake_process(1, "codex.exe"), windows));
  CHECK(matched(fake_process(1, "Codex.EXE"), windows));
  CHECK(matched(fake_process(1, "codex"), rules_for(Os::windows, {"codex.exe"})));
  CHECK_FALSE(matched(fake_process(1, "codexsync.exe"), windows));
  CHECK_FALSE(matched(fake_process(1, ".exe"), rules_for(Os::windows, {""})));

  const MatchRules linux = rules_for(Os::linux, {"codex"});
  CHECK_FALSE(matched(fake_process(1, "codex.exe"), linux));
  CHECK_FALSE(matched(fake_process(1, "codex"), rules_for(Os::linux, {"codex.exe"})));
  CHECK_FALSE(matched(fake_process(1, "codex.exe"), rules_for(Os::macos, {"codex"})));
}

TEST_CASE("match: a Linux comm cut to 15 bytes matches the longer name it starts", "[process]") {
  const MatchRules linux = rules_for(Os::linux, {"codex-app-server"});
  CHECK(why_matched(fake_process(1, "codex-app-serve"), linux) ==
        "comm \"codex-app-serve\" (cut to 15, name \"codex-app-server\")");
  CHECK(matched(fake_process(1, "CODEX-APP-SERVE"), linux));
  // Only a comm of exactly 15 bytes can have been cut.
  CHECK_FALSE(matched(fake_process(1, "codex-app-serv"), linux));
  CHECK_FALSE(matched(fake_process(1, "codex-app-se"), linux));
  // Other systems do not cut names that way.
  CHECK_FALSE(matched(fake_process(1, "codex-app-serve"), rules_for(Os::macos, {"codex-app-server"})));
  CHECK_FALSE(matched(fake_process(1, "codex-app-serve"), rules_for(Os::windows, {"codex-app-server"})));
  // A background name is cut the same way.
  const std::vector<Match> helper =
      match_processes({fake_process(2, "codex-linux-san")}, rules_for(Os::linux, {"codex"}, {"codex-linux-sandbox"}),
                      k_self);
  REQUIRE(helper.size() == 1);
  CHECK(helper[0].background);
}

TEST_CASE("match: the executable path's base name counts like a name", "[process]") {
  const MatchRules linux = rules_for(Os::linux, k_main_names);
  // Re-executed through /proc/self/exe: comm is "exe", the binary is codex.
  CHECK(why_matched(fake_process(1, "exe", "/home/u/.npm/lib/node_modules/@openai/codex/vendor/x86_64/codex/codex"),
                    linux) == "exe name \"codex\"");
  CHECK(matched(fake_process(1, "x", "/home/u/.vscode/extensions/openai.chatgpt-1.0-linux-x64/bin/linux-x86_64/codex"),
                linux));
  CHECK_FALSE(matched(fake_process(1, "x", "/usr/local/bin/codexsync"), linux));
  CHECK_FALSE(matched(fake_process(1, "x", "/opt/codex/bin/tool"), linux));
  // A Windows path splits on '\\' on Windows only.
  const ProcessInfo windows_exe =
      fake_process(1, "x", "C:\\Users\\u\\AppData\\Local\\Programs\\OpenAI\\Codex\\bin\\Codex.exe");
  CHECK(matched(windows_exe, rules_for(Os::windows, {"codex"})));
  CHECK_FALSE(matched(windows_exe, rules_for(Os::linux, {"Codex.exe"})));
}

TEST_CASE("match: path markers look at the exe path and path arguments", "[process]") {
  const MatchRules linux = rules_for(Os::linux, {"codex"}, {"/usr/lib/chatgpt/", "/@openai/codex/"});
  const std::vector<Match> app = match_processes({fake_process(1, "chatgpt", "/usr/lib/chatgpt/chatgpt")}, linux, k_self);
  REQUIRE(app.size() == 1);
  CHECK(app[0].background);
  CHECK(app[0].why == "path marker /usr/lib/chatgpt/ (exe path)");

  const ProcessInfo launcher = fake_process(2, "node", "/usr/bin/node",
                                            {"node", "/home/u/.npm/lib/node_modules/@openai/codex/bin/codex.js", "exec"});
  CHECK(why_matched(launcher, linux) == "path marker /@openai/codex/ (command line)");
  // An option carrying a path, or a word, is not a program path.
  CHECK_FALSE(matched(fake_process(3, "node", "/usr/bin/node", {"node", "--root=/usr/lib/chatgpt/"}), linux));
  CHECK_FALSE(matched(fake_process(3, "grep", "/usr/bin/grep", {"grep", "@openai/codex"}), linux));
  // Linux paths keep their case.
  CHECK_FALSE(matched(fake_process(4, "chatgpt", "/USR/LIB/CHATGPT/chatgpt"), linux));
  CHECK_FALSE(matched(fake_process(4, "chatgpt", "/usr/lib/chatgpt-old/chatgpt"), linux));

  const MatchRules macos = rules_for(Os::macos, {"codex"}, {"ChatGPT.app/Contents/MacOS/"});
  CHECK(matched(fake_process(5, "ChatGPT", "/Applications/chatgpt.app/Contents/MacOS/ChatGPT"), macos));
  // The plain ChatGPT app elsewhere, or the bare name, is not the agent.
  CHECK_FALSE(matched(fake_process(5, "ChatGPT", "/Applications/ChatGPT Classic.app/Contents/MacOS/ChatGPT"), macos));
  CHECK_FALSE(matched(fake_process(5, "ChatGPT"), macos));
}

TEST_CASE("match: Windows path markers compare backslashes as slashes, ignoring case", "[process]") {
  const ProcessInfo app = fake_process(
      1, "ChatGPT.exe", "C:\\Program Files\\WindowsApps\\OpenAI.Codex_26.1_x64__2p2nqsd0c76g0\\app\\ChatGPT.exe");
  CHECK(matched(app, rules_for(Os::windows, {"codex"}, {"WindowsApps/OpenAI.Codex_"})));
  CHECK(matched(app, rules_for(Os::windows, {"codex"}, {"windowsapps\\openai.codex_"})));
  CHECK_FALSE(matched(app, rules_for(Os::windows, {"codex"}, {"WindowsApps/OpenAI.ChatGPT_"})));
  const ProcessInfo node = fake_process(2, "node.exe", "C:\\Program Files\\nodejs\\node.exe",
                                        {"node", "C:\\Users\\u\\AppData\\Roaming\\npm\\node_modules\\@openai\\codex\\bin\\codex.js"});
  CHECK(matched(node, rules_for(Os::windows, {"codex"}, {"/@openai/codex/"})));
  // On Linux a backslash is an ordinary character.
  CHECK_FALSE(matched(node, rules_for(Os::linux, {"codex"}, {"/@openai/codex/"})));
}

TEST_CASE("match: never this process, and one match per process with the main name first", "[process]") {
  const MatchRules rules = rules_for(Os::linux, {"codex"}, {"codex", "/usr/"});
  ProcessInfo self = fake_process(0, "codex", "/usr/bin/codex");
  self.pid = k_self;
  CHECK(match_processes({self}, rules, k_self).empty());
  CHECK(match_processes({self}, rules, k_self + 1).size() == 1);

  const std::vector<Match> matches =
      match_processes({fake_process(1, "codex", "/usr/bin/codex"), fake_process(2, "bash"), self}, rules, k_self);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].process.pid == 5'000'001);
  CHECK(matches[0].process.exe_path == "/usr/bin/codex");
  CHECK_FALSE(matches[0].background);
  CHECK(matches[0].why == "name \"codex\"");
}

TEST_CASE("describe names each process with its pid and reason", "[process]") {
  const MatchRules rules = rules_for(Os::linux, {"codex"});
  CHECK(describe(match_processes({fake_process(1, "codex"), fake_process(2, "Codex")}, rules, k_self)) ==
        "codex (pid 5000001, name \"codex\"), Codex (pid 5000002, name \"codex\")");
  CHECK(describe(match_processes({fake_process(3, "", "/usr/bin/codex")}, rules, k_self)) ==
        "codex (pid 5000003, exe name \"codex\")");
  CHECK(describe({}).empty());

  std::vector<ProcessInfo> many;
  for (std::uint64_t i = 1; i <= 12; ++i) {
    many.push_back(fake_process(i, "codex"));
  }
  const std::string text = describe(match_processes(many, rules, k_self));
  CHECK_THAT(text, CS_CONTAINS("pid 5000008"));
  CHECK_THAT(text, !CS_CONTAINS("pid 5000009"));
  CHECK_THAT(text, CS_CONTAINS(", and 4 more"));
}

TEST_CASE("observe: stopped, running or unknown with the probe's reason", "[process]") {
  const MatchRules rules = rules_for(Os::linux, {"codex"});
  const Observation stopped = observe(FakeProbe({listed({fake_process(1, "bash")})}), rules);
  CHECK(stopped.state == AgentState::stopped);
  CHECK(stopped.matches.empty());

  const Observation running = observe(FakeProbe({listed({fake_process(1, "bash"), fake_process(2, "codex")})}), rules);
  CHECK(running.state == AgentState::running);
  REQUIRE(running.matches.size() == 1);
  CHECK(running.matches[0].process.pid == 5'000'002);

  const Observation unknown = observe(FakeProbe({unreadable("cannot read /proc: No such file or directory")}), rules);
  CHECK(unknown.state == AgentState::unknown);
  CHECK(unknown.error == "cannot read /proc: No such file or directory");
  CHECK_FALSE(observe(FakeProbe({unreadable("")}), rules).error.empty());

  // This process itself never counts, whatever its name.
  ProcessInfo self = fake_process(0, "codex");
  self.pid = current_pid();
  CHECK(observe(FakeProbe({listed({self})}), rules).state == AgentState::stopped);
}

TEST_CASE("system probe: lists this test process with its name and parent", "[process]") {
  std::string why_not;
  const std::optional<std::vector<ProcessInfo>> processes = make_system_probe()->list(why_not);
  REQUIRE(processes.has_value());
  CHECK(why_not.empty());
  CHECK(processes->size() > 1);
  const auto self = std::find_if(processes->begin(), processes->end(),
                                 [](const ProcessInfo& process) { return process.pid == current_pid(); });
  REQUIRE(self != processes->end());
  CHECK_THAT(self->exe_path, CS_CONTAINS("codexsync_unit_tests"));
#ifdef __linux__
  // comm keeps 15 bytes of "codexsync_unit_tests".
  CHECK(self->name == "codexsync_unit_");
  CHECK(self->parent_pid == static_cast<std::uint64_t>(::getppid()));
  REQUIRE_FALSE(self->args.empty());
  CHECK_THAT(self->args[0], CS_CONTAINS("codexsync_unit_tests"));

  // The matcher finds it by its cut comm, except as itself.
  const MatchRules rules = rules_for(Os::linux, {"codexsync_unit_tests"});
  const auto is_self = [](const Match& match) { return match.process.pid == current_pid(); };
  const std::vector<Match> as_other = match_processes(*processes, rules, 0);
  CHECK(std::any_of(as_other.begin(), as_other.end(), is_self));
  const std::vector<Match> as_self = match_processes(*processes, rules, current_pid());
  CHECK(std::none_of(as_self.begin(), as_self.end(), is_self));
#endif
}

CS_POSIX_ONLY("system probe: a running fake agent named codex is found, a codexsync is not",
              "names the child through prctl(PR_SET_NAME) and reads /proc (Linux)")
CS_POSIX_ONLY("fake agent: ignore-term survives SIGTERM and needs a forced end",
              "sends SIGTERM, which Windows does not have")
CS_POSIX_ONLY("fake agent: ends by itself after the given seconds",
              "starts the helper with fork and exec and reaps it with waitpid")
#ifdef __linux__
namespace {

// The test helper that stands in for a running agent, next to test-tmp/.
std::filesystem::path fake_agent_binary() {
  return std::filesystem::path(CODEXSYNC_TEST_TMP).parent_path() / "test-helpers" / "fake_agent";
}

// A started program, killed on scope exit unless stopped first.
class Child {
public:
  // Starts `program` with `args`, its stderr going to `stderr_path`.
  Child(const std::filesystem::path& program, std::vector<std::string> args,
        const std::filesystem::path& stderr_path) {
    std::vector<char*> argv;
    for (std::string& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    m_pid = ::fork();
    if (m_pid == 0) {
      const int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        ::dup2(fd, STDERR_FILENO);
      }
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }

  pid_t pid() const { return m_pid; }

  // Ends it politely and returns its exit status (-1 when it did not exit normally).
  int stop() {
    ::kill(m_pid, SIGTERM);
    return wait();
  }

  // True while it has not ended.
  bool running() const {
    int status = 0;
    return ::waitpid(m_pid, &status, WNOHANG) == 0;
  }

  // Waits for it to end; returns its exit status, -1 when a signal ended it.
  int wait() {
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t m_pid = -1;
};

// Waits (up to 5 s) until `pid` has set up SIGTERM: `field` is "SigCgt" for a
// handler, "SigIgn" for ignored. Reads the mask from /proc/<pid>/status.
bool wait_for_sigterm_setup(pid_t pid, const std::string& field) {
  constexpr unsigned long long k_sigterm_bit = 1ULL << (SIGTERM - 1);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string status = test::read_text("/proc/" + std::to_string(pid) + "/status");
    const std::size_t at = status.find(field + ":");
    if (at != std::string::npos &&
        (std::stoull(status.substr(at + field.size() + 1), nullptr, 16) & k_sigterm_bit) != 0) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return false;
}

std::optional<Match> find_pid(const std::vector<Match>& matches, pid_t pid) {
  for (const Match& match : matches) {
    if (match.process.pid == static_cast<std::uint64_t>(pid)) {
      return match;
    }
  }
  return std::nullopt;
}

} // namespace

TEST_CASE("system probe: a running fake agent named codex is found, a codexsync is not", "[process]") {
  const std::filesystem::path helper = fake_agent_binary();
  if (!std::filesystem::exists(helper)) {
    WARN("skipped: the fake agent helper is not built at " << helper.string());
    return;
  }
  const test::TempDir dir;
  const auto copy_as = [&](const std::string& name) {
    const std::filesystem::path target = dir / name;
    std::filesystem::copy_file(helper, target);
    std::filesystem::permissions(target, std::filesystem::perms::owner_all);
    return target;
  };
  const std::filesystem::path codex = copy_as("codex");
  const std::filesystem::path app_server = copy_as("codex-app-server");
  const std::filesystem::path codexsync = copy_as("codexsync");
  const std::filesystem::path odd = copy_as("x) (codex) 1 2");

  Child codex_agent(codex, {"codex", "30"}, dir / "codex.err");
  Child server_agent(app_server, {"codex-app-server", "30"}, dir / "server.err");
  Child other(codexsync, {"codexsync", "30"}, dir / "other.err");
  Child odd_agent(odd, {"odd", "30"}, dir / "odd.err");
  const pid_t codex_pid = codex_agent.pid();
  const pid_t server_pid = server_agent.pid();
  const pid_t other_pid = other.pid();
  REQUIRE(codex_pid > 0);
  REQUIRE(server_pid > 0);
  REQUIRE(other_pid > 0);

  const MatchRules rules = rules_for(Os::linux, k_main_names, {"/usr/lib/chatgpt/"});
  const std::unique_ptr<ProcessProbe> probe = make_system_probe();
  std::optional<Match> found_codex;
  std::optional<Match> found_server;
  std::vector<Match> matches;
  // Wait for both to have exec'd (comm changes at exec).
  for (int attempt = 0; attempt < 100 && !(found_codex && found_server); ++attempt) {
    const Observation seen = observe(*probe, rules);
    REQUIRE(seen.state != AgentState::unknown);
    matches = seen.matches;
    found_codex = find_pid(matches, codex_pid);
    found_server = find_pid(matches, server_pid);
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  CHECK_FALSE(find_pid(matches, other_pid).has_value());
  // The gate refuses while they run.
  CHECK_THROWS_AS(check_still_stopped(*probe, rules, true, [](const std::string&) {}), AgentRunningError);

  REQUIRE(wait_for_sigterm_setup(codex_pid, "SigCgt"));
  REQUIRE(wait_for_sigterm_setup(server_pid, "SigCgt"));
  REQUIRE(wait_for_sigterm_setup(other_pid, "SigCgt"));
  // A name with spaces and parentheses (the kernel's stat wraps it in "(...)").
  REQUIRE(wait_for_sigterm_setup(odd_agent.pid(), "SigCgt"));
  {
    std::string why_not;
    const auto listed_now = probe->list(why_not);
    REQUIRE(listed_now.has_value());
    const auto it = std::find_if(listed_now->begin(), listed_now->end(), [&](const ProcessInfo& process) {
      return process.pid == static_cast<std::uint64_t>(odd_agent.pid());
    });
    REQUIRE(it != listed_now->end());
    CHECK(it->name == "x) (codex) 1 2");
    CHECK(it->parent_pid == static_cast<std::uint64_t>(::getpid()));
    CHECK_FALSE(find_pid(match_processes(*listed_now, rules, current_pid()), odd_agent.pid()).has_value());
  }
  CHECK(codex_agent.stop() == 0);
  CHECK(test::read_text(dir / "codex.err") == "fake agent: closing\n");
  CHECK(server_agent.stop() == 0);
  CHECK(other.stop() == 0);
  CHECK(odd_agent.stop() == 0);

  REQUIRE(found_codex.has_value());
  CHECK(found_codex->why == "name \"codex\"");
  CHECK(found_codex->process.name == "codex");
  CHECK(found_codex->process.exe_path == std::filesystem::canonical(codex).string());
  CHECK(found_codex->process.args == std::vector<std::string>{"codex", "30"});
  CHECK(found_codex->process.parent_pid == static_cast<std::uint64_t>(::getpid()));
  REQUIRE(found_server.has_value());
  CHECK(found_server->process.name == "codex-app-serve");
  CHECK_THAT(found_server->why, CS_CONTAINS("cut to 15"));

  // Once ended they are no longer listed.
  std::string why_not;
  const auto after = probe->list(why_not);
  REQUIRE(after.has_value());
  CHECK_FALSE(find_pid(match_processes(*after, rules, current_pid()), codex_pid).has_value());
}
TEST_CASE("fake agent: ignore-term survives SIGTERM and needs a forced end", "[process]") {
  const std::filesystem::path helper = fake_agent_binary();
  if (!std::filesystem::exists(helper)) {
    WARN("skipped: the fake agent helper is not built at " << helper.string());
    return;
  }
  const test::TempDir dir;
  Child agent(helper, {"codex", "30", "ignore-term"}, dir / "err");
  REQUIRE(wait_for_sigterm_setup(agent.pid(), "SigIgn"));
  ::kill(agent.pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  CHECK(agent.running());
  ::kill(agent.pid(), SIGKILL);
  CHECK(agent.wait() == -1);
  CHECK(test::read_text(dir / "err").empty());
}

TEST_CASE("fake agent: ends by itself after the given seconds", "[process]") {
  const std::filesystem::path helper = fake_agent_binary();
  if (!std::filesystem::exists(helper)) {
    WARN("skipped: the fake agent helper is not built at " << helper.string());
    return;
  }
  const test::TempDir dir;
  Child agent(helper, {"codex", "0"}, dir / "err");
  CHECK(agent.wait() == 0);
}
#endif

#ifdef _WIN32
namespace {

std::filesystem::path windows_fake_agent() {
  return std::filesystem::path(CODEXSYNC_TEST_TMP).parent_path() / "test-helpers" / "fake_agent.exe";
}

// fake_agent.exe started by this test: no console (DETACHED_PROCESS), stdin
// and stderr NUL, stdout a pipe this test reads (the pid line says it has
// started). A console child is what hung this test under Wine: Wine gives a
// console child of a console-less parent a conhost.exe of its own, which takes
// the parent's standard handles (CTest's output pipe); a child ended while it
// set that console up left conhost running for good, and CTest waited for the
// pipe to close until its timeout. Ended (and waited for) when destroyed.
class StartedAgent {
public:
  explicit StartedAgent(const std::filesystem::path& helper) {
    SECURITY_ATTRIBUTES inherit{};
    inherit.nLength = sizeof inherit;
    inherit.bInheritHandle = TRUE;
    HANDLE write_end = nullptr;
    if (!CreatePipe(&m_stdout, &write_end, &inherit, 0)) {
      return;
    }
    SetHandleInformation(m_stdout, HANDLE_FLAG_INHERIT, 0);
    HANDLE null_device = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                     &inherit, OPEN_EXISTING, 0, nullptr);
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = null_device;
    startup.hStdOutput = write_end;
    startup.hStdError = null_device;
    std::wstring command_line = L"\"" + helper.wstring() + L"\" 30";
    m_started = CreateProcessW(helper.c_str(), command_line.data(), nullptr, nullptr, TRUE, DETACHED_PROCESS,
                               nullptr, nullptr, &startup, &m_child) != FALSE;
    CloseHandle(write_end);
    if (null_device != INVALID_HANDLE_VALUE) {
      CloseHandle(null_device);
    }
  }
  StartedAgent(const StartedAgent&) = delete;
  StartedAgent& operator=(const StartedAgent&) = delete;
  ~StartedAgent() {
    end();
    if (m_started) {
      CloseHandle(m_child.hThread);
      CloseHandle(m_child.hProcess);
    }
    if (m_stdout != nullptr) {
      CloseHandle(m_stdout);
    }
  }

  bool started() const { return m_started; }
  std::uint64_t pid() const { return m_child.dwProcessId; }

  // True once the agent has printed its pid line, within `timeout`.
  bool wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_started && std::chrono::steady_clock::now() < deadline) {
      DWORD available = 0;
      if (!PeekNamedPipe(m_stdout, nullptr, 0, nullptr, &available, nullptr)) {
        return false;  // it ended
      }
      if (available > 0) {
        return true;
      }
      Sleep(10);
    }
    return false;
  }

  // Ends it and waits (10 s at most) until it has gone.
  void end() {
    if (m_started && !m_ended) {
      TerminateProcess(m_child.hProcess, 0);
      WaitForSingleObject(m_child.hProcess, 10000);
      m_ended = true;
    }
  }

private:
  PROCESS_INFORMATION m_child{};
  HANDLE m_stdout = nullptr;
  bool m_started = false;
  bool m_ended = false;
};

} // namespace

TEST_CASE("system probe: a started fake agent is listed with this process as its parent", "[process]") {
  // (Under Wine this test process itself has no Windows parent: its parent id is 0.)
  const std::filesystem::path helper = windows_fake_agent();
  REQUIRE(std::filesystem::exists(helper));
  StartedAgent agent(helper);
  REQUIRE(agent.started());
  REQUIRE(agent.wait_ready(std::chrono::seconds{20}));
  std::string why_not;
  const std::optional<std::vector<ProcessInfo>> processes = make_system_probe()->list(why_not);
  agent.end();

  REQUIRE(processes.has_value());
  const auto found = std::find_if(processes->begin(), processes->end(),
                                  [&](const ProcessInfo& process) { return process.pid == agent.pid(); });
  REQUIRE(found != processes->end());
  CHECK(found->parent_pid == current_pid());
  CHECK(found->name == "fake_agent.exe");
  CHECK_THAT(found->exe_path, CS_CONTAINS("fake_agent.exe"));
  const std::vector<Match> matches = match_processes(*processes, rules_for(Os::windows, {"fake_agent"}), 0);
  CHECK(std::any_of(matches.begin(), matches.end(),
                    [&](const Match& match) { return match.process.pid == found->pid; }));
}

TEST_CASE("a fake agent ended as it starts leaves no console host behind", "[process]") {
  // The way the test above once hung under Wine: its child ended while Wine set
  // up the child's console left a conhost.exe that kept CTest's output open.
  const std::filesystem::path helper = windows_fake_agent();
  REQUIRE(std::filesystem::exists(helper));
  std::vector<std::uint64_t> ended;
  for (int delay_ms = 0; delay_ms < 16; ++delay_ms) {
    StartedAgent agent(helper);
    REQUIRE(agent.started());
    ended.push_back(agent.pid());
    Sleep(static_cast<DWORD>(delay_ms));
  }
  // Left-over console hosts of those children, after they had time to leave.
  const auto left_over = [&] {
    std::vector<std::uint64_t> hosts;
    std::string why_not;
    const auto processes = make_system_probe()->list(why_not);
    REQUIRE(processes.has_value());
    for (const ProcessInfo& process : *processes) {
      if (util::to_lower_ascii(process.name) == "conhost.exe" &&
          std::find(ended.begin(), ended.end(), process.parent_pid) != ended.end()) {
        hosts.push_back(process.pid);
      }
    }
    return hosts;
  };
  std::vector<std::uint64_t> hosts = left_over();
  for (int tries = 0; tries < 30 && !hosts.empty(); ++tries) {
    Sleep(100);
    hosts = left_over();
  }
  // End them, so that a failure here fails instead of hanging CTest.
  for (const std::uint64_t host : hosts) {
    HANDLE handle = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, static_cast<DWORD>(host));
    if (handle != nullptr) {
      TerminateProcess(handle, 0);
      WaitForSingleObject(handle, 5000);
      CloseHandle(handle);
    }
  }
  INFO(hosts.size() << " conhost.exe left running by fake agents this test ended");
  CHECK(hosts.empty());
}
#endif
