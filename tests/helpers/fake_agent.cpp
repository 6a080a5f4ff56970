// A stand-in for a running agent, for tests only. Copy it under the agent's
// name (e.g. `codex`) and run it:
//   fake_agent [SECONDS] [ignore-term]
// It waits SECONDS (default 60) and exits 0 (on Windows it first prints its pid). On SIGTERM it prints
// "fake agent: closing" to stderr and exits 0, unless `ignore-term` is given,
// in which case SIGTERM is ignored and only a forced end (SIGKILL) stops it.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef _WIN32

#include <windows.h>

int main(int argc, char** argv) {
  const long seconds = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 60;
  // Its Windows pid, which the tests cannot see from outside Wine.
  std::printf("%lu\n", static_cast<unsigned long>(GetCurrentProcessId()));
  std::fflush(stdout);
  for (long i = 0; i < seconds * 10; ++i) {
    Sleep(100);
  }
  return 0;
}

#else

#include <signal.h>
#include <time.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t g_asked_to_close = 0;

void on_term(int) {
  g_asked_to_close = 1;
}

} // namespace

int main(int argc, char** argv) {
  const long seconds = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 60;
  const bool ignore_term = argc > 2 && std::strcmp(argv[2], "ignore-term") == 0;

  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = ignore_term ? SIG_IGN : on_term;
  sigaction(SIGTERM, &action, nullptr);

  timespec deadline{};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += seconds;
  for (;;) {
    if (g_asked_to_close != 0) {
      static const char k_message[] = "fake agent: closing\n";
      const ssize_t ignored = write(STDERR_FILENO, k_message, sizeof k_message - 1);
      static_cast<void>(ignored);
      return 0;
    }
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
      return 0;
    }
    // Interrupted by SIGTERM: the flag is checked right away.
    const timespec step{0, 50 * 1000 * 1000};
    nanosleep(&step, nullptr);
  }
}

#endif
