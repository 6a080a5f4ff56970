#include "file_io.hpp"

#include <codexsync/util/fs.hpp>

#include <windows.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace codexsync::backup::detail {
namespace {

std::error_code last_error() {
  return std::error_code(static_cast<int>(GetLastError()), std::system_category());
}

HANDLE handle_of(std::intptr_t handle) { return reinterpret_cast<HANDLE>(handle); }

// INVALID_HANDLE_VALUE is -1, the same "no handle" value File uses everywhere.
std::intptr_t value_of(HANDLE handle) { return reinterpret_cast<std::intptr_t>(handle); }

constexpr DWORD k_max_chunk = 0x40000000U;

} // namespace

File::~File() {
  if (m_handle != -1) {
    CloseHandle(handle_of(m_handle));
  }
}

File::File(File&& other) noexcept : m_handle(std::exchange(other.m_handle, -1)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (m_handle != -1) {
      CloseHandle(handle_of(m_handle));
    }
    m_handle = std::exchange(other.m_handle, -1);
  }
  return *this;
}

File File::open_read(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  // Follows a final reparse point so that a cloud placeholder is read through;
  // a swapped-in link shows as a different file id (is_same_file).
  // A program that holds the file without sharing for a moment (an indexer,
  // a virus scanner) is waited for, about 2 s in all, before the backup gives
  // up on it (and the run stops with nothing written).
  const auto os_path = util::os_long_path(path);
  HANDLE handle = INVALID_HANDLE_VALUE;
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds delay{50};
  while (true) {
    handle = CreateFileW(os_path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    const DWORD error = handle == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
    if (handle != INVALID_HANDLE_VALUE ||
        (error != ERROR_SHARING_VIOLATION && error != ERROR_LOCK_VIOLATION) || waited >= std::chrono::seconds{2}) {
      SetLastError(error);
      break;
    }
    std::this_thread::sleep_for(delay);
    waited += delay;
    delay = std::min(delay * 2, std::chrono::milliseconds{400});
  }
  if (handle == INVALID_HANDLE_VALUE) {
    ec = last_error();
    return File();
  }
  File file(value_of(handle));
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle, &info)) {
    ec = last_error();
    return File();
  }
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    ec = std::make_error_code(std::errc::is_a_directory);
    return File();
  }
  return file;
}

File File::create_new(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  HANDLE handle = CreateFileW(util::os_long_path(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = last_error();
    return File();
  }
  return File(value_of(handle));
}

bool File::is_open() const { return m_handle != -1; }

bool File::is_same_file(const util::FileStat& st) const {
  std::error_code ec;
  const auto own = is_open() ? util::stat_open_file(handle_of(m_handle), ec) : std::nullopt;
  return own && own->same_file(st);
}

std::size_t File::read(void* data, std::size_t size, std::error_code& ec) {
  ec.clear();
  const DWORD chunk = size > k_max_chunk ? k_max_chunk : static_cast<DWORD>(size);
  DWORD got = 0;
  if (!ReadFile(handle_of(m_handle), data, chunk, &got, nullptr)) {
    ec = last_error();
    return 0;
  }
  return got;
}

void File::write_all(const void* data, std::size_t size, std::error_code& ec) {
  ec.clear();
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const DWORD chunk = size > k_max_chunk ? k_max_chunk : static_cast<DWORD>(size);
    DWORD written = 0;
    if (!WriteFile(handle_of(m_handle), bytes, chunk, &written, nullptr)) {
      ec = last_error();
      return;
    }
    bytes += written;
    size -= written;
  }
}

void File::sync(std::error_code& ec) {
  ec.clear();
  if (FlushFileBuffers(handle_of(m_handle))) {
    return;
  }
  // FlushFileBuffers needs write access, which a handle from open_read lacks:
  // flush through a second handle to the same file that has it.
  if (GetLastError() != ERROR_ACCESS_DENIED) {
    ec = last_error();
    return;
  }
  HANDLE writable = ReOpenFile(handle_of(m_handle), GENERIC_WRITE,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, 0);
  if (writable == INVALID_HANDLE_VALUE) {
    ec = last_error();
    return;
  }
  if (!FlushFileBuffers(writable)) {
    ec = last_error();
  }
  CloseHandle(writable);
}

void File::drop_cache() {}

void File::close(std::error_code& ec) {
  ec.clear();
  if (!is_open()) {
    return;
  }
  if (!CloseHandle(handle_of(std::exchange(m_handle, -1)))) {
    ec = last_error();
  }
}

void sync_dir(const std::filesystem::path& /*dir*/) {}

} // namespace codexsync::backup::detail
