#include "subprocess_os.hpp"

#include <codexsync/util/text.hpp>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <algorithm>
#include <cwchar>
#include <cctype>

namespace codexsync::util::detail {

// A Windows process always ends with a code (TerminateProcess sets one too).
std::optional<int> exit_code_of(int native_status) { return native_status; }

bool is_executable(const std::filesystem::path& /*file*/) { return true; }

std::string env_key(const std::string& name) {
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return key;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> lines;
  wchar_t* block = ::GetEnvironmentStringsW();
  if (block == nullptr) {
    return lines;
  }
  for (const wchar_t* entry = block; *entry != L'\0'; entry += std::wcslen(entry) + 1) {
    // "=C:=C:\dir" entries (per-drive folders) are kept as they are.
    lines.push_back(utf8_from_wide(entry));
  }
  ::FreeEnvironmentStringsW(block);
  return lines;
}

} // namespace codexsync::util::detail
