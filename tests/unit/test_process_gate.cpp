#include "support/catch.hpp"
#include "support/fake_probe.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/process/gate.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::process;
using codexsync::test::FakeProbe;
using codexsync::test::FakeSleeper;
using codexsync::test::fake_process;
using codexsync::test::listed;
using codexsync::test::unreadable;
using std::chrono::milliseconds;

namespace {

MatchRules linux_rules() {
  MatchRules rules;
  rules.os = util::Os::linux;
  rules.process_names = {"codex", "codex-app-server"};
  rules.background_names = {"codex-linux-sandbox", "/usr/lib/chatgpt/"};
  return rules;
}

GateOptions window(milliseconds grace, milliseconds interval, bool fail_on_unknown = true) {
  GateOptions options;
  options.grace = grace;
  options.interval = interval;
  options.fail_on_unknown = fail_on_unknown;
  return options;
}

// Runs require_stopped and returns the exception's message and exit code;
// {"", ok} when it returned.
struct Outcome {
  std::string message;
  ExitCode code = ExitCode::ok;
};

Outcome run_gate(const FakeProbe& probe, const GateOptions& options, FakeSleeper& sleeper,
                 std::vector<std::string>* warnings = nullptr) {
  try {
    require_stopped(probe, linux_rules(), options, sleeper, [&](const std::string& text) {
      if (warnings != nullptr) {
        warnings->push_back(text);
      }
    });
  } catch (const Error& e) {
    return Outcome{e.what(), e.code()};
  }
  return {};
}

} // namespace

TEST_CASE("gate: a stable window takes ceil(grace/interval)+1 samples and sleeps exactly grace", "[process]") {
  FakeProbe probe({listed({fake_process(1, "bash"), fake_process(2, "codexsync")})});
  FakeSleeper sleeper;
  const Outcome outcome = run_gate(probe, window(milliseconds{2000}, milliseconds{250}), sleeper);
  CHECK(outcome.message.empty());
  CHECK(probe.calls() == 9);
  CHECK(sleeper.sleeps() == std::vector<milliseconds>(8, milliseconds{250}));
  CHECK(sleeper.total() == milliseconds{2000});
}

TEST_CASE("gate: an interval that does not divide grace shortens the last sleep", "[process]") {
  FakeProbe probe;
  FakeSleeper sleeper;
  CHECK(run_gate(probe, window(milliseconds{1000}, milliseconds{300}), sleeper).message.empty());
  CHECK(probe.calls() == 5);  // ceil(1000/300) + 1
  CHECK(sleeper.sleeps() ==
        std::vector<milliseconds>{milliseconds{300}, milliseconds{300}, milliseconds{300}, milliseconds{100}});
}

TEST_CASE("gate: grace 0 takes exactly one sample and never sleeps", "[process]") {
  FakeProbe probe;
  FakeSleeper sleeper;
  CHECK(run_gate(probe, window(milliseconds{0}, milliseconds{250}), sleeper).message.empty());
  CHECK(probe.calls() == 1);
  CHECK(sleeper.sleeps().empty());
}

TEST_CASE("gate: an interval of 0 samples at the start and at the end of grace", "[process]") {
  FakeProbe probe;
  FakeSleeper sleeper;
  CHECK(run_gate(probe, window(milliseconds{500}, milliseconds{0}), sleeper).message.empty());
  CHECK(probe.calls() == 2);
  CHECK(sleeper.sleeps() == std::vector<milliseconds>{milliseconds{500}});
}

TEST_CASE("gate: an agent that starts mid-window stops the run with exit 3 naming it", "[process]") {
  const auto codex = fake_process(7, "codex", "/usr/local/bin/codex", {"codex", "resume"});
  FakeProbe probe({listed({fake_process(1, "bash")}), listed({fake_process(1, "bash")}),
                   listed({fake_process(1, "bash"), codex})});
  FakeSleeper sleeper;
  const Outcome outcome = run_gate(probe, window(milliseconds{2000}, milliseconds{250}), sleeper);
  CHECK(outcome.code == ExitCode::agent_running);
  CHECK_THAT(outcome.message, CS_CONTAINS("the agent is running: codex (pid 5000007, name \"codex\")"));
  CHECK_THAT(outcome.message, CS_CONTAINS("close it and run again"));
  CHECK(probe.calls() == 3);
  CHECK(sleeper.sleeps().size() == 2);
}

TEST_CASE("gate: an agent running at the first sample is refused without waiting", "[process]") {
  FakeProbe probe({listed({fake_process(3, "Codex")})});
  FakeSleeper sleeper;
  const Outcome outcome = run_gate(probe, window(milliseconds{2000}, milliseconds{250}), sleeper);
  CHECK(outcome.code == ExitCode::agent_running);
  CHECK(probe.calls() == 1);
  CHECK(sleeper.sleeps().empty());
}

