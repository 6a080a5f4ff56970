#include "platform.hpp"

#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <string>
#include <string_view>

namespace codexsync::scan::detail {

EntryName entry_name(std::basic_string_view<std::filesystem::path::value_type> native) {
  const auto slash = native.find_last_of(L"\\/");
  const auto name = slash == std::wstring_view::npos ? native : native.substr(slash + 1);
  EntryName out;
  out.utf8 = util::utf8_from_wide(name);
  // utf8_from_wide puts U+FFFD for an unpaired surrogate; a real U+FFFD in
  // the name survives the round trip.
  if (out.utf8.find("\xEF\xBF\xBD") != std::string::npos) {
    out.exact = util::wide_from_utf8(out.utf8) == name;
  }
  return out;
}

std::vector<ListedEntry> list_dir(const std::filesystem::path& dir, std::error_code& ec) {
  ec.clear();
  std::vector<ListedEntry> out;
  // FindFirstFileExW with the long-path form: std::filesystem's iterator goes
  // through the C runtime, which does not take `\\?\` paths.
  const auto os_dir = util::os_long_path(dir);
  std::wstring pattern = os_dir.native();
  if (!pattern.empty() && pattern.back() != L'\\' && pattern.back() != L'/') {
    pattern += L'\\';
  }
  pattern += L'*';
  WIN32_FIND_DATAW data{};
  const HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                       FIND_FIRST_EX_LARGE_FETCH);
  if (find == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    if (error != ERROR_FILE_NOT_FOUND) {  // an empty folder has no entry at all on some file systems
      ec = std::error_code(static_cast<int>(error), std::system_category());
    }
    return out;
  }
  do {
    const std::wstring_view name = data.cFileName;
    if (name == L"." || name == L"..") {
      continue;
    }
    ListedEntry listed;
    listed.name = std::wstring(name);
    listed.stat = util::stat_no_follow(os_dir / listed.name, listed.stat_error);
    out.push_back(std::move(listed));
  } while (FindNextFileW(find, &data));
  const DWORD last = GetLastError();
  FindClose(find);
  if (last != ERROR_NO_MORE_FILES) {
    ec = std::error_code(static_cast<int>(last), std::system_category());
  }
  return out;
}

std::size_t read_file_bytes(const std::filesystem::path& path, std::uint64_t offset, unsigned char* buffer,
                            std::size_t size, std::error_code& ec) {
  ec.clear();
  const HANDLE handle =
      CreateFileW(util::os_long_path(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return 0;
  }
  std::size_t done = 0;
  while (done < size) {
    const std::uint64_t at = offset + done;
    OVERLAPPED where{};
    where.Offset = static_cast<DWORD>(at & 0xffffffffULL);
    where.OffsetHigh = static_cast<DWORD>(at >> 32);
    DWORD got = 0;
    if (!ReadFile(handle, buffer + done, static_cast<DWORD>(size - done), &got, &where)) {
      const DWORD error = GetLastError();
      if (error == ERROR_HANDLE_EOF) {
        break;
      }
      ec = std::error_code(static_cast<int>(error), std::system_category());
      done = 0;
      break;
    }
    if (got == 0) {
      break;
    }
    done += got;
  }
  CloseHandle(handle);
  return done;
}

} // namespace codexsync::scan::detail
