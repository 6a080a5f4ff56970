#include "file_ops_os.hpp"

#include <codexsync/util/fs.hpp>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string>

namespace codexsync::apply::detail {
namespace {

// 100 ns intervals between 1601-01-01 and 1970-01-01.
constexpr std::int64_t k_epoch_delta = 116444736000000000LL;
constexpr DWORD k_max_io_chunk = 1U << 30;

HANDLE as_handle(void* handle) { return static_cast<HANDLE>(handle); }

std::error_code error_from(DWORD code) {
  return std::error_code(static_cast<int>(code), std::system_category());
}

bool fail(std::error_code& ec) {
  ec = error_from(GetLastError());
  return false;
}

FILETIME from_unix_ns(std::int64_t ns) {
  auto ticks = ns / 100 + k_epoch_delta;
  if (ticks < 0) {
    ticks = 0;
  }
  FILETIME ft;
  ft.dwLowDateTime = static_cast<DWORD>(static_cast<std::uint64_t>(ticks) & 0xffffffffULL);
  ft.dwHighDateTime = static_cast<DWORD>(static_cast<std::uint64_t>(ticks) >> 32);
  return ft;
}

bool is_read_only(const std::filesystem::path& path) {
  const DWORD attributes = GetFileAttributesW(path.c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_READONLY) != 0;
}

// A failure on a read-only file says so instead of "Access is denied", and is
// not retried as if another program held the file.
bool fail_on(const std::filesystem::path& path, std::error_code& ec) {
  const DWORD error = GetLastError();
  ec = error_from(error == ERROR_ACCESS_DENIED && is_read_only(path) ? ERROR_FILE_READ_ONLY : error);
  return false;
}

} // namespace

ErrorKind classify(const std::error_code& ec) {
  if (ec.category() != std::system_category()) {
    return ErrorKind::other;
  }
  switch (static_cast<DWORD>(ec.value())) {
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
    return ErrorKind::not_found;
  case ERROR_FILE_EXISTS:
  case ERROR_ALREADY_EXISTS:
    return ErrorKind::exists;
  case ERROR_DISK_FULL:
  case ERROR_HANDLE_DISK_FULL:
    return ErrorKind::no_space;
  // Virus scanners, indexers and cloud clients hold files for a moment.
  case ERROR_SHARING_VIOLATION:
  case ERROR_LOCK_VIOLATION:
  case ERROR_ACCESS_DENIED:
    return ErrorKind::transient;
  default:
    return ErrorKind::other;
  }
}

std::filesystem::path os_path(const std::filesystem::path& path) { return util::os_long_path(path); }

OsFile::~OsFile() {
  std::error_code ignored;
  close(ignored);
}

bool OsFile::open_read(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  // Others may keep the file open for writing; a change shows in the stats
  // file_ops.cpp compares before and after. A link is followed here, but
  // then the file id differs from the one stat_no_follow saw, which is refused.
  // A cloud placeholder (OneDrive...) is read through, so it is downloaded,
  // never copied as an empty stub.
  HANDLE handle =
      CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    return fail(ec);
  }
  m_handle = handle;
  return true;
}

bool OsFile::open_update(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  // Others may read it meanwhile (they see it grow), not write it; a rename
  // or delete by another program shows as another file id at the path, which
  // file_ops.cpp checks before it trusts what it wrote.
  HANDLE handle = CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    return fail(ec);
  }
  m_handle = handle;
  return true;
}

bool OsFile::create_new(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  // No sharing: nobody reads a half-written copy.
  HANDLE handle = CreateFileW(path.c_str(), GENERIC_WRITE | FILE_READ_ATTRIBUTES, 0, nullptr, CREATE_NEW,
                              FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    return fail(ec);
  }
  m_handle = handle;
  return true;
}

std::optional<std::size_t> OsFile::read(char* buffer, std::size_t size, std::error_code& ec) {
  const DWORD chunk = size > k_max_io_chunk ? k_max_io_chunk : static_cast<DWORD>(size);
  DWORD got = 0;
  if (!ReadFile(as_handle(m_handle), buffer, chunk, &got, nullptr)) {
    fail(ec);
    return std::nullopt;
  }
  return static_cast<std::size_t>(got);
}

bool OsFile::seek(std::uint64_t offset, std::error_code& ec) {
  LARGE_INTEGER to;
  to.QuadPart = static_cast<LONGLONG>(offset);
  if (!SetFilePointerEx(as_handle(m_handle), to, nullptr, FILE_BEGIN)) {
    return fail(ec);
  }
  return true;
}

