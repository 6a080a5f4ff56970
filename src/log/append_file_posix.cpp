#include "append_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace codexsync::log::detail {

AppendFile::~AppendFile() { close(); }

bool AppendFile::open(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  close();
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return false;
  }
  m_fd = fd;
  return true;
}

void AppendFile::close() {
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

bool AppendFile::is_open() const { return m_fd >= 0; }

bool AppendFile::append(std::string_view data, std::error_code& ec) {
  ec.clear();
  if (m_fd < 0) {
    ec = std::make_error_code(std::errc::bad_file_descriptor);
    return false;
  }
  while (!data.empty()) {
    const ssize_t written = ::write(m_fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      ec = std::error_code(errno, std::generic_category());
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::uint64_t AppendFile::size() const {
  struct stat st {};
  if (m_fd < 0 || ::fstat(m_fd, &st) != 0) {
    return 0;
  }
  return static_cast<std::uint64_t>(st.st_size);
}

bool AppendFile::is_at(const std::filesystem::path& path) const {
  struct stat mine {};
  struct stat named {};
  if (m_fd < 0 || ::fstat(m_fd, &mine) != 0 || ::stat(path.c_str(), &named) != 0) {
    return false;
  }
  return mine.st_dev == named.st_dev && mine.st_ino == named.st_ino;
}

} // namespace codexsync::log::detail
