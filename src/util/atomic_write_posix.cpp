#include <codexsync/util/fs.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace codexsync::util {
namespace {

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const auto written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

} // namespace

void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

AtomicFileWriter::AtomicFileWriter(fs::path path, int mode) : m_path(std::move(path)) {
  const auto dir = m_path.has_parent_path() ? m_path.parent_path() : fs::path(".");
  m_temp = dir / ("." + m_path.filename().string() + temp_suffix());
  const int fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    m_error = std::error_code(errno, std::generic_category());
    return;
  }
  m_handle = fd;
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() {
  if (m_handle >= 0) {
    ::close(static_cast<int>(m_handle));
    m_handle = -1;
    ::unlink(m_temp.c_str());
  }
}

void AtomicFileWriter::fail(std::error_code ec) {
  m_error = ec;
  discard();
}

void AtomicFileWriter::write(std::string_view data) {
  if (m_handle >= 0 && !write_all(static_cast<int>(m_handle), data)) {
    fail(std::error_code(errno, std::generic_category()));
  }
}

void AtomicFileWriter::commit(std::error_code& ec) {
  ec = m_error;
  if (m_handle < 0) {
    return;
  }
  const int fd = static_cast<int>(m_handle);
  if (::fsync(fd) != 0) {
    fail(ec = std::error_code(errno, std::generic_category()));
    return;
  }
  m_handle = -1;
  if (::close(fd) != 0 || ::rename(m_temp.c_str(), m_path.c_str()) != 0) {
    m_error = ec = std::error_code(errno, std::generic_category());
    ::unlink(m_temp.c_str());
    return;
  }
  sync_dir(m_path.has_parent_path() ? m_path.parent_path() : fs::path("."));
}

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec, int mode) {
  AtomicFileWriter writer(path, mode);
  writer.write(content);
  writer.commit(ec);
}

} // namespace codexsync::util
