#include <codexsync/process/probe.hpp>

#include <libproc.h>
#include <sys/param.h>
#include <sys/proc_info.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>

// The macOS probe asks the kernel through libproc (pids, names, parents,
// executable paths) and sysctl KERN_PROCARGS2 (arguments). Nothing is spawned.
namespace codexsync::process {
namespace {

// Room for processes started between sizing the pid buffer and filling it.
constexpr int k_pid_slack = 64;
constexpr int k_short_info_size = static_cast<int>(sizeof(proc_bsdshortinfo));

// Returns every pid, or nullopt with errno set.
std::optional<std::vector<pid_t>> all_pids() {
  int capacity = proc_listallpids(nullptr, 0);
  if (capacity < 0) {
    return std::nullopt;
  }
  for (;;) {
    capacity += k_pid_slack;
    std::vector<pid_t> pids(static_cast<std::size_t>(capacity));
    const int count = proc_listallpids(pids.data(), static_cast<int>(pids.size() * sizeof(pid_t)));
    if (count < 0) {
      return std::nullopt;
    }
    if (count < capacity) {
      pids.resize(static_cast<std::size_t>(count));
      return pids;
    }
    capacity = count;  // it may not all have fitted: ask again with more room
  }
}

std::string process_name(pid_t pid, const proc_bsdshortinfo& info) {
  // proc_name gives the longer name for this user's processes; the short
  // info's comm (cut to 15) is readable for everyone's.
  char name[2 * MAXCOMLEN + 1] = {};
  if (proc_name(pid, name, sizeof name) > 0) {
    return std::string(name, ::strnlen(name, sizeof name));
  }
  return std::string(info.pbsi_comm, ::strnlen(info.pbsi_comm, sizeof info.pbsi_comm));
}

std::string executable_path(pid_t pid) {
  char path[PROC_PIDPATHINFO_MAXSIZE] = {};
  if (proc_pidpath(pid, path, sizeof path) <= 0) {
    return {};
  }
  return std::string(path, ::strnlen(path, sizeof path));
}

// Returns the kernel's limit on the size of a process's arguments (0 when unknown).
std::size_t argument_buffer_size() {
  int mib[2] = {CTL_KERN, KERN_ARGMAX};
  int argmax = 0;
  std::size_t size = sizeof argmax;
  if (::sysctl(mib, 2, &argmax, &size, nullptr, 0) != 0 || argmax <= 0) {
    return 0;
  }
  return static_cast<std::size_t>(argmax);
}

// KERN_PROCARGS2 holds argc, the exec path, NUL padding, then argc strings.
// Returns {} when unreadable (another user's process, or gone). `buffer` is
// scratch space of the kernel's argument limit, reused across processes.
std::vector<std::string> process_args(pid_t pid, std::vector<char>& buffer) {
  if (buffer.empty()) {
    return {};
  }
  int mib[3] = {CTL_KERN, KERN_PROCARGS2, static_cast<int>(pid)};
  std::size_t size = buffer.size();
  if (::sysctl(mib, 3, buffer.data(), &size, nullptr, 0) != 0 || size < sizeof(int)) {
    return {};
  }
  int argc = 0;
  std::memcpy(&argc, buffer.data(), sizeof argc);
  std::size_t at = sizeof argc;
  while (at < size && buffer[at] != '\0') {
    ++at;  // the exec path
  }
  while (at < size && buffer[at] == '\0') {
    ++at;  // its padding
  }
  std::vector<std::string> args;
  while (at < size && static_cast<int>(args.size()) < argc) {
    const std::size_t start = at;
    while (at < size && buffer[at] != '\0') {
      ++at;
    }
    args.emplace_back(buffer.data() + start, at - start);
    ++at;
  }
  return args;
}

class MacosProbe final : public ProcessProbe {
public:
  std::optional<std::vector<ProcessInfo>> list(std::string& why_not) const override {
    const std::optional<std::vector<pid_t>> pids = all_pids();
    if (!pids) {
      why_not = std::string("cannot list processes (proc_listallpids): ") + std::strerror(errno);
      return std::nullopt;
    }
    std::vector<char> args_buffer(argument_buffer_size());
    const std::uint64_t self = current_pid();
    bool saw_self = false;
    std::vector<ProcessInfo> processes;
    for (const pid_t pid : *pids) {
      proc_bsdshortinfo info{};
      // The short info is readable for every user's process; no answer means
      // the process ended while we listed: leave it out.
      if (proc_pidinfo(pid, PROC_PIDT_SHORTBSDINFO, 0, &info, k_short_info_size) != k_short_info_size) {
        continue;
      }
      ProcessInfo process;
      process.pid = static_cast<std::uint64_t>(pid);
      process.parent_pid = static_cast<std::uint64_t>(info.pbsi_ppid);
      process.name = process_name(pid, info);
      process.exe_path = executable_path(pid);
      process.args = process_args(pid, args_buffer);
      saw_self = saw_self || process.pid == self;
      processes.push_back(std::move(process));
    }
    if (!saw_self) {
      why_not = "the process list does not include this process (pid " + std::to_string(self) + ")";
      return std::nullopt;
    }
    return processes;
  }
};

} // namespace

std::unique_ptr<ProcessProbe> make_system_probe() {
  return std::make_unique<MacosProbe>();
}

} // namespace codexsync::process
