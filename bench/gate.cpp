// codexsync-benchgate: times one sample of the process gate, the look a sync
// takes before it writes: the system probe's list() plus match_processes()
// with Codex's process names for this OS.
//
//   codexsync-benchgate [--spawn N] [--samples K] [--min-processes N]
//
// --spawn N starts N idle children first (killed at the end); otherwise run it
// while other processes run (bench/run.sh starts 500 `sleep`s). Takes K
// samples (default 50) after one warm-up and prints one JSON line: processes
// (seen by the last sample), matches, samples, median_ms, p90_ms, max_ms,
// cpu_ms_per_sample, and helper_children: processes the probe started, found
// two ways: children of this process that are not the --spawn ones, and a
// nonzero RUSAGE_CHILDREN max RSS before any --spawn child is reaped (a helper
// that was started and waited for leaves it).
// Exit codes: 0 measured, no helper; 1 the list could not be read, fewer than
// --min-processes were seen, or the probe started a process; 2 bad arguments.
#include <codexsync/agent/profile.hpp>
#include <codexsync/process/probe.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace process = codexsync::process;

// The pids listed in /proc/self/task/*/children (Linux 3.5+ with
// CONFIG_PROC_CHILDREN); empty when unreadable.
std::set<pid_t> current_children() {
  std::set<pid_t> out;
  std::ifstream in("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  long pid = 0;
  while (in >> pid) {
    out.insert(static_cast<pid_t>(pid));
  }
  return out;
}

long children_max_rss_kb() {
  struct rusage ru {};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  return ru.ru_maxrss;
}

double cpu_ms() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return (static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3) +
         (static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3);
}

long parse_count(const char* text, const char* what) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 0) {
    std::fprintf(stderr, "codexsync-benchgate: %s %s is not a count\n", what, text);
    std::exit(2);
  }
  return v;
}

constexpr const char* k_usage = "usage: codexsync-benchgate [--spawn N] [--samples K] [--min-processes N]\n";

} // namespace

int main(int argc, char** argv) {
  long spawn = 0;
  long samples = 50;
  long min_processes = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "codexsync-benchgate: %s needs a value\n%s", argv[i], k_usage);
      return 2;
    }
    if (a == "--spawn") {
      spawn = parse_count(argv[++i], "--spawn");
    } else if (a == "--samples") {
      samples = std::max(1L, parse_count(argv[++i], "--samples"));
    } else if (a == "--min-processes") {
      min_processes = parse_count(argv[++i], "--min-processes");
    } else {
      std::fprintf(stderr, "codexsync-benchgate: unknown argument %s\n%s", argv[i], k_usage);
      return 2;
    }
  }

  std::vector<pid_t> mine;
  for (long i = 0; i < spawn; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("codexsync-benchgate: fork");
      break;
    }
    if (pid == 0) {
      ::pause();
      ::_exit(0);
    }
    mine.push_back(pid);
  }
  const std::set<pid_t> known(mine.begin(), mine.end());

  const auto& profile = codexsync::agent::profile(codexsync::config::AgentKind::codex);
  const auto& names = codexsync::agent::processes_for(profile, codexsync::util::current_os());
  process::MatchRules rules;
  rules.process_names = names.process_names;
  rules.background_names = names.background_names;
  const auto probe = process::make_system_probe();
  const auto self = process::current_pid();

  std::vector<double> ms;
  std::size_t seen = 0;
  std::size_t matches = 0;
  std::string error;
  const double cpu_before = cpu_ms();
  for (long i = 0; i <= samples; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string why_not;
    const auto list = probe->list(why_not);
    std::vector<process::Match> found;
    if (list) {
      found = process::match_processes(*list, rules, self);
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (!list) {
      error = why_not;
      break;
    }
    seen = list->size();
    matches = found.size();
    if (i > 0) { // the first sample warms up
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
  }
  const double cpu_total = cpu_ms() - cpu_before;

  std::size_t helpers = 0;
  for (const auto pid : current_children()) {
    if (known.count(pid) == 0) {
      ++helpers;
    }
  }
  if (children_max_rss_kb() != 0) {
    ++helpers;
  }
  for (const auto pid : mine) {
    ::kill(pid, SIGKILL);
  }
  for (const auto pid : mine) {
    ::waitpid(pid, nullptr, 0);
  }

  if (!error.empty() || ms.empty()) {
    std::fprintf(stderr, "codexsync-benchgate: the process list could not be read: %s\n", error.c_str());
    return 1;
  }
  std::sort(ms.begin(), ms.end());
  const double median =
      ms.size() % 2 == 1 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  const double p90 = ms[std::min(ms.size() - 1, (ms.size() * 9) / 10)];
  std::printf("{\"processes\":%zu,\"matches\":%zu,\"samples\":%zu,\"median_ms\":%.3f,\"p90_ms\":%.3f,"
              "\"max_ms\":%.3f,\"cpu_ms_per_sample\":%.3f,\"helper_children\":%zu}\n",
              seen, matches, ms.size(), median, p90, ms.back(), cpu_total / static_cast<double>(samples + 1),
              helpers);
  if (helpers != 0) {
    std::fprintf(stderr, "codexsync-benchgate: the probe started %zu process(es); it must start none\n",
                 helpers);
    return 1;
  }
  if (seen < static_cast<std::size_t>(min_processes)) {
    std::fprintf(stderr, "codexsync-benchgate: saw %zu processes, fewer than --min-processes %ld\n", seen,
                 min_processes);
    return 1;
  }
  return 0;
}
