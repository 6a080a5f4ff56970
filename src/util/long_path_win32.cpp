#include <codexsync/util/fs.hpp>

#include <algorithm>
#include <string>
#include <string_view>
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
// `text` equals the upper-case ASCII `upper`, ignoring ASCII case.
bool equals_upper(std::wstring_view text, std::wstring_view upper) {
  return text.size() == upper.size() && std::equal(text.begin(), text.end(), upper.begin(), [](wchar_t c, wchar_t u) {
           return (c >= L'a' && c <= L'z' ? static_cast<wchar_t>(c - L'a' + L'A') : c) == u;
         });
}

bool is_device_stem(std::wstring_view stem) {
  while (!stem.empty() && stem.back() == L' ') {
    stem.remove_suffix(1);
  }
  for (const std::wstring_view device : {L"CON", L"PRN", L"AUX", L"NUL", L"CONIN$", L"CONOUT$"}) {
    if (equals_upper(stem, device)) {
      return true;
    }
  }
  return stem.size() == 4 && stem[3] >= L'1' && stem[3] <= L'9' &&
         (equals_upper(stem.substr(0, 3), L"COM") || equals_upper(stem.substr(0, 3), L"LPT"));
}

bool names_a_device(std::wstring_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find_first_of(L"\\/", start);
    if (end == std::wstring_view::npos) {
      end = text.size();
    }
    const auto part = text.substr(start, end - start);
    if (is_device_stem(part.substr(0, part.find(L'.')))) {
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
