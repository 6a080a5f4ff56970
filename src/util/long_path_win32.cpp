#include <codexsync/util/fs.hpp>

#include <algorithm>
#include <string>
#include <system_error>

namespace codexsync::util {
namespace {

// Below MAX_PATH (260) with room for a file name the OS may add (a temp file
// beside, `\*` of a folder listing).
constexpr std::size_t k_long_path = 240;

// True when a name in `text` is one Win32 opens as a device (CON, PRN, AUX,
// NUL, COM1-9, LPT1-9, CONIN$, CONOUT$, with any extension or trailing
// spaces: `CON.md`, `nul.txt`): such a file (made by another OS) is reached
// only through the extended-length form.
bool names_a_device(const std::wstring& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find_first_of(L"\\/", start);
    if (end == std::wstring::npos) {
      end = text.size();
    }
    std::wstring stem = text.substr(start, std::min(text.find(L'.', start), end) - start);
    while (!stem.empty() && stem.back() == L' ') {
      stem.pop_back();
    }
    for (auto& c : stem) {
      c = static_cast<wchar_t>(c >= L'a' && c <= L'z' ? c - L'a' + L'A' : c);
    }
    if (stem == L"CON" || stem == L"PRN" || stem == L"AUX" || stem == L"NUL" || stem == L"CONIN$" ||
        stem == L"CONOUT$" ||
        (stem.size() == 4 && (stem.rfind(L"COM", 0) == 0 || stem.rfind(L"LPT", 0) == 0) && stem[3] >= L'1' &&
         stem[3] <= L'9')) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

} // namespace

fs::path os_long_path(const fs::path& path) {
  const std::wstring& text = path.native();
  if ((text.size() < k_long_path && !names_a_device(text)) || text.rfind(L"\\\\?\\", 0) == 0 ||
      text.rfind(L"\\\\.\\", 0) == 0) {
    return path;
  }
  // The prefix turns off the OS's own clean-up of `/`, `.` and `..`: do it here.
  // An absolute path is not given to fs::absolute: GetFullPathNameW turns
  // C:\x\CON.md into \\.\CON.
  std::error_code ec;
  const auto absolute = path.is_absolute() ? path : fs::absolute(path, ec);
  if (ec) {
    return path;
  }
  std::wstring full = absolute.lexically_normal().make_preferred().native();
  if (full.rfind(L"\\\\?\\", 0) == 0) {
    return full;
  }
  if (full.rfind(L"\\\\", 0) == 0) {
    return fs::path(L"\\\\?\\UNC\\" + full.substr(2));
  }
  if (full.size() >= 3 && full[1] == L':' && full[2] == L'\\') {
    return fs::path(L"\\\\?\\" + full);
  }
  return path;
}

} // namespace codexsync::util
