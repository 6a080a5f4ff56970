#include <codexsync/util/process_alive.hpp>

#include <windows.h>

namespace codexsync::util {

bool process_alive(std::uint64_t pid) {
  if (pid == 0) {
    return false;
  }
  HANDLE handle = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
  if (handle == nullptr) {
    return GetLastError() == ERROR_ACCESS_DENIED;  // exists, not ours
  }
  DWORD code = 0;
  const bool running = GetExitCodeProcess(handle, &code) && code == STILL_ACTIVE;
  CloseHandle(handle);
  return running;
}

} // namespace codexsync::util
