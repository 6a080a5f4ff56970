#pragma once

#include <string_view>

namespace codexsync {

// The product's contract with scripts and schedulers. These values never change meaning.
enum class ExitCode : int {
  ok = 0,                // success (doctor: only PASS/WARN)
  runtime_error = 1,     // unexpected failure
  conflict = 2,          // a conflict the policy left open; nothing was written
  agent_running = 3,     // the cold precondition failed: the agent is running
  invalid_config = 4,    // invalid config or command-line arguments
  fail_safe = 5,         // fail-safe abort: retry later, or a person must look
};

// Returns the integer a process should exit with.
constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

// Returns a short stable name ("ok", "conflict", ...) for logs and --json output.
std::string_view exit_code_name(ExitCode code);

// Returns the one-line meaning shown in `codexsync --help` and docs/exit-codes.md.
std::string_view exit_code_meaning(ExitCode code);

// Returns a few words for messages, as docs/exit-codes.md's headings say them:
// "conflict left open", "agent running", ...
std::string_view exit_code_title(ExitCode code);

} // namespace codexsync
