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

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec, int mode) {
  ec.clear();
  const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const auto temp = dir / ("." + path.filename().string() + temp_suffix());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return;
  }
  if (!write_all(fd, content) || ::fsync(fd) != 0) {
    ec = std::error_code(errno, std::generic_category());
    ::close(fd);
    ::unlink(temp.c_str());
    return;
  }
  if (::close(fd) != 0) {
    ec = std::error_code(errno, std::generic_category());
    ::unlink(temp.c_str());
    return;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ec = std::error_code(errno, std::generic_category());
    ::unlink(temp.c_str());
    return;
  }
  sync_dir(dir);
}

} // namespace codexsync::util
