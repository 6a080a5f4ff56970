#include <codexsync/core/exit_code.hpp>

namespace codexsync {

std::string_view exit_code_name(ExitCode code) {
  switch (code) {
  case ExitCode::ok: return "ok";
  case ExitCode::runtime_error: return "runtime_error";
  case ExitCode::conflict: return "conflict";
  case ExitCode::agent_running: return "agent_running";
  case ExitCode::invalid_config: return "invalid_config";
  case ExitCode::fail_safe: return "fail_safe";
  }
  return "unknown";
}

std::string_view exit_code_meaning(ExitCode code) {
  switch (code) {
  case ExitCode::ok: return "ok";
  case ExitCode::runtime_error: return "runtime error (see the message and the log)";
  case ExitCode::conflict: return "conflict left open by the policy; nothing was written";
  case ExitCode::agent_running: return "the agent is running; close it and run again";
  case ExitCode::invalid_config: return "invalid config or command-line arguments";
  case ExitCode::fail_safe: return "fail-safe abort: retry later, or a person must look";
  }
  return "unknown";
}

std::string_view exit_code_title(ExitCode code) {
  switch (code) {
  case ExitCode::ok: return "ok";
  case ExitCode::runtime_error: return "runtime error";
  case ExitCode::conflict: return "conflict left open";
  case ExitCode::agent_running: return "agent running";
  case ExitCode::invalid_config: return "invalid config or arguments";
  case ExitCode::fail_safe: return "fail-safe abort";
  }
  return "unknown exit code";
}

} // namespace codexsync
