#include <codexsync/process/probe.hpp>

#include <unistd.h>

namespace codexsync::process {

std::uint64_t current_pid() {
  return static_cast<std::uint64_t>(::getpid());
}

} // namespace codexsync::process
