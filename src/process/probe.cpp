#include <codexsync/process/probe.hpp>

#include <codexsync/util/text.hpp>

#include <cstddef>
#include <string_view>

namespace codexsync::process {
namespace {

using util::Os;

// Linux keeps TASK_COMM_LEN - 1 bytes of a process name.
constexpr std::size_t k_linux_comm_length = 15;
// describe() names at most this many processes, then says how many more.
constexpr std::size_t k_described_at_most = 8;

bool equal_ignoring_case(std::string_view left, std::string_view right) {
  return left.size() == right.size() && util::to_lower_ascii(left) == util::to_lower_ascii(right);
}

// On Windows "codex" and "codex.exe" are the same name.
std::string_view without_exe(std::string_view name, Os os) {
  constexpr std::string_view k_exe = ".exe";
  if (os == Os::windows && name.size() > k_exe.size() &&
      equal_ignoring_case(name.substr(name.size() - k_exe.size()), k_exe)) {
    name.remove_suffix(k_exe.size());
  }
  return name;
}

bool same_name(std::string_view seen, std::string_view wanted, Os os) {
  seen = without_exe(seen, os);
  wanted = without_exe(wanted, os);
  return !seen.empty() && equal_ignoring_case(seen, wanted);
}

// A Linux comm of exactly 15 bytes may be a longer name the kernel cut.
bool same_cut_comm(std::string_view comm, std::string_view wanted, Os os) {
  return os == Os::linux && comm.size() == k_linux_comm_length && wanted.size() > k_linux_comm_length &&
         equal_ignoring_case(comm, wanted.substr(0, k_linux_comm_length));
}

bool is_separator(char c, Os os) {
  return c == '/' || (os == Os::windows && c == '\\');
}

std::string_view base_name(std::string_view path, Os os) {
  for (std::size_t i = path.size(); i > 0; --i) {
    if (is_separator(path[i - 1], os)) {
      return path.substr(i);
    }
  }
  return path;
}

bool is_path_marker(std::string_view entry, Os os) {
  for (const char c : entry) {
    if (is_separator(c, os)) {
      return true;
    }
  }
  return false;
}

// Separators as '/', and lower case where the file system ignores case.
std::string comparable_path(std::string_view path, Os os) {
  std::string out(path);
  if (os == Os::windows) {
    for (char& c : out) {
      if (c == '\\') {
        c = '/';
      }
    }
  }
  return os == Os::linux ? out : util::to_lower_ascii(out);
}

// An argument counts as a path when it names a file: it has a separator and
// is not an option ("--root=/usr/lib/chatgpt/" is a setting, not a program).
bool argument_is_path(std::string_view argument, Os os) {
  return !argument.empty() && argument.front() != '-' && is_path_marker(argument, os);
}

// The reason `process` matches the name `wanted`, or "".
std::string name_reason(const ProcessInfo& process, std::string_view wanted, Os os) {
  if (same_name(process.name, wanted, os)) {
    return "name \"" + std::string(wanted) + "\"";
  }
  if (same_cut_comm(process.name, wanted, os)) {
    return "comm \"" + process.name + "\" (cut to 15, name \"" + std::string(wanted) + "\")";
  }
  if (!process.exe_path.empty() && same_name(base_name(process.exe_path, os), wanted, os)) {
    return "exe name \"" + std::string(wanted) + "\"";
  }
  return {};
}

// The reason `process` matches the path marker `marker`, or "".
std::string marker_reason(const ProcessInfo& process, std::string_view marker, Os os) {
  const std::string wanted = comparable_path(marker, os);
  if (!process.exe_path.empty() && comparable_path(process.exe_path, os).find(wanted) != std::string::npos) {
    return "path marker " + std::string(marker) + " (exe path)";
  }
  for (const std::string& argument : process.args) {
    if (argument_is_path(argument, os) && comparable_path(argument, os).find(wanted) != std::string::npos) {
      return "path marker " + std::string(marker) + " (command line)";
    }
  }
  return {};
}

std::string display_name(const ProcessInfo& process, Os os) {
  if (!process.name.empty()) {
    return process.name;
  }
  if (!process.exe_path.empty()) {
    return std::string(base_name(process.exe_path, os));
  }
  return "process";
}

} // namespace

std::vector<Match> match_processes(const std::vector<ProcessInfo>& processes, const MatchRules& rules,
                                   std::uint64_t self_pid) {
  std::vector<Match> matches;
  for (const ProcessInfo& process : processes) {
    if (process.pid == self_pid) {
      continue;
    }
    std::string why;
    bool background = false;
    for (const std::string& wanted : rules.process_names) {
      why = name_reason(process, wanted, rules.os);
      if (!why.empty()) {
        break;
      }
    }
    for (const std::string& entry : rules.background_names) {
      if (!why.empty()) {
        break;
      }
      why = is_path_marker(entry, rules.os) ? marker_reason(process, entry, rules.os)
                                            : name_reason(process, entry, rules.os);
      background = !why.empty();
    }
    if (!why.empty()) {
      matches.push_back(Match{process, why, background});
    }
  }
  return matches;
}

Observation observe(const ProcessProbe& probe, const MatchRules& rules) {
  Observation observation;
  std::string why_not;
  const std::optional<std::vector<ProcessInfo>> processes = probe.list(why_not);
  if (!processes) {
    observation.state = AgentState::unknown;
    observation.error = why_not.empty() ? "the process list could not be read" : why_not;
    return observation;
  }
  observation.matches = match_processes(*processes, rules, current_pid());
  observation.state = observation.matches.empty() ? AgentState::stopped : AgentState::running;
  return observation;
}

std::string describe(const std::vector<Match>& matches) {
  std::vector<std::string> parts;
  for (const Match& match : matches) {
    if (parts.size() == k_described_at_most) {
      parts.push_back("and " + std::to_string(matches.size() - k_described_at_most) + " more");
      break;
    }
    parts.push_back(display_name(match.process, util::current_os()) + " (pid " +
                    std::to_string(match.process.pid) + ", " + match.why + ")");
  }
  return util::join(parts, ", ");
}

} // namespace codexsync::process
