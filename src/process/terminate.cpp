#include "terminate_detail.hpp"

#include <codexsync/util/text.hpp>

#include <algorithm>
#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace codexsync::process {
namespace detail {
namespace {

// Who started this process, up to this many generations, is never closed.
constexpr std::size_t k_ancestors_at_most = 64;

constexpr std::string_view k_question = "Close them now? Unsaved work in the agent may be lost.";

constexpr std::string_view k_title = "codexsync";
constexpr std::string_view k_close_label = "Close them";
constexpr std::string_view k_keep_label = "Keep running";

std::string_view program_name(DialogProgram program) {
  switch (program) {
  case DialogProgram::zenity:
    return "zenity";
  case DialogProgram::kdialog:
    return "kdialog";
  case DialogProgram::osascript:
    return "osascript";
  }
  return "the dialog program";
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Whether an exit code the program ended with is its "no" answer.
bool is_no_exit(DialogProgram program, const ProgramRun& run) {
  switch (program) {
  case DialogProgram::zenity:
    // 1: the other button or a closed window; 5: its own timeout. GTK also
    // ends with 1 when it cannot open the display, which is no answer.
    return (run.exit_code == 1 && !contains(run.output, "cannot open display")) || run.exit_code == 5;
  case DialogProgram::kdialog:
    // 1: no; 2: cancel.
    return run.exit_code == 1 || run.exit_code == 2;
  case DialogProgram::osascript:
    // The cancel button is reported as error -128 with exit code 1.
    return run.exit_code == 1 && contains(run.output, "(-128)");
  }
  return false;
}

// One process as a line: "codex (pid 123, name \"codex\")".
std::string describe_one(const Match& match) { return describe(std::vector<Match>{match}); }

void print_processes(const std::vector<Match>& matches, std::ostream& out) {
  out << "The agent is running:\n";
  for (const Match& match : matches) {
    out << "  " << describe_one(match) << "\n";
  }
}

bool is_yes(std::string_view answer) {
  const std::string word = util::to_lower_ascii(util::trim(answer));
  return word == "y" || word == "yes";
}

bool ask_on_console(std::istream& in, std::ostream& out, bool interactive) {
  if (!interactive) {
    out << "Not closing them: no terminal to ask on; pass --auto-terminate-without-confirmation to allow "
           "it.\n";
    return false;
  }
  out << k_question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(in, answer)) {
    out << "\nNo answer; not closing them.\n";
    return false;
  }
  if (!is_yes(answer)) {
    out << "Not closing them.\n";
    return false;
  }
  return true;
}

std::string dialog_message(const std::vector<Match>& matches) {
  std::string message = "The agent is running:\n";
  for (const Match& match : matches) {
    message += "  " + describe_one(match) + "\n";
  }
  message += "\n";
  message += k_question;
  return message;
}

// The matches once each pid is kept only once.
std::vector<Match> unique_by_pid(const std::vector<Match>& matches) {
  std::vector<Match> out;
  for (const Match& match : matches) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const Match& kept) { return kept.process.pid == match.process.pid; });
    if (!seen) {
      out.push_back(match);
    }
  }
  return out;
}

// One look at the processes: the raw list and what the rules match in it.
struct Look {
  bool ok = false;
  std::vector<ProcessInfo> processes;
  std::vector<Match> matches;
  std::string error;
};

Look look(const ProcessProbe& probe, const MatchRules& rules) {
  Look out;
  std::string why_not;
  std::optional<std::vector<ProcessInfo>> listed = probe.list(why_not);
  if (!listed) {
    out.error = why_not.empty() ? std::string("the process list cannot be read") : why_not;
    return out;
  }
  out.ok = true;
  out.processes = std::move(*listed);
  out.matches = match_processes(out.processes, rules, current_pid());
  return out;
}

// The same process: same pid and same name, so a reused pid is someone else.
bool same_process(const ProcessInfo& left, const ProcessInfo& right) {
  return left.pid == right.pid && left.name == right.name;
}

// The targets the look still shows as the agent.
std::vector<Match> still_there(const std::vector<Match>& targets, const Look& seen) {
  std::vector<Match> out;
  for (const Match& target : targets) {
    const bool present = std::any_of(seen.matches.begin(), seen.matches.end(), [&](const Match& match) {
      return same_process(match.process, target.process);
    });
    if (present) {
      out.push_back(target);
    }
  }
  return out;
}

