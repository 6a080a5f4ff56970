#include <codexsync/util/fs.hpp>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace codexsync::util {
namespace {

HANDLE handle_of(std::intptr_t handle) { return reinterpret_cast<HANDLE>(handle); }

std::error_code last_error() { return std::error_code(static_cast<int>(GetLastError()), std::system_category()); }

} // namespace

void sync_dir(const fs::path& /*dir*/) {}

AtomicFileWriter::AtomicFileWriter(fs::path path, int /*mode*/) : m_path(std::move(path)) {
  const auto dir = m_path.has_parent_path() ? m_path.parent_path() : fs::path(L".");
  m_temp = dir / (L"." + m_path.filename().wstring() + path_from_utf8(temp_suffix()).wstring());
  const HANDLE handle = CreateFileW(os_long_path(m_temp).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                    FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    m_error = last_error();
    return;
  }
  m_handle = reinterpret_cast<std::intptr_t>(handle);
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() {
  if (m_handle != -1) {
    CloseHandle(handle_of(m_handle));
    m_handle = -1;
    DeleteFileW(os_long_path(m_temp).c_str());
  }
}

void AtomicFileWriter::fail(std::error_code ec) {
  m_error = ec;
  discard();
}

void AtomicFileWriter::write(std::string_view data) {
  while (m_handle != -1 && !data.empty()) {
    const DWORD chunk = data.size() > 0x40000000U ? 0x40000000U : static_cast<DWORD>(data.size());
    DWORD written = 0;
    if (!WriteFile(handle_of(m_handle), data.data(), chunk, &written, nullptr)) {
      fail(last_error());
      return;
    }
    data.remove_prefix(written);
  }
}

void AtomicFileWriter::commit(std::error_code& ec) {
  ec = m_error;
  if (m_handle == -1) {
    return;
  }
  if (!FlushFileBuffers(handle_of(m_handle))) {
    fail(ec = last_error());
    return;
  }
  CloseHandle(handle_of(m_handle));
  m_handle = -1;
  const auto temp = os_long_path(m_temp);
  const auto destination = os_long_path(m_path);
  // Sharing violations from scanners and cloud clients are usually brief.
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (MoveFileExW(temp.c_str(), destination.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      ec.clear();
      return;
    }
    const DWORD error = GetLastError();
    ec = std::error_code(static_cast<int>(error), std::system_category());
    if (error != ERROR_SHARING_VIOLATION && error != ERROR_ACCESS_DENIED && error != ERROR_LOCK_VIOLATION) {
      break;
    }
    Sleep(50U << (attempt < 5 ? attempt : 5));
  }
  m_error = ec;
  DeleteFileW(temp.c_str());
}

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec, int mode) {
  AtomicFileWriter writer(path, mode);
  writer.write(content);
  writer.commit(ec);
}

} // namespace codexsync::util
