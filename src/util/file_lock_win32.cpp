#include <codexsync/util/file_lock.hpp>

#include <windows.h>

#include <utility>

namespace codexsync::util {

FileLock::FileLock(FileLock&& other) noexcept : m_handle(std::exchange(other.m_handle, k_invalid)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    m_handle = std::exchange(other.m_handle, k_invalid);
  }
  return *this;
}

FileLock::~FileLock() { release(); }

bool FileLock::acquire(const std::filesystem::path& path, LockWait wait, std::error_code& ec) {
  ec.clear();
  release();
  HANDLE handle = CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return false;
  }
  OVERLAPPED overlapped{};
  DWORD flags = LOCKFILE_EXCLUSIVE_LOCK;
  if (wait == LockWait::try_once) {
    flags |= LOCKFILE_FAIL_IMMEDIATELY;
  }
  if (!LockFileEx(handle, flags, 0, MAXDWORD, MAXDWORD, &overlapped)) {
    const DWORD error = GetLastError();
    if (error != ERROR_LOCK_VIOLATION && error != ERROR_IO_PENDING) {
      ec = std::error_code(static_cast<int>(error), std::system_category());
    }
    CloseHandle(handle);
    return false;
  }
  m_handle = handle;
  return true;
}

void FileLock::release() {
  if (m_handle != k_invalid) {
    OVERLAPPED overlapped{};
    UnlockFileEx(m_handle, 0, MAXDWORD, MAXDWORD, &overlapped);
    CloseHandle(m_handle);
    m_handle = k_invalid;
  }
}

} // namespace codexsync::util
