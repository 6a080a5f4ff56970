#pragma once

#include <codexsync/process/gate.hpp>
#include <codexsync/process/probe.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace codexsync::test {

// One scripted answer of FakeProbe::list: a process list, or UNKNOWN with a reason.
struct ProbeAnswer {
  std::optional<std::vector<process::ProcessInfo>> processes;
  std::string why_not;
};

inline ProbeAnswer listed(std::vector<process::ProcessInfo> processes) {
  return ProbeAnswer{std::move(processes), {}};
}

inline ProbeAnswer unreadable(std::string why_not) {
  return ProbeAnswer{std::nullopt, std::move(why_not)};
}

// A process for tests. Pids start above Linux's pid_max (2^22), so a fake one
// never equals the test runner's own pid, which the matcher always skips.
inline process::ProcessInfo fake_process(std::uint64_t n, std::string name, std::string exe_path = {},
                                         std::vector<std::string> args = {}) {
  process::ProcessInfo info;
  info.pid = 5'000'000 + n;
  info.parent_pid = 1;
  info.name = std::move(name);
  info.exe_path = std::move(exe_path);
  info.args = std::move(args);
  return info;
}

// A ProcessProbe that answers call i with answers[i]; the last answer repeats.
// With no answers it lists nothing.
class FakeProbe final : public process::ProcessProbe {
public:
  explicit FakeProbe(std::vector<ProbeAnswer> answers = {}) : m_answers(std::move(answers)) {}

  std::optional<std::vector<process::ProcessInfo>> list(std::string& why_not) const override {
    const std::size_t call = m_calls++;
    if (m_answers.empty()) {
      return std::vector<process::ProcessInfo>{};
    }
    const ProbeAnswer& answer = m_answers[call < m_answers.size() ? call : m_answers.size() - 1];
    if (!answer.processes) {
      why_not = answer.why_not;
    }
    return answer.processes;
  }

  // How many times list() was called.
  std::size_t calls() const { return m_calls; }

private:
  std::vector<ProbeAnswer> m_answers;
  mutable std::size_t m_calls = 0;
};

// A Sleeper that only records what it was asked to wait.
class FakeSleeper final : public process::Sleeper {
public:
  void sleep(std::chrono::milliseconds duration) override { m_sleeps.push_back(duration); }

  const std::vector<std::chrono::milliseconds>& sleeps() const { return m_sleeps; }
  std::chrono::milliseconds total() const {
    std::chrono::milliseconds sum{0};
    for (const auto& one : m_sleeps) {
      sum += one;
    }
    return sum;
  }

private:
  std::vector<std::chrono::milliseconds> m_sleeps;
};

} // namespace codexsync::test
