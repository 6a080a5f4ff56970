#include <codexsync/util/fs.hpp>

#include <windows.h>

namespace codexsync::util {

bool can_access_dir(const fs::path& dir, Access access) {
  // Opening the folder itself asks the OS for the right without creating anything.
  const DWORD rights = access == Access::read ? FILE_LIST_DIRECTORY : FILE_ADD_FILE;
  HANDLE handle = CreateFileW(dir.c_str(), rights, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    return false;
  }
  CloseHandle(handle);
  return true;
}

} // namespace codexsync::util
