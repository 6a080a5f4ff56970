#include <codexsync/util/process_alive.hpp>

#include <signal.h>

#include <cerrno>

namespace codexsync::util {

bool process_alive(std::uint64_t pid) {
  if (pid == 0) {
    return false;
  }
  // Signal 0 checks existence only; EPERM means it exists but is not ours.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace codexsync::util