TEST_CASE("gate: only background helpers left says they are the agent's helpers", "[process]") {
  FakeSleeper sleeper;
  FakeProbe helpers_only({listed({fake_process(4, "codex-linux-san")})});
  const Outcome helpers = run_gate(helpers_only, window(milliseconds{0}, milliseconds{250}), sleeper);
  CHECK(helpers.code == ExitCode::agent_running);
  CHECK_THAT(helpers.message, CS_CONTAINS("codex-linux-san (pid 5000004"));
  CHECK_THAT(helpers.message, CS_CONTAINS("background helpers"));

  FakeProbe with_main({listed({fake_process(4, "codex-linux-san"), fake_process(5, "codex")})});
  const Outcome both = run_gate(with_main, window(milliseconds{0}, milliseconds{250}), sleeper);
  CHECK(both.code == ExitCode::agent_running);
  CHECK_THAT(both.message, CS_CONTAINS("codex (pid 5000005"));
  CHECK_THAT(both.message, !CS_CONTAINS("background helpers"));
}

TEST_CASE("gate: an unreadable process list is a fail-safe stop naming fail_on_unknown", "[process]") {
  FakeProbe probe({listed({}), unreadable("cannot read /proc: Permission denied")});
  FakeSleeper sleeper;
  std::vector<std::string> warnings;
  const Outcome outcome = run_gate(probe, window(milliseconds{2000}, milliseconds{250}), sleeper, &warnings);
  CHECK(outcome.code == ExitCode::fail_safe);
  CHECK_THAT(outcome.message, CS_CONTAINS("cannot read /proc: Permission denied"));
  CHECK_THAT(outcome.message, CS_CONTAINS("fail_on_unknown"));
  CHECK(probe.calls() == 2);
  CHECK(warnings.empty());
}

TEST_CASE("gate: with fail_on_unknown off an unreadable list warns once and passes", "[process]") {
  FakeProbe probe({listed({}), unreadable("cannot read /proc: Permission denied")});
  FakeSleeper sleeper;
  std::vector<std::string> warnings;
  const Outcome outcome =
      run_gate(probe, window(milliseconds{1000}, milliseconds{250}, false), sleeper, &warnings);
  CHECK(outcome.message.empty());
  CHECK(probe.calls() == 5);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], CS_CONTAINS("cannot read /proc: Permission denied"));
  CHECK_THAT(warnings[0], CS_CONTAINS("fail_on_unknown = false"));
}

TEST_CASE("gate: with fail_on_unknown off a running sample after an unknown one still refuses", "[process]") {
  FakeProbe probe({unreadable("snapshot failed"), listed({fake_process(9, "codex.exe")}),
                   listed({fake_process(9, "codex")})});
  FakeSleeper sleeper;
  std::vector<std::string> warnings;
  const Outcome outcome =
      run_gate(probe, window(milliseconds{1000}, milliseconds{250}, false), sleeper, &warnings);
  CHECK(outcome.code == ExitCode::agent_running);
  CHECK_THAT(outcome.message, CS_CONTAINS("codex (pid 5000009"));
  CHECK(probe.calls() == 3);  // "codex.exe" is not "codex" on Linux
  CHECK(warnings.size() == 1);
}

TEST_CASE("gate: the final check takes one sample with the same outcomes", "[process]") {
  const auto quiet = [](const std::string&) {};
  {
    FakeProbe probe({listed({fake_process(1, "bash")})});
    CHECK_NOTHROW(check_still_stopped(probe, linux_rules(), true, quiet));
    CHECK(probe.calls() == 1);
  }
  {
    FakeProbe probe({listed({fake_process(1, "node", "/usr/lib/chatgpt/chatgpt")})});
    CHECK_THROWS_AS(check_still_stopped(probe, linux_rules(), true, quiet), AgentRunningError);
  }
  {
    FakeProbe probe({unreadable("gone")});
    CHECK_THROWS_AS(check_still_stopped(probe, linux_rules(), true, quiet), FailSafeError);
  }
  {
    FakeProbe probe({unreadable("gone")});
    std::vector<std::string> warnings;
    check_still_stopped(probe, linux_rules(), false, [&](const std::string& text) { warnings.push_back(text); });
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], CS_CONTAINS("gone"));
  }
}

TEST_CASE("gate: the real sleeper waits at least the time asked", "[process]") {
  const auto start = std::chrono::steady_clock::now();
  real_sleeper().sleep(milliseconds{20});
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds{20});
}
