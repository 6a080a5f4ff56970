#pragma once

#include <filesystem>
#include <system_error>

namespace codexsync::util {

enum class LockWait { block, try_once };

// An exclusive OS lock on a lock file (flock on POSIX, LockFileEx on Windows),
// released by the destructor or by the OS when the process dies. The file is
// created if missing and never deleted here. Locks are per open file, so two
// FileLock objects in one process exclude each other as two processes do.
class FileLock {
public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  ~FileLock();

  // Opens `path` and takes the lock. Returns false and sets `ec` when the file
  // cannot be opened; with LockWait::try_once also returns false (ec clear)
  // when another holder has it.
  bool acquire(const std::filesystem::path& path, LockWait wait, std::error_code& ec);

  // Releases the lock and closes the file; harmless when not held.
  void release();

  bool held() const { return m_handle != k_invalid; }

private:
#ifdef _WIN32
  using Handle = void*;
  static inline const Handle k_invalid = reinterpret_cast<Handle>(-1);
#else
  using Handle = int;
  static constexpr Handle k_invalid = -1;
#endif
  Handle m_handle = k_invalid;
};

} // namespace codexsync::util
