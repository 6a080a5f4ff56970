#include "file_ops_os.hpp"

#include <fcntl.h>
#include <stdio.h> // renameat2, RENAME_NOREPLACE (glibc)
#ifdef __linux__
#include <linux/fs.h>  // FICLONE
#include <sys/ioctl.h>
#endif
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace codexsync::apply::detail {
namespace {

std::error_code last_error() { return std::error_code(errno, std::generic_category()); }

bool fail(std::error_code& ec) {
  ec = last_error();
  return false;
}


int open_retrying(const char* path, int flags, mode_t mode) {
  while (true) {
    const int fd = ::open(path, flags, mode);
    if (fd >= 0 || errno != EINTR) {
      return fd;
    }
  }
}

} // namespace

ErrorKind classify(const std::error_code& ec) {
  if (ec.category() != std::generic_category() && ec.category() != std::system_category()) {
    return ErrorKind::other;
  }
  switch (ec.value()) {
  case ENOENT:
  case ENOTDIR: // a file where a folder of the path should be
    return ErrorKind::not_found;
  case EEXIST:
    return ErrorKind::exists;
  case ENOSPC:
#ifdef EDQUOT
  case EDQUOT:
#endif
    return ErrorKind::no_space;
  case EBUSY:
  case ETXTBSY:
    return ErrorKind::transient;
  default:
    return ErrorKind::other;
  }
}

std::filesystem::path os_path(const std::filesystem::path& path) { return path; }

OsFile::~OsFile() {
  std::error_code ignored;
  close(ignored);
}

bool OsFile::open_read(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  m_fd = open_retrying(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0);
  return m_fd >= 0 || fail(ec);
}

bool OsFile::open_update(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  m_fd = open_retrying(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0);
  return m_fd >= 0 || fail(ec);
}

bool OsFile::create_new(const std::filesystem::path& path, std::error_code& ec) {
  close(ec);
  m_fd = open_retrying(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  return m_fd >= 0 || fail(ec);
}

std::optional<std::size_t> OsFile::read(char* buffer, std::size_t size, std::error_code& ec) {
  while (true) {
    const auto got = ::read(m_fd, buffer, size);
    if (got >= 0) {
      return static_cast<std::size_t>(got);
    }
    if (errno != EINTR) {
      ec = last_error();
      return std::nullopt;
    }
  }
}

bool OsFile::seek(std::uint64_t offset, std::error_code& ec) {
  if (::lseek(m_fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    ec = last_error();
    return false;
  }
  return true;
}

OsFile::KernelCopy OsFile::copy_from(const OsFile& from, std::uint64_t size, std::error_code& ec) {
#ifdef __linux__
  if (size == 0) {
    return KernelCopy::done;
  }
  // A clone shares the blocks: nothing is read or written but metadata.
  if (::ioctl(m_fd, FICLONE, from.m_fd) == 0) {
    return KernelCopy::done;
  }
  // Not this file system (ext4, tmpfs): copy inside the kernel instead.
  loff_t in = 0;
  loff_t out = 0;
  while (static_cast<std::uint64_t>(in) < size) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size - static_cast<std::uint64_t>(in),
                                                                       std::uint64_t{1} << 30U));
    const auto done = ::copy_file_range(from.m_fd, &in, m_fd, &out, want, 0);
    if (done > 0) {
      continue;
    }
    if (done == 0) {
      // Nothing copied at first: a file system that says so instead of an
      // error (the caller copies). Later: `from` ended early, it shrank.
      return in == 0 ? KernelCopy::unsupported : KernelCopy::changed;
    }
    if (errno == EINTR) {
      continue;
    }
    if (in == 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP ||
                    errno == ENOTSUP || errno == EPERM)) {
      return KernelCopy::unsupported;  // nothing written yet: the caller copies
    }
    ec = last_error();
    return KernelCopy::failed;
  }
  return KernelCopy::done;
#else
  (void)from;
  (void)size;
  (void)ec;
  return KernelCopy::unsupported;  // macOS: clonefile needs a path that does not exist yet (not used yet)
#endif
}