// The process listed under `pid`, or nullptr.
const ProcessInfo* find_listed(const std::vector<ProcessInfo>& processes, std::uint64_t pid) {
  const auto it = std::find_if(processes.begin(), processes.end(),
                               [&](const ProcessInfo& process) { return process.pid == pid; });
  return it == processes.end() ? nullptr : &*it;
}

// This process, its parent and every process above them in `processes`. The
// walk ends at a pid seen before (parent ids can form a cycle: on Windows a
// parent id may name an ended process's id, reused by a younger process, even
// a descendant), after k_ancestors_at_most steps, and at a "parent" that
// started after its child (that id was reused: the real parent is gone).
std::set<std::uint64_t> self_and_ancestors(const std::vector<ProcessInfo>& processes) {
  std::set<std::uint64_t> out{current_pid()};
  if (const std::uint64_t parent = parent_pid(); parent != 0) {
    out.insert(parent);
  }
  std::set<std::uint64_t> walked;
  const ProcessInfo* child = find_listed(processes, current_pid());
  while (child != nullptr && child->parent_pid != 0 && walked.size() < k_ancestors_at_most &&
         walked.insert(child->pid).second) {
    const ProcessInfo* parent = find_listed(processes, child->parent_pid);
    if (parent != nullptr && parent->start_time != 0 && child->start_time != 0 &&
        parent->start_time > child->start_time) {
      break;
    }
    out.insert(child->parent_pid);
    child = parent;
  }
  return out;
}

// Polls until none of `targets` is left or `budget` has been slept. Returns
// the targets still there at the last successful look; `last` is that look.
std::vector<Match> wait_for_exit(std::vector<Match> targets, const ProcessProbe& probe,
                                 const MatchRules& rules, std::chrono::milliseconds budget, Sleeper& sleeper,
                                 Look& last) {
  std::chrono::milliseconds slept{0};
  while (!targets.empty() && slept < budget) {
    const std::chrono::milliseconds step = std::min(k_poll_interval, budget - slept);
    sleeper.sleep(step);
    slept += step;
    last = look(probe, rules);
    if (last.ok) {
      targets = still_there(targets, last);
    }
  }
  return targets;
}

} // namespace

std::vector<std::string> dialog_arguments(DialogProgram program, const std::string& message) {
  const std::string title(k_title);
  const std::string close(k_close_label);
  const std::string keep(k_keep_label);
  switch (program) {
  case DialogProgram::zenity:
    // --no-markup: a process name is never read as Pango markup.
    return {"--question",          "--title=" + title,       "--text=" + message, "--no-markup",
            "--ok-label=" + close, "--cancel-label=" + keep, "--default-cancel"};
  case DialogProgram::kdialog:
    // --warningyesno has No as its default button.
    return {"--title", title, "--warningyesno", message, "--yes-label", close, "--no-label", keep};
  case DialogProgram::osascript:
    // The message is the script's argument, so nothing in it is AppleScript.
    return {"-e",
            "on run argv",
            "-e",
            "display dialog (item 1 of argv) with title \"" + title + "\" buttons {\"" + keep + "\", \"" +
                close + "\"} default button \"" + keep + "\" cancel button \"" + keep +
                "\" with icon caution",
            "-e",
            "end run",
            message};
  }
  return {};
}

DialogAnswer read_dialog_run(DialogProgram program, const ProgramRun& run) {
  const std::string name(program_name(program));
  if (!run.started) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, name + " could not be started: " + run.why};
  }
  if (run.timed_out) {
    return DialogAnswer{DialogAnswer::Kind::no, {}};
  }
  if (run.exited && run.exit_code == 0) {
    return DialogAnswer{DialogAnswer::Kind::yes, {}};
  }
  if (run.exited && is_no_exit(program, run)) {
    return DialogAnswer{DialogAnswer::Kind::no, {}};
  }
  std::string why = name;
  if (run.exited) {
    why += " ended with exit code " + std::to_string(run.exit_code);
  } else {
    why += run.why.empty() ? std::string(" was ended by a signal") : " failed: " + run.why;
  }
  if (!run.output.empty()) {
    why += ": " + run.output.substr(0, run.output.find('\n'));
  }
  return DialogAnswer{DialogAnswer::Kind::unavailable, why};
}

bool is_protected_pid(std::uint64_t pid) { return pid <= 1 || pid == current_pid() || pid == parent_pid(); }

