#include <codexsync/util/file_lock.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
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
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return false;
  }
  const int op = LOCK_EX | (wait == LockWait::try_once ? LOCK_NB : 0);
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) {
      continue;
    }
    if (errno != EWOULDBLOCK) {
      ec = std::error_code(errno, std::generic_category());
    }
    ::close(fd);
    return false;
  }
  m_handle = fd;
  return true;
}

void FileLock::release() {
  if (m_handle != k_invalid) {
    ::flock(m_handle, LOCK_UN);
    ::close(m_handle);
    m_handle = k_invalid;
  }
}

} // namespace codexsync::util