bool OsFile::clones_into(const std::filesystem::path& dir) const {
#if defined(__linux__) && defined(O_TMPFILE)
  const int probe = open_retrying(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (probe < 0) {
    return false;
  }
  // One block is enough to learn whether the file system shares blocks.
  struct stat st {};
  struct file_clone_range range {};
  range.src_fd = m_fd;
  if (::fstat(m_fd, &st) == 0 && st.st_blksize > 0 && st.st_size >= st.st_blksize) {
    range.src_length = static_cast<std::uint64_t>(st.st_blksize);
  }  // else 0: the whole (short) file
  const bool cloned = ::ioctl(probe, FICLONERANGE, &range) == 0;
  ::close(probe);
  return cloned;
#else
  (void)dir;
  return false;
#endif
}

bool OsFile::truncate(std::uint64_t size, std::error_code& ec) {
  while (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) {
    if (errno != EINTR) {
      return fail(ec);
    }
  }
  return true;
}

std::uint64_t OsFile::link_count() const {
  struct stat st {};
  return ::fstat(m_fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_nlink) : 0;
}

bool OsFile::write_all(const char* data, std::size_t size, std::error_code& ec) {
  while (size > 0) {
    const auto written = ::write(m_fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ec);
    }
    if (written == 0) {
      ec = std::make_error_code(std::errc::io_error);
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

bool OsFile::set_time_and_mode(std::int64_t mtime_ns, std::optional<std::uint32_t> mode,
                               std::error_code& ec) {
  struct timespec times[2]{};
  times[0].tv_nsec = UTIME_OMIT; // leave the access time
  times[1].tv_sec = static_cast<time_t>(mtime_ns / 1'000'000'000);
  times[1].tv_nsec = static_cast<long>(mtime_ns % 1'000'000'000);
  if (times[1].tv_nsec < 0) {
    times[1].tv_nsec += 1'000'000'000;
    times[1].tv_sec -= 1;
  }
  if (::futimens(m_fd, times) != 0) {
    return fail(ec);
  }
  if (mode && ::fchmod(m_fd, static_cast<mode_t>(*mode & 0777U)) != 0) {
    return fail(ec);
  }
  return true;
}

bool OsFile::sync(std::error_code& ec) {
#ifdef __APPLE__
  // fsync on macOS leaves the data in the drive's cache.
  if (::fcntl(m_fd, F_FULLFSYNC) == 0) {
    return true;
  }
#endif
  return ::fsync(m_fd) == 0 || fail(ec);
}

std::optional<util::FileStat> OsFile::stat(std::error_code& ec) const { return util::stat_open_file(m_fd, ec); }

std::optional<std::uint32_t> OsFile::mode() const {
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(st.st_mode) & 0777U;
}

bool OsFile::close(std::error_code& ec) {
  if (m_fd < 0) {
    return true;
  }
  const int fd = m_fd;
  m_fd = -1;
  // After EINTR the descriptor is gone on Linux and macOS; only real errors count.
  return ::close(fd) == 0 || errno == EINTR || fail(ec);
}

std::optional<std::uint32_t> regular_file_mode(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(st.st_mode) & 0777U;
}

bool create_dir(const std::filesystem::path& dir, std::error_code& ec) {
  return ::mkdir(dir.c_str(), 0777) == 0 || fail(ec);
}

bool replace_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec) {
  return ::rename(from.c_str(), to.c_str()) == 0 || fail(ec);
}

bool place_new_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec) {
#if defined(__linux__) && defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    return fail(ec);  // EEXIST when something arrived
  }
#elif defined(__APPLE__)
  if (::renamex_np(from.c_str(), to.c_str(), RENAME_EXCL) == 0) {
    return true;
  }
  if (errno != ENOTSUP) {
    return fail(ec);
  }
#endif
  // No exclusive rename here: a hard link fails if `to` exists, then the temp
  // name goes.
  if (::link(from.c_str(), to.c_str()) != 0) {
    return fail(ec);
  }
  ::unlink(from.c_str());
  return true;
}

bool delete_file(const std::filesystem::path& path, std::error_code& ec) {
  return ::unlink(path.c_str()) == 0 || fail(ec);
}

bool remove_empty_dir(const std::filesystem::path& dir, std::error_code& ec) {
  return ::rmdir(dir.c_str()) == 0 || fail(ec);
}

void sync_dir(const std::filesystem::path& dir) {
  const int fd = open_retrying(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  ::fsync(fd);
  ::close(fd);
}

std::optional<std::uint64_t> free_space_of_dir(const std::filesystem::path& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

} // namespace codexsync::apply::detail
