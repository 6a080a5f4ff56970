#include "platform.hpp"

#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
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

namespace {

// One batch of a folder's listing: 64 KiB, the most a query of a folder on a
// network share may ask for (FindFirstFileExW's large fetch asks as much).
// Some 400 entries with short names.
constexpr DWORD k_batch_bytes = 64 * 1024;

// ERROR_STOPPED_ON_SYMLINK, which mingw-w64's headers lack.
constexpr int k_error_stopped_on_symlink = 681;

struct CloseHandleOf {
  void operator()(void* handle) const { CloseHandle(handle); }
};
using OwnedHandle = std::unique_ptr<void, CloseHandleOf>;

// Opens the folder `os_dir` to list it; `flags` adds to FILE_FLAG_BACKUP_SEMANTICS.
// Null when it cannot be opened.
OwnedHandle open_folder(const std::filesystem::path& os_dir, DWORD flags) {
  const HANDLE handle = CreateFileW(os_dir.c_str(), FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                    FILE_FLAG_BACKUP_SEMANTICS | flags, nullptr);
  return OwnedHandle(handle == INVALID_HANDLE_VALUE ? nullptr : handle);
}

// Lists `os_dir` with FindFirstFileExW and one util::stat_no_follow (an open)
// per entry.
std::vector<ListedEntry> list_entry_by_entry(const std::filesystem::path& os_dir, std::error_code& ec) {
  std::vector<ListedEntry> out;
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

// The entry at `at` of a FILE_ID_BOTH_DIR_INFO batch, as stat_no_follow would
// tell it; nullopt for "." and "..". `volume_serial`: the folder's.
std::optional<ListedEntry> entry_at(const unsigned char* at, std::uint64_t volume_serial,
                                    const std::filesystem::path& os_dir) {
  FILE_ID_BOTH_DIR_INFO info{};
  std::memcpy(&info, at, offsetof(FILE_ID_BOTH_DIR_INFO, FileName));
  std::wstring name(info.FileNameLength / sizeof(wchar_t), L'\0');  // not NUL-terminated
  std::memcpy(name.data(), at + offsetof(FILE_ID_BOTH_DIR_INFO, FileName), name.size() * sizeof(wchar_t));
  if (name == L"." || name == L"..") {
    return std::nullopt;
  }
  ListedEntry listed;
  listed.name = std::move(name);
  const auto file_id = static_cast<std::uint64_t>(info.FileId.QuadPart);
  if (file_id == 0 || file_id == ~std::uint64_t{0}) {
    // A file system without 64-bit file ids (0; ReFS's -1 for one that does not
    // fit): whatever GetFileInformationByHandle says is the identity.
    listed.stat = util::stat_no_follow(os_dir / listed.name, listed.stat_error);
    return listed;
  }
  util::WindowsFileFacts facts;
  facts.attributes = info.FileAttributes;
  if ((info.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
    facts.reparse_tag = info.EaSize;  // a reparse point's listing holds its tag there
  }
  facts.creation_time = info.CreationTime.QuadPart;
  facts.last_write_time = info.LastWriteTime.QuadPart;
  facts.change_time = info.ChangeTime.QuadPart;
  facts.size = static_cast<std::uint64_t>(info.EndOfFile.QuadPart);
  facts.volume_serial = volume_serial;
  facts.file_id = file_id;
  listed.stat = util::stat_from_windows(facts);
  return listed;
}

// Lists the open folder `folder` in batches of FILE_ID_BOTH_DIR_INFO, which
// carry each entry's stat: no entry is opened. nullopt when the file system
// does not list that way (the first batch fails; `ec` untouched).
std::optional<std::vector<ListedEntry>> list_open_folder(HANDLE folder, std::uint64_t volume_serial,
                                                         const std::filesystem::path& os_dir, std::error_code& ec) {
  std::vector<ListedEntry> out;
  // 8-byte aligned, as the entries' LARGE_INTEGERs want.
  std::vector<std::uint64_t> buffer(k_batch_bytes / sizeof(std::uint64_t));
  const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.data());
  for (auto kind = FileIdBothDirectoryRestartInfo;; kind = FileIdBothDirectoryInfo) {
    if (!GetFileInformationByHandleEx(folder, kind, buffer.data(), k_batch_bytes)) {
      const DWORD error = GetLastError();
      const bool first = kind == FileIdBothDirectoryRestartInfo;
      if (error == ERROR_NO_MORE_FILES || (first && error == ERROR_FILE_NOT_FOUND)) {
        return out;  // the end; an empty folder has no entry at all on some file systems
      }
      if (first) {
        return std::nullopt;
      }
      ec = std::error_code(static_cast<int>(error), std::system_category());
      return out;
    }
    for (std::size_t offset = 0;;) {
      const unsigned char* at = bytes + offset;
      if (auto listed = entry_at(at, volume_serial, os_dir)) {
        out.push_back(std::move(*listed));
      }
      ULONG next = 0;
      std::memcpy(&next, at + offsetof(FILE_ID_BOTH_DIR_INFO, NextEntryOffset), sizeof(next));
      if (next == 0) {
        break;
      }
      offset += next;
    }
  }
}

} // namespace

std::vector<ListedEntry> list_dir(const std::filesystem::path& dir, std::error_code& ec) {
  ec.clear();
  // The long-path form: the C runtime's and std::filesystem's listing do not
  // take `\\?\` paths, and a folder past MAX_PATH needs one.
  const auto os_dir = util::os_long_path(dir);
  // Not following a link: one that took the folder's place since its stat is
  // not entered (as O_NOFOLLOW on POSIX).
  auto folder = open_folder(os_dir, FILE_FLAG_OPEN_REPARSE_POINT);
  BY_HANDLE_FILE_INFORMATION self{};
  if (!folder || !GetFileInformationByHandle(folder.get(), &self)) {
    // Not opened for listing (a missing folder, a file, a file system or
    // filter that refuses a folder handle): FindFirstFileExW lists it as it
    // did before, with the errors it always gave.
    return list_entry_by_entry(os_dir, ec);
  }
  if ((self.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
    FILE_ATTRIBUTE_TAG_INFO tag{};
    if (!GetFileInformationByHandleEx(folder.get(), FileAttributeTagInfo, &tag, sizeof(tag)) ||
        IsReparseTagNameSurrogate(tag.ReparseTag)) {
      ec = std::error_code(k_error_stopped_on_symlink, std::system_category());
      return {};
    }
    // A cloud placeholder folder (OneDrive): opened as any program opens it,
    // so that its filter lists what it holds.
    folder = open_folder(os_dir, 0);
    if (!folder) {
      return list_entry_by_entry(os_dir, ec);
    }
  }
  if (auto listed = list_open_folder(folder.get(), self.dwVolumeSerialNumber, os_dir, ec)) {
    return std::move(*listed);
  }
  // A file system that does not list with file ids (some network shares and
  // third-party file systems): entry by entry, as before.
  return list_entry_by_entry(os_dir, ec);
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
