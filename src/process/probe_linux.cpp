#include <codexsync/process/probe.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

// The Linux probe reads /proc directly: per process `stat` (name and parent),
// the `exe` link and `cmdline`. Nothing is spawned.
namespace codexsync::process {
namespace {

constexpr std::size_t k_read_chunk = 4096;
// The kernel shows a replaced or removed executable with this suffix.
constexpr std::string_view k_deleted_suffix = " (deleted)";

class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  int get() const { return m_fd; }

private:
  int m_fd;
};

class Dir {
public:
  explicit Dir(DIR* dir) : m_dir(dir) {}
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  ~Dir() {
    if (m_dir != nullptr) {
      ::closedir(m_dir);
    }
  }
  DIR* get() const { return m_dir; }

private:
  DIR* m_dir;
};

// Reads the whole /proc file `relative` below `proc_fd`; false when it cannot
// be opened or read (the process is gone or not ours).
bool read_proc_file(int proc_fd, const std::string& relative, std::string& out) {
  out.clear();
  const Fd fd(::openat(proc_fd, relative.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return false;
  }
  char buffer[k_read_chunk];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    if (got == 0) {
      return true;
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
}

// Returns the target of the link `relative`, or "" when it cannot be read
// (EACCES for another user's process, ENOENT for a kernel thread).
std::string read_proc_link(int proc_fd, const std::string& relative) {
  std::string target(256, '\0');
  for (;;) {
    const ssize_t got = ::readlinkat(proc_fd, relative.c_str(), target.data(), target.size());
    if (got < 0) {
      return {};
    }
    if (static_cast<std::size_t>(got) < target.size()) {
      target.resize(static_cast<std::size_t>(got));
      break;
    }
    target.resize(target.size() * 2);
  }
  if (target.size() > k_deleted_suffix.size() &&
      target.compare(target.size() - k_deleted_suffix.size(), k_deleted_suffix.size(), k_deleted_suffix) == 0) {
    target.resize(target.size() - k_deleted_suffix.size());
  }
  return target;
}

// Parses "<pid> (<comm>) <state> <ppid> ...". The comm may hold spaces and
// parentheses, so it ends at the last ')'.
bool parse_stat(const std::string& stat, std::string& comm, std::uint64_t& parent_pid) {
  const std::size_t open = stat.find('(');
  const std::size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return false;
  }
  comm = stat.substr(open + 1, close - open - 1);
  // After ") " come the state (one character), a space and the parent id.
  std::size_t at = close + 1;
  while (at < stat.size() && stat[at] == ' ') {
    ++at;
  }
  if (at >= stat.size()) {
    return false;
  }
  ++at;  // the state
  while (at < stat.size() && stat[at] == ' ') {
    ++at;
  }
  const std::size_t start = at;
  std::uint64_t value = 0;
  while (at < stat.size() && stat[at] >= '0' && stat[at] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(stat[at] - '0');
    ++at;
  }
  if (at == start) {
    return false;
  }
  parent_pid = value;
  return true;
}

std::vector<std::string> split_cmdline(const std::string& raw) {
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t end = raw.find('\0', start);
    if (end == std::string::npos) {
      end = raw.size();
    }
    args.emplace_back(raw, start, end - start);
    start = end + 1;
  }
  return args;
}

std::optional<std::uint64_t> parse_pid(const char* name) {
  if (name[0] == '\0') {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char* c = name; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint64_t>(*c - '0');
  }
  return value;
}

class LinuxProbe final : public ProcessProbe {
public:
  std::optional<std::vector<ProcessInfo>> list(std::string& why_not) const override {
    const Dir proc(::opendir("/proc"));
    if (proc.get() == nullptr) {
      why_not = std::string("cannot read /proc: ") + std::strerror(errno);
      return std::nullopt;
    }
    const int proc_fd = ::dirfd(proc.get());
    const std::uint64_t self = current_pid();
    bool saw_self = false;
    std::vector<ProcessInfo> processes;
    std::string stat;
    std::string cmdline;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(proc.get());
      if (entry == nullptr) {
        if (errno != 0) {
          why_not = std::string("cannot list /proc: ") + std::strerror(errno);
          return std::nullopt;
        }
        break;
      }
      const std::optional<std::uint64_t> pid = parse_pid(entry->d_name);
      if (!pid) {
        continue;
      }
      const std::string dir(entry->d_name);
      ProcessInfo process;
      process.pid = *pid;
      // No stat means the process ended while we listed: leave it out.
      // Zombies stay in: a leader whose main thread ended shows 'Z' while
      // its other threads still run.
      if (!read_proc_file(proc_fd, dir + "/stat", stat) || !parse_stat(stat, process.name, process.parent_pid)) {
        continue;
      }
      process.exe_path = read_proc_link(proc_fd, dir + "/exe");
      if (read_proc_file(proc_fd, dir + "/cmdline", cmdline)) {
        process.args = split_cmdline(cmdline);
      }
      saw_self = saw_self || process.pid == self;
      processes.push_back(std::move(process));
    }
    // A /proc that does not show this process belongs to another PID
    // namespace (or is not mounted): its list says nothing about ours.
    if (!saw_self) {
      why_not = "/proc does not list this process (pid " + std::to_string(self) +
                "): it is not mounted or belongs to another PID namespace";
      return std::nullopt;
    }
    return processes;
  }
};

} // namespace

std::unique_ptr<ProcessProbe> make_system_probe() {
  return std::make_unique<LinuxProbe>();
}

} // namespace codexsync::process
