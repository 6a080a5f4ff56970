#pragma once

#include <codexsync/process/gate.hpp>
#include <codexsync/process/probe.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

// Closing a running agent, only ever after a confirmation or an explicit flag.
namespace codexsync::process {

enum class Confirmation {
  console,  // ask on the terminal; no terminal means "no"
  gui,      // the platform's dialog (zenity/kdialog, osascript, a message box), else the console
  yes,      // --auto-terminate-without-confirmation
};

// Asks the person whether to close `matches`. Returns true only on an explicit
// yes. `interactive` says whether `in`/`out` are a terminal.
bool confirm_termination(const std::vector<Match>& matches, Confirmation how, std::istream& in,
                         std::ostream& out, bool interactive);

struct TerminateResult {
  bool all_gone = false;
  std::vector<std::string> forced;  // described processes that needed a forced end
  // Described processes the polite request did not reach: on Windows one
  // with no top-level window to post WM_CLOSE to (a console program), or
  // one the system would not let be asked. They get the timeout all the same.
  std::vector<std::string> not_asked;
  std::string error;                // why it failed
};

// Asks each matched process to close (SIGTERM on POSIX; WM_CLOSE to its
// windows on Windows), waits up to `timeout` for all of them to leave the
// probe's list, then forces the rest (SIGKILL / TerminateProcess) and waits
// briefly again.
TerminateResult terminate(const std::vector<Match>& matches, const ProcessProbe& probe, const MatchRules& rules,
                          std::chrono::seconds timeout, Sleeper& sleeper);

// Sends the polite request to one process; false when the OS refuses or,
// on Windows, when it has no top-level window to post WM_CLOSE to.
bool ask_to_close(const ProcessInfo& process);
// Forces one process to end; false when the OS refuses.
bool force_end(const ProcessInfo& process);

} // namespace codexsync::process
