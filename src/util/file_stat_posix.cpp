#include <codexsync/util/file_stat.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace codexsync::util {

namespace {

FileStat from_stat(const struct stat& st) {
  FileStat out;
  if (S_ISREG(st.st_mode)) {
    out.type = FileType::regular;
  } else if (S_ISDIR(st.st_mode)) {
    out.type = FileType::directory;
  } else if (S_ISLNK(st.st_mode)) {
    out.type = FileType::symlink;
  }
  out.size = static_cast<std::uint64_t>(st.st_size);
#ifdef __APPLE__
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtimespec.tv_sec) * 1'000'000'000 + st.st_mtimespec.tv_nsec;
  out.change_ns = static_cast<std::int64_t>(st.st_ctimespec.tv_sec) * 1'000'000'000 + st.st_ctimespec.tv_nsec;
#else
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  out.change_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
#endif
  out.device = static_cast<std::uint64_t>(st.st_dev);
  out.inode = static_cast<std::uint64_t>(st.st_ino);
  return out;
}

} // namespace

std::optional<FileStat> stat_no_follow(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    ec = std::error_code(errno, std::generic_category());
    return std::nullopt;
  }
  return from_stat(st);
}

std::optional<FileStat> stat_no_follow_at(int dir_fd, const char* name, std::error_code& ec) {
  ec.clear();
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    ec = std::error_code(errno, std::generic_category());
    return std::nullopt;
  }
  return from_stat(st);
}

std::optional<FileStat> stat_open_file(NativeFile file, std::error_code& ec) {
  ec.clear();
  struct stat st {};
  if (::fstat(file, &st) != 0) {
    ec = std::error_code(errno, std::generic_category());
    return std::nullopt;
  }
  return from_stat(st);
}

void set_mtime_ns(const std::filesystem::path& path, std::int64_t mtime_ns, std::error_code& ec) {
  ec.clear();
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;  // leave the access time
  times[1].tv_sec = static_cast<time_t>(mtime_ns / 1'000'000'000);
  times[1].tv_nsec = static_cast<long>(mtime_ns % 1'000'000'000);
  if (times[1].tv_nsec < 0) {
    times[1].tv_nsec += 1'000'000'000;
    times[1].tv_sec -= 1;
  }
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    ec = std::error_code(errno, std::generic_category());
  }
}

} // namespace codexsync::util