bool confirm_with(const std::vector<Match>& matches, Confirmation how, std::istream& in, std::ostream& out,
                  bool interactive, const Dialog& dialog) {
  if (matches.empty()) {
    return how == Confirmation::yes;
  }
  if (how == Confirmation::yes) {
    out << "Closing the agent (--auto-terminate-without-confirmation):\n";
    for (const Match& match : matches) {
      out << "  " << describe_one(match) << "\n";
    }
    return true;
  }
  print_processes(matches, out);
  if (how == Confirmation::gui) {
    const DialogAnswer answer = dialog(dialog_message(matches));
    if (answer.kind == DialogAnswer::Kind::yes) {
      out << "Confirmed in a dialog: closing them.\n";
      return true;
    }
    if (answer.kind == DialogAnswer::Kind::no) {
      out << "Declined in a dialog (or left unanswered): not closing them.\n";
      return false;
    }
    out << "No dialog could be shown (" << answer.why << "); asking here instead.\n";
  }
  return ask_on_console(in, out, interactive);
}

TerminateResult terminate_with(const std::vector<Match>& matches, const ProcessProbe& probe,
                               const MatchRules& rules, std::chrono::milliseconds timeout, Sleeper& sleeper,
                               const CloseActions& actions) {
  TerminateResult result;
  const std::vector<Match> wanted = unique_by_pid(matches);
  if (wanted.empty()) {
    result.all_gone = true;
    return result;
  }

  Look first = look(probe, rules);
  if (!first.ok) {
    result.error = "could not list the processes (" + first.error + "); nothing was closed";
    return result;
  }

  const std::set<std::uint64_t> own = self_and_ancestors(first.processes);
  std::vector<Match> refused;
  for (const Match& match : wanted) {
    if (match.process.pid <= 1 || own.count(match.process.pid) != 0) {
      refused.push_back(match);
    }
  }
  if (!refused.empty()) {
    result.error =
        "refusing to close " + describe(refused) +
        ": that is this program, one that started it, or a system process (is codexsync running "
        "inside the agent?); nothing was closed. Close the agent yourself and run codexsync outside it";
    return result;
  }

  // The confirmation may have taken minutes: only what is still the same
  // process is asked; whatever already left is fine.
  std::vector<Match> targets = still_there(wanted, first);
  for (const Match& target : targets) {
    if (!actions.ask_to_close(target.process)) {
      result.not_asked.push_back(describe_one(target));
    }
  }

  Look last = first;
  targets = wait_for_exit(targets, probe, rules, timeout, sleeper, last);
  if (targets.empty()) {
    result.all_gone = true;
    return result;
  }
  if (!last.ok) {
    result.error =
        "could not check whether " + describe(targets) + " closed (" + last.error + "); nothing was forced";
    return result;
  }

  std::vector<Match> refused_force;
  for (const Match& target : targets) {
    if (actions.force_end(target.process)) {
      result.forced.push_back(describe_one(target));
    } else {
      refused_force.push_back(target);
    }
  }

  targets = wait_for_exit(targets, probe, rules, k_force_wait, sleeper, last);
  if (targets.empty()) {
    result.all_gone = true;
    return result;
  }
  if (!last.ok) {
    result.error =
        "could not check whether " + describe(targets) + " ended after a forced end (" + last.error + ")";
    return result;
  }
  result.error = "still running after a forced end: " + describe(targets);
  const std::vector<Match> refused_left = still_there(refused_force, last);
  if (!refused_left.empty()) {
    result.error +=
        " (the system refused to end " + describe(refused_left) + "; is it another user's process?)";
  }
  result.error += "; close it yourself and retry";
  return result;
}

} // namespace detail

bool confirm_termination(const std::vector<Match>& matches, Confirmation how, std::istream& in,
                         std::ostream& out, bool interactive) {
  return detail::confirm_with(matches, how, in, out, interactive, [](const std::string& message) {
    return detail::ask_with_dialog(message, util::Environment::current());
  });
}

TerminateResult terminate(const std::vector<Match>& matches, const ProcessProbe& probe,
                          const MatchRules& rules, std::chrono::seconds timeout, Sleeper& sleeper) {
  return detail::terminate_with(matches, probe, rules, timeout, sleeper,
                                detail::CloseActions{ask_to_close, force_end});
}

} // namespace codexsync::process
