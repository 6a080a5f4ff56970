#include <codexsync/process/probe.hpp>

#include <windows.h>

namespace codexsync::process {

std::uint64_t current_pid() {
  return static_cast<std::uint64_t>(GetCurrentProcessId());
}

} // namespace codexsync::process
