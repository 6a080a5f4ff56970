#pragma once

#include <codexsync/util/environment.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Is the agent running? One small implementation per OS behind ProcessProbe,
// none of which starts a helper program (no ps, tasklist or PowerShell).
namespace codexsync::process {

struct ProcessInfo {
  std::uint64_t pid = 0;
  std::uint64_t parent_pid = 0;
  std::string name;          // Linux: /proc/<pid>/comm (may be cut to 15 bytes); macOS: proc name;
                             // Windows: the exe file name (szExeFile)
  std::string exe_path;      // the executable's full path when the OS tells ("" otherwise)
  std::vector<std::string> args;  // the command line, split; empty when unreadable
  // When it started, comparable only within one list; 0 when unknown. Windows
  // fills it (FILETIME ticks): there parent_pid may name a process that ended,
  // whose id Windows then gave to a younger one, which cannot be the parent.
  std::uint64_t start_time = 0;
};

// Lists this user's view of the running processes.
class ProcessProbe {
public:
  virtual ~ProcessProbe() = default;
  // Returns every process, or nullopt with `why_not` set when the list cannot
  // be read at all (that is UNKNOWN, never "stopped"). A single process that
  // vanishes or cannot be read while listing is left out, not an error.
  virtual std::optional<std::vector<ProcessInfo>> list(std::string& why_not) const = 0;
};

// The real probe for this OS: Linux /proc, macOS libproc/sysctl, Windows a
// Toolhelp32 snapshot (with parent ids).
std::unique_ptr<ProcessProbe> make_system_probe();

// What counts as the agent, for one OS.
struct MatchRules {
  util::Os os = util::current_os();
  std::vector<std::string> process_names;     // whole names, case-insensitive
  std::vector<std::string> background_names;  // names, or path markers when they contain '/'
};

struct Match {
  ProcessInfo process;
  std::string why;          // e.g. "name \"codex\"", "comm \"codex-app-serve\" (cut to 15)", "path marker /usr/lib/chatgpt/"
  bool background = false;  // matched a background_process_names entry (a helper such as a sandbox)
};

// Returns the processes that are the agent or its helpers:
//  - a name matches when equal ignoring ASCII case; on Windows a trailing
//    ".exe" is optional on either side; on Linux a 15-byte comm also matches
//    a longer configured name it is the start of (the kernel cuts comm);
//    the exe path's base name is checked the same way;
//  - a background entry containing '/' is a path marker: it matches when the
//    executable path, or a command-line argument that is a path, contains it
//    (separators compared as '/', case-insensitive on Windows and macOS).
// Never matches this process itself (`self_pid`).
std::vector<Match> match_processes(const std::vector<ProcessInfo>& processes, const MatchRules& rules,
                                   std::uint64_t self_pid);

// This process's id.
std::uint64_t current_pid();

enum class AgentState { stopped, running, unknown };

struct Observation {
  AgentState state = AgentState::unknown;
  std::vector<Match> matches;  // when running
  std::string error;           // when unknown
};

// One look: list, then match.
Observation observe(const ProcessProbe& probe, const MatchRules& rules);

// "codex (pid 123, name \"codex\"), ..." for messages.
std::string describe(const std::vector<Match>& matches);

} // namespace codexsync::process
