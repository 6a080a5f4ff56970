#include <codexsync/util/self.hpp>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <cstdlib>
#include <string>

namespace codexsync::util {

std::optional<std::filesystem::path> current_executable() {
  std::wstring buffer(1024, L'\0');
  for (;;) {
    const DWORD length = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0) {
      return std::nullopt;
    }
    if (length < buffer.size()) {
      buffer.resize(length);
      return std::filesystem::path(buffer);
    }
    if (buffer.size() >= 32768) {
      return std::nullopt;
    }
    buffer.resize(buffer.size() * 2);
  }
}

std::optional<unsigned long> current_user_id() { return std::nullopt; }

void end_process_now(int exit_code) {
  ::TerminateProcess(::GetCurrentProcess(), static_cast<UINT>(exit_code));
  std::_Exit(exit_code);  // not reached
}

} // namespace codexsync::util
