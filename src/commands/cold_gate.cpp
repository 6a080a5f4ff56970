#include "cold_gate.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/process/terminate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace codexsync::commands {
namespace {

void warn(const std::string& message) { log::warn(message); }

} // namespace

process::MatchRules match_rules(const config::Config& cfg) {
  process::MatchRules rules;
  rules.os = util::current_os();
  rules.process_names = cfg.process_detection.process_names;
  const auto& background = cfg.process_detection.background_process_names;
  if (const auto it = background.find(std::string(util::os_name(rules.os))); it != background.end()) {
    rules.background_names = it->second;
  }
  return rules;
}

bool agent_running_now(const config::Config& cfg) {
  const auto probe = process::make_system_probe();
  return process::observe(*probe, match_rules(cfg)).state == process::AgentState::running;
}

ColdGate::ColdGate(Context& ctx, const config::Config& cfg)
  : m_ctx(ctx), m_cfg(cfg), m_probe(process::make_system_probe()), m_rules(match_rules(cfg)) {}

ColdGate::~ColdGate() = default;

void ColdGate::require() {
  if (!m_cfg.safety.require_codex_stopped) {
    log::warn("safety.require_codex_stopped = false: not checking whether the agent runs");
    return;
  }
  const auto& pd = m_cfg.process_detection;
  const auto first = process::observe(*m_probe, m_rules);
  if (first.state == process::AgentState::running && pd.allow_terminate_if_running) {
    close_agent(first.matches);
  }
  process::GateOptions options;
  options.grace = std::chrono::seconds(pd.grace_period_seconds);
  options.fail_on_unknown = m_cfg.safety.fail_on_unknown;
  process::require_stopped(*m_probe, m_rules, options, process::real_sleeper(), warn);
  log::info("the agent is closed", {{"grace_seconds", std::to_string(pd.grace_period_seconds)}});
}

void ColdGate::check_now() {
  if (!m_cfg.safety.require_codex_stopped) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (m_seen_stopped && now - *m_seen_stopped < k_recheck_after) {
    return;
  }
  process::check_still_stopped(*m_probe, m_rules, m_cfg.safety.fail_on_unknown, warn);
  m_seen_stopped = now;  // reached only when the sample did not stop the run
}

void ColdGate::close_agent(const std::vector<process::Match>& matches) {
  for (const auto& match : matches) {
    if (match.background) {
      throw AgentRunningError(fmt::format("the agent is working (its helper {} runs); it is not closed while busy. "
                                          "Let it finish, close it, and run again",
                                          process::describe({match})));
    }
  }
  const auto& pd = m_cfg.process_detection;
  const auto& global = m_ctx.global();
  auto how = pd.terminate_confirmation_mode == config::ConfirmationMode::gui ? process::Confirmation::gui
                                                                             : process::Confirmation::console;
  if (global.auto_terminate || (!pd.manual_terminate_confirmation && !global.manual_terminate)) {
    how = process::Confirmation::yes;
  } else if (global.scheduled) {
    how = process::Confirmation::console;  // no dialog for no one: a scheduled run never asks (the answer is no)
  }
  if (!process::confirm_termination(matches, how, std::cin, m_ctx.err(), m_ctx.stdin_interactive())) {
    throw AgentRunningError(fmt::format("the agent is running and was not closed: {}; close it and run again",
                                        process::describe(matches)));
  }
  log::warn("closing the agent", {{"processes", process::describe(matches)}});
  const auto result = process::terminate(matches, *m_probe, m_rules, std::chrono::seconds(pd.terminate_timeout_seconds),
                                         process::real_sleeper());
  if (!result.all_gone) {
    throw FailSafeError(fmt::format("could not close the agent: {}; nothing was written. Close it yourself and run "
                                    "again",
                                    result.error));
  }
  for (const auto& forced : result.forced) {
    const auto& not_asked = result.not_asked;
    if (std::find(not_asked.begin(), not_asked.end(), forced) == not_asked.end()) {
      log::warn("the agent did not close when asked and was ended", {{"process", forced}});
    } else {
      log::warn(fmt::format("the agent could not be asked to close (it has no window to send WM_CLOSE to, "
                            "such as a console program, or the system refused) and was ended after {} s",
                            pd.terminate_timeout_seconds),
                {{"process", forced}});
    }
  }
}

} // namespace codexsync::commands
