#pragma once

#include <codexsync/process/terminate.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/subprocess.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

// The seams behind process/terminate.hpp: terminate.cpp holds the portable
// flow, terminate_posix.cpp / terminate_win32.cpp the OS calls and dialogs.
// Tests drive the flow with scripted actions and dialogs.
namespace codexsync::process::detail {

// How long terminate() waits between looks, and after a forced end.
inline constexpr std::chrono::milliseconds k_poll_interval{250};
inline constexpr std::chrono::milliseconds k_force_wait{2000};
// How long a dialog may stay unanswered before it counts as "no".
inline constexpr std::chrono::seconds k_dialog_timeout{120};

// The two OS calls terminate() makes; ask_to_close / force_end in production.
struct CloseActions {
  std::function<bool(const ProcessInfo&)> ask_to_close;
  std::function<bool(const ProcessInfo&)> force_end;
};

// terminate() with the OS calls injected and the timeout in milliseconds.
TerminateResult terminate_with(const std::vector<Match>& matches, const ProcessProbe& probe,
                               const MatchRules& rules, std::chrono::milliseconds timeout, Sleeper& sleeper,
                               const CloseActions& actions);

struct DialogAnswer {
  enum class Kind { yes, no, unavailable };
  Kind kind = Kind::unavailable;
  std::string why; // when unavailable: what was missing or what failed
};

using Dialog = std::function<DialogAnswer(const std::string& message)>;

// confirm_termination() with the dialog injected (used only for Confirmation::gui).
bool confirm_with(const std::vector<Match>& matches, Confirmation how, std::istream& in, std::ostream& out,
                  bool interactive, const Dialog& dialog);

// Shows the platform's yes/no dialog with `message`: zenity or kdialog when a
// display is set in `env` (Linux), osascript (macOS), a message box (Windows).
// "No" is the default button. Unanswered within k_dialog_timeout is "no";
// unavailable when there is no display or dialog program or it fails to run.
DialogAnswer ask_with_dialog(const std::string& message, const util::Environment& env);

#ifdef _WIN32
// Windows: asks `message` in a topmost message box titled "codexsync" with
// Yes and No ("No" the default). No answer within `timeout` is no: the box
// is closed with No. Unavailable when the box cannot be shown.
DialogAnswer show_message_box(const std::string& message, std::chrono::milliseconds timeout);
#endif

// The id of the process that started this one; 0 when the OS will not tell.
std::uint64_t parent_pid();

// True for the ids no signal may ever go to: 0, 1, this process and its parent.
bool is_protected_pid(std::uint64_t pid);

// One run of a dialog program, as ask_with_dialog sees it.
using ProgramRun = util::ProgramRun;

enum class DialogProgram { zenity, kdialog, osascript };

// The arguments that ask `message` with "Keep running" (the default) and
// "Close them" buttons. The message is one argument, never markup or script.
std::vector<std::string> dialog_arguments(DialogProgram program, const std::string& message);

// What a run answered: yes only for the "Close them" exit; no for the other
// button, a closed window or no answer in time; unavailable when it did not
// start, could not reach a display or failed otherwise.
DialogAnswer read_dialog_run(DialogProgram program, const ProgramRun& run);


} // namespace codexsync::process::detail
