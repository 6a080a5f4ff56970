#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace codexsync::backup::detail {
namespace {

std::error_code last_error() { return std::error_code(errno, std::generic_category()); }

int fd_of(std::intptr_t handle) { return static_cast<int>(handle); }

} // namespace

File::~File() {
  if (m_handle >= 0) {
    ::close(fd_of(m_handle));
  }
}

File::File(File&& other) noexcept : m_handle(std::exchange(other.m_handle, -1)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (m_handle >= 0) {
      ::close(fd_of(m_handle));
    }
    m_handle = std::exchange(other.m_handle, -1);
  }
  return *this;
}

File File::open_read(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  // O_NONBLOCK so that a FIFO planted at `path` cannot hang the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    ec = last_error();
    return File();
  }
  File file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ec = last_error();
    return File();
  }
  if (!S_ISREG(st.st_mode)) {
    ec = std::make_error_code(std::errc::invalid_argument);
    return File();
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  return file;
}

File File::create_new(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    ec = last_error();
    return File();
  }
  return File(fd);
}

bool File::is_open() const { return m_handle >= 0; }

bool File::is_same_file(const util::FileStat& st) const {
  std::error_code ec;
  const auto own = m_handle >= 0 ? util::stat_open_file(fd_of(m_handle), ec) : std::nullopt;
  return own && own->same_file(st);
}

std::size_t File::read(void* data, std::size_t size, std::error_code& ec) {
  ec.clear();
  for (;;) {
    const auto got = ::read(fd_of(m_handle), data, size);
    if (got >= 0) {
      return static_cast<std::size_t>(got);
    }
    if (errno != EINTR) {
      ec = last_error();
      return 0;
    }
  }
}

void File::write_all(const void* data, std::size_t size, std::error_code& ec) {
  ec.clear();
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const auto written = ::write(fd_of(m_handle), bytes, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      ec = last_error();
      return;
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

void File::sync(std::error_code& ec) {
  ec.clear();
  if (::fsync(fd_of(m_handle)) != 0) {
    ec = last_error();
  }
}

void File::drop_cache() {
#if defined(POSIX_FADV_DONTNEED)
  ::posix_fadvise(fd_of(m_handle), 0, 0, POSIX_FADV_DONTNEED);
#endif
}

void File::close(std::error_code& ec) {
  ec.clear();
  if (m_handle < 0) {
    return;
  }
  const int fd = fd_of(std::exchange(m_handle, -1));
  if (::close(fd) != 0 && errno != EINTR) {
    ec = last_error();
  }
}

void sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

} // namespace codexsync::backup::detail
