// codexsync-benchmeasure: runs one command and prints what it cost, as one
// JSON line on stdout.
//
//   codexsync-benchmeasure [--log FILE] [--tag KEY=VALUE]... -- CMD [ARGS...]
//
// wall_s (monotonic clock around fork..wait4), user_s and sys_s and
// max_rss_kb (wait4's rusage: the child and the descendants it waited for;
// max_rss_kb is the largest single process, not a sum), rchar, wchar,
// read_bytes, write_bytes (this process's /proc/self/io before and after
// reaping the child: the kernel adds a reaped child's counters, and those of
// the descendants it reaped, to its parent's), exit (the child's exit status,
// 128+N for signal N). CMD's stdout and stderr go to --log FILE (default
// /dev/null), so their cost is measured but no terminal time is. Each
// --tag KEY=VALUE comes first in the line as a string field.
// Exit codes: 0 the command ran (whatever its exit status), 1 it could not be
// started or measured, 2 bad arguments. Linux only (/proc/self/io).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

struct Io {
  std::uint64_t rchar = 0;
  std::uint64_t wchar = 0;
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
  std::uint64_t cancelled_write_bytes = 0;
};

// This process's I/O counters; false when /proc/self/io cannot be read.
bool read_io(Io& io) {
  const int fd = ::open("/proc/self/io", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  char buf[1024];
  const auto n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) {
    return false;
  }
  buf[n] = '\0';
  const auto field = [&](const char* name, std::uint64_t& out) {
    const char* p = std::strstr(buf, name);
    if (p != nullptr) {
      out = std::strtoull(p + std::strlen(name), nullptr, 10);
    }
  };
  field("rchar:", io.rchar);
  field("wchar:", io.wchar);
  field("\nread_bytes:", io.read_bytes);
  field("\nwrite_bytes:", io.write_bytes);
  field("cancelled_write_bytes:", io.cancelled_write_bytes);
  return true;
}

double now_s() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds(const struct timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

// `text` as a JSON string (control characters escaped).
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

constexpr const char* k_usage =
    "usage: codexsync-benchmeasure [--log FILE] [--tag KEY=VALUE]... -- CMD [ARGS...]\n";

} // namespace

int main(int argc, char** argv) {
  std::string log = "/dev/null";
  std::vector<std::pair<std::string, std::string>> tags;
  int cmd = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") {
      cmd = i + 1;
      break;
    }
    if ((a == "--log" || a == "--tag") && i + 1 < argc) {
      const std::string v = argv[++i];
      if (a == "--log") {
        log = v;
      } else {
        const auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          std::fprintf(stderr, "codexsync-benchmeasure: --tag %s is not KEY=VALUE\n%s", v.c_str(), k_usage);
          return 2;
        }
        tags.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      }
      continue;
    }
    std::fprintf(stderr, "codexsync-benchmeasure: unexpected argument %s\n%s", argv[i], k_usage);
    return 2;
  }
  if (cmd < 0 || cmd >= argc) {
    std::fprintf(stderr, "codexsync-benchmeasure: no command after --\n%s", k_usage);
    return 2;
  }

  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    std::fprintf(stderr, "codexsync-benchmeasure: cannot open the log %s: %s\n", log.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fflush(stdout);
  Io before;
  if (!read_io(before)) {
    std::fprintf(stderr, "codexsync-benchmeasure: cannot read /proc/self/io (a Linux kernel with task I/O "
                         "accounting is needed)\n");
    return 1;
  }
  const double start = now_s();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "codexsync-benchmeasure: fork failed: %s\n", std::strerror(errno));
    return 1;
  }
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) {
      ::dup2(in, 0);
    }
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(argv[cmd], argv + cmd);
    const std::string msg =
        std::string("codexsync-benchmeasure: cannot run ") + argv[cmd] + ": " + std::strerror(errno) + "\n";
    [[maybe_unused]] const auto n = ::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru {};
  pid_t got = 0;
  do {
    got = ::wait4(pid, &status, 0, &ru);
  } while (got < 0 && errno == EINTR);
  const double wall = now_s() - start;
  ::close(out);
  Io after;
  if (got != pid || !read_io(after)) {
    std::fprintf(stderr, "codexsync-benchmeasure: could not wait for %s or read /proc/self/io\n", argv[cmd]);
    return 1;
  }
  int exit_code = 0;
  int signal = 0;
  if (WIFEXITED(status)) {
    exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    signal = WTERMSIG(status);
    exit_code = 128 + signal;
  }

  std::string line = "{";
  for (const auto& [k, v] : tags) {
    line += json_string(k) + ":" + json_string(v) + ",";
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"max_rss_kb\":%ld,"
                "\"rchar\":%llu,\"wchar\":%llu,\"read_bytes\":%llu,\"write_bytes\":%llu,"
                "\"cancelled_write_bytes\":%llu,\"exit\":%d,\"signal\":%d}",
                wall, seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss,
                static_cast<unsigned long long>(after.rchar - before.rchar),
                static_cast<unsigned long long>(after.wchar - before.wchar),
                static_cast<unsigned long long>(after.read_bytes - before.read_bytes),
                static_cast<unsigned long long>(after.write_bytes - before.write_bytes),
                static_cast<unsigned long long>(after.cancelled_write_bytes - before.cancelled_write_bytes),
                exit_code, signal);
  line += buf;
  std::printf("%s\n", line.c_str());
  return 0;
}
