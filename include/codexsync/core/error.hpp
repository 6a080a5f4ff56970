#pragma once

#include <codexsync/core/exit_code.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace codexsync {

// Every failure that reaches the user is an Error carrying its exit code. Only
// cli::run catches them and turns them into a message and an exit code; nothing
// below it calls exit(). Messages say what happened, to which path, and what to
// do next.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message)
    : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

private:
  ExitCode m_code;
};

// A bad command line: unknown command or flag, bad value. Exit 4.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(ExitCode::invalid_config, message) {}
};

// An invalid configuration. Carries one line per problem, each formatted as
// `PATH:LINE:COL: message` where the position is known. Exit 4.
class ConfigError : public Error {
public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return m_problems; }

private:
  std::vector<std::string> m_problems;
};

// A conflict the configured policy left open; nothing was written. Exit 2.
class ConflictError : public Error {
public:
  explicit ConflictError(const std::string& message) : Error(ExitCode::conflict, message) {}
};

// The cold precondition failed: the agent is running. Exit 3.
class AgentRunningError : public Error {
public:
  explicit AgentRunningError(const std::string& message)
    : Error(ExitCode::agent_running, message) {}
};

// A fail-safe stop: the tool could not prove an action safe. Exit 5.
class FailSafeError : public Error {
public:
  explicit FailSafeError(const std::string& message) : Error(ExitCode::fail_safe, message) {}
};

// A runtime failure (I/O error, missing tool). Exit 1.
class RuntimeError : public Error {
public:
  explicit RuntimeError(const std::string& message) : Error(ExitCode::runtime_error, message) {}
};

} // namespace codexsync
