#include <codexsync/util/environment.hpp>
#include <codexsync/util/text.hpp>

#include <windows.h>

#include <array>

namespace codexsync::util {

std::string host_name() {
  std::array<wchar_t, MAX_COMPUTERNAME_LENGTH + 1> buffer{};
  DWORD size = static_cast<DWORD>(buffer.size());
  if (!GetComputerNameW(buffer.data(), &size)) {
    return {};
  }
  return utf8_from_wide(std::wstring_view(buffer.data(), size));
}

} // namespace codexsync::util
