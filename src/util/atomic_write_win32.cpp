#include <codexsync/util/fs.hpp>

#include <windows.h>

namespace codexsync::util {

void sync_dir(const fs::path& /*dir*/) {}

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec, int /*mode*/) {
  ec.clear();
  const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(L".");
  const auto temp = dir / (L"." + path.filename().wstring() + path_from_utf8(temp_suffix()).wstring());
  HANDLE handle = CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return;
  }
  const char* data = content.data();
  std::size_t left = content.size();
  bool ok = true;
  while (ok && left > 0) {
    const DWORD chunk = left > 0x40000000U ? 0x40000000U : static_cast<DWORD>(left);
    DWORD written = 0;
    ok = WriteFile(handle, data, chunk, &written, nullptr) != 0;
    data += written;
    left -= written;
  }
  ok = ok && FlushFileBuffers(handle) != 0;
  const DWORD write_error = ok ? 0 : GetLastError();
  CloseHandle(handle);
  if (!ok) {
    ec = std::error_code(static_cast<int>(write_error), std::system_category());
    DeleteFileW(temp.c_str());
    return;
  }
  // Sharing violations from scanners and cloud clients are usually brief.
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (MoveFileExW(temp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      return;
    }
    const DWORD error = GetLastError();
    if (error != ERROR_SHARING_VIOLATION && error != ERROR_ACCESS_DENIED && error != ERROR_LOCK_VIOLATION) {
      ec = std::error_code(static_cast<int>(error), std::system_category());
      break;
    }
    ec = std::error_code(static_cast<int>(error), std::system_category());
    Sleep(50U << (attempt < 5 ? attempt : 5));
  }
  DeleteFileW(temp.c_str());
}

} // namespace codexsync::util
