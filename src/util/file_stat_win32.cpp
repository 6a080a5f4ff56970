#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <algorithm>

namespace codexsync::util {
namespace {

// 100 ns intervals between 1601-01-01 and 1970-01-01.
constexpr std::int64_t k_epoch_delta = 116444736000000000LL;

std::int64_t to_unix_ns(std::int64_t ticks) { return (ticks - k_epoch_delta) * 100; }

std::int64_t ticks_of(const FILETIME& ft) {
  return (static_cast<std::int64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
}

FILETIME from_unix_ns(std::int64_t ns) {
  const auto ticks = ns / 100 + k_epoch_delta;
  FILETIME ft;
  ft.dwLowDateTime = static_cast<DWORD>(ticks & 0xffffffffLL);
  ft.dwHighDateTime = static_cast<DWORD>(ticks >> 32);
  return ft;
}

// Fills a FileStat from an open handle.
std::optional<FileStat> from_handle(HANDLE handle, std::error_code& ec) {
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle, &info)) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return std::nullopt;
  }
  WindowsFileFacts facts;
  facts.attributes = info.dwFileAttributes;
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
    FILE_ATTRIBUTE_TAG_INFO tag{};
    if (GetFileInformationByHandleEx(handle, FileAttributeTagInfo, &tag, sizeof(tag))) {
      facts.reparse_tag = tag.ReparseTag;
    }
  }
  facts.creation_time = ticks_of(info.ftCreationTime);
  facts.last_write_time = ticks_of(info.ftLastWriteTime);
  FILE_BASIC_INFO basic{};
  if (GetFileInformationByHandleEx(handle, FileBasicInfo, &basic, sizeof(basic))) {
    facts.change_time = basic.ChangeTime.QuadPart;
  }
  facts.size = (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  facts.volume_serial = info.dwVolumeSerialNumber;
  facts.file_id = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
  return stat_from_windows(facts);
}

} // namespace

FileStat stat_from_windows(const WindowsFileFacts& facts) {
  // Only name surrogates (symlinks, junctions, mount points) lead elsewhere;
  // cloud placeholders (OneDrive, iCloud) and dedup files are reparse points
  // too, but are the file itself. A tag that could not be read counts as a link.
  const bool leads_elsewhere = (facts.attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 &&
                               (!facts.reparse_tag || IsReparseTagNameSurrogate(*facts.reparse_tag));
  FileStat out;
  if (leads_elsewhere) {
    out.type = FileType::reparse_point;  // symlink, junction, mount point: never followed
  } else if ((facts.attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    out.type = FileType::directory;
  } else {
    out.type = FileType::regular;
  }
  out.size = facts.size;
  out.mtime_ns = to_unix_ns(facts.last_write_time);
  // NTFS keeps a change time (any write, rename or attribute change) that no
  // program sets, like POSIX ctime; the creation time stands in for it where
  // the file system keeps none (FAT, exFAT report 0).
  out.change_ns = to_unix_ns(facts.creation_time);
  if (facts.change_time > 0) {
    out.change_ns = std::max(out.change_ns, to_unix_ns(facts.change_time));
  }
  out.device = facts.volume_serial;
  out.inode = facts.file_id;
  out.read_only = (facts.attributes & FILE_ATTRIBUTE_READONLY) != 0;
  return out;
}

std::optional<FileStat> stat_no_follow(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  HANDLE handle = CreateFileW(os_long_path(path).c_str(), FILE_READ_ATTRIBUTES,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                              FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return std::nullopt;
  }
  auto out = from_handle(handle, ec);
  CloseHandle(handle);
  return out;
}

std::optional<FileStat> stat_open_file(NativeFile file, std::error_code& ec) {
  ec.clear();
  return from_handle(static_cast<HANDLE>(file), ec);
}

void set_mtime_ns(const std::filesystem::path& path, std::int64_t mtime_ns, std::error_code& ec) {
  ec.clear();
  HANDLE handle = CreateFileW(os_long_path(path).c_str(), FILE_WRITE_ATTRIBUTES,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                              FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return;
  }
  const FILETIME ft = from_unix_ns(mtime_ns);
  if (!SetFileTime(handle, nullptr, nullptr, &ft)) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
  }
  CloseHandle(handle);
}

} // namespace codexsync::util