OsFile::KernelCopy OsFile::copy_from(const OsFile& /*from*/, std::uint64_t /*size*/, std::error_code& /*ec*/) {
  // ReFS block cloning (FSCTL_DUPLICATE_EXTENTS_TO_FILE) is not used yet: the
  // caller copies the bytes itself.
  return KernelCopy::unsupported;
}

bool OsFile::clones_into(const std::filesystem::path& /*dir*/) const {
  return false;  // ReFS block cloning is not used yet (see copy_from)
}

bool OsFile::truncate(std::uint64_t size, std::error_code& ec) {
  FILE_END_OF_FILE_INFO info{};
  info.EndOfFile.QuadPart = static_cast<LONGLONG>(size);
  return SetFileInformationByHandle(as_handle(m_handle), FileEndOfFileInfo, &info, sizeof(info)) != 0 || fail(ec);
}

std::uint64_t OsFile::link_count() const {
  BY_HANDLE_FILE_INFORMATION info{};
  return GetFileInformationByHandle(as_handle(m_handle), &info) != 0 ? info.nNumberOfLinks : 0;
}

bool OsFile::write_all(const char* data, std::size_t size, std::error_code& ec) {
  while (size > 0) {
    const DWORD chunk = size > k_max_io_chunk ? k_max_io_chunk : static_cast<DWORD>(size);
    DWORD written = 0;
    if (!WriteFile(as_handle(m_handle), data, chunk, &written, nullptr)) {
      return fail(ec);
    }
    if (written == 0) {
      ec = error_from(ERROR_WRITE_FAULT);
      return false;
    }
    data += written;
    size -= written;
  }
  return true;
}

bool OsFile::set_time_and_mode(std::int64_t mtime_ns, std::optional<std::uint32_t> /*mode*/,
                               std::error_code& ec) {
  // Set through this handle, the time also stays when the handle is closed.
  const FILETIME ft = from_unix_ns(mtime_ns);
  return SetFileTime(as_handle(m_handle), nullptr, nullptr, &ft) != 0 || fail(ec);
}

bool OsFile::sync(std::error_code& ec) { return FlushFileBuffers(as_handle(m_handle)) != 0 || fail(ec); }

std::optional<util::FileStat> OsFile::stat(std::error_code& ec) const {
  auto out = util::stat_open_file(as_handle(m_handle), ec);
  if (out && out->type == util::FileType::reparse_point) {
    out->type = util::FileType::regular;  // opened through: this is the file itself
  }
  return out;
}

std::optional<std::uint32_t> OsFile::mode() const { return std::nullopt; }

bool OsFile::close(std::error_code& ec) {
  if (m_handle == nullptr) {
    return true;
  }
  HANDLE handle = as_handle(m_handle);
  m_handle = nullptr;
  return CloseHandle(handle) != 0 || fail(ec);
}

std::optional<std::uint32_t> regular_file_mode(const std::filesystem::path& /*path*/) { return std::nullopt; }

bool create_dir(const std::filesystem::path& dir, std::error_code& ec) {
  return CreateDirectoryW(dir.c_str(), nullptr) != 0 || fail(ec);
}

bool replace_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec) {
  // Within one folder this is an atomic rename on NTFS and ReFS.
  return MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0 ||
         fail_on(to, ec);
}

bool place_new_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec) {
  // Without MOVEFILE_REPLACE_EXISTING the move fails with ERROR_ALREADY_EXISTS
  // (mapped to file_exists) when something is at `to`.
  return MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_WRITE_THROUGH) != 0 || fail_on(to, ec);
}

bool delete_file(const std::filesystem::path& path, std::error_code& ec) {
  return DeleteFileW(path.c_str()) != 0 || fail_on(path, ec);
}

bool remove_empty_dir(const std::filesystem::path& dir, std::error_code& ec) {
  return RemoveDirectoryW(dir.c_str()) != 0 || fail(ec);
}

void sync_dir(const std::filesystem::path& /*dir*/) {}

std::optional<std::uint64_t> free_space_of_dir(const std::filesystem::path& dir) {
  std::wstring text = dir.native();
  if (!text.empty() && text.back() != L'\\' && text.back() != L'/') {
    text += L'\\';
  }
  ULARGE_INTEGER available{};
  if (!GetDiskFreeSpaceExW(text.c_str(), &available, nullptr, nullptr)) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(available.QuadPart);
}

} // namespace codexsync::apply::detail
