#pragma once

#include <codexsync/commands/command.hpp>
#include <codexsync/process/gate.hpp>
#include <codexsync/process/probe.hpp>

#include <chrono>
#include <memory>
#include <optional>

// The cold precondition as the writing commands use it (sync --apply,
// restore --apply, recover ... --apply).
namespace codexsync::commands {

class ColdGate {
public:
  ColdGate(Context& ctx, const config::Config& cfg);
  ~ColdGate();
  ColdGate(const ColdGate&) = delete;
  ColdGate& operator=(const ColdGate&) = delete;

  // Waits until the agent has been seen stopped for grace_period_seconds.
  // A running agent: with allow_terminate_if_running, asks (or, with
  // --auto-terminate-without-confirmation, does not ask) and closes it,
  // then waits; otherwise exit 3 naming it. UNKNOWN: exit 5 while
  // fail_on_unknown. require_codex_stopped = false: a logged warning only.
  void require();

  // One more sample right before a write; a sample that found the agent
  // stopped less than k_recheck_after ago stands for this one (a run that
  // replaces a thousand files does not list every process a thousand times).
  void check_now();
  static constexpr std::chrono::milliseconds k_recheck_after{200};

private:
  void close_agent(const std::vector<process::Match>& matches);

  Context& m_ctx;
  const config::Config& m_cfg;
  std::unique_ptr<process::ProcessProbe> m_probe;
  process::MatchRules m_rules;
  std::optional<std::chrono::steady_clock::time_point> m_seen_stopped;  // the last sample that found it stopped
};

// True when the agent is running now (for marking a plan "volatile"); false
// when stopped or unknown.
bool agent_running_now(const config::Config& cfg);

// The rules for this OS from the config.
process::MatchRules match_rules(const config::Config& cfg);

} // namespace codexsync::commands
