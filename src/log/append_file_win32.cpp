#include "append_file.hpp"

#include <windows.h>

namespace codexsync::log::detail {
namespace {

HANDLE as_handle(void* handle) { return static_cast<HANDLE>(handle); }

bool file_id(HANDLE handle, BY_HANDLE_FILE_INFORMATION& info) {
  return GetFileInformationByHandle(handle, &info) != 0;
}

} // namespace

AppendFile::~AppendFile() { close(); }

bool AppendFile::open(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  close();
  // FILE_APPEND_DATA without FILE_WRITE_DATA makes every WriteFile land at the
  // end, even with other writers. FILE_SHARE_DELETE lets another process
  // archive the file while this one still holds it.
  HANDLE handle = CreateFileW(path.c_str(), FILE_APPEND_DATA | FILE_READ_ATTRIBUTES,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return false;
  }
  m_handle = handle;
  return true;
}

void AppendFile::close() {
  if (m_handle != nullptr) {
    CloseHandle(as_handle(m_handle));
    m_handle = nullptr;
  }
}

bool AppendFile::is_open() const { return m_handle != nullptr; }

bool AppendFile::append(std::string_view data, std::error_code& ec) {
  ec.clear();
  if (m_handle == nullptr) {
    ec = std::make_error_code(std::errc::bad_file_descriptor);
    return false;
  }
  while (!data.empty()) {
    const DWORD chunk = data.size() > 0x40000000 ? 0x40000000 : static_cast<DWORD>(data.size());
    DWORD written = 0;
    if (!WriteFile(as_handle(m_handle), data.data(), chunk, &written, nullptr)) {
      ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
      return false;
    }
    data.remove_prefix(written);
  }
  return true;
}

std::uint64_t AppendFile::size() const {
  LARGE_INTEGER size{};
  if (m_handle == nullptr || !GetFileSizeEx(as_handle(m_handle), &size)) {
    return 0;
  }
  return static_cast<std::uint64_t>(size.QuadPart);
}

bool AppendFile::is_at(const std::filesystem::path& path) const {
  if (m_handle == nullptr) {
    return false;
  }
  HANDLE named =
      CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (named == INVALID_HANDLE_VALUE) {
    return false;
  }
  BY_HANDLE_FILE_INFORMATION mine{};
  BY_HANDLE_FILE_INFORMATION theirs{};
  const bool same = file_id(as_handle(m_handle), mine) && file_id(named, theirs) &&
                    mine.dwVolumeSerialNumber == theirs.dwVolumeSerialNumber &&
                    mine.nFileIndexHigh == theirs.nFileIndexHigh &&
                    mine.nFileIndexLow == theirs.nFileIndexLow;
  CloseHandle(named);
  return same;
}

} // namespace codexsync::log::detail
