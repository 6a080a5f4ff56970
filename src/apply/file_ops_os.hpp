#pragma once

#include <codexsync/util/file_stat.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <system_error>

// The OS-specific half of apply/file_ops: one open file and single attempts at
// the calls file_ops.cpp retries and words errors for. file_ops_posix.cpp and
// file_ops_win32.cpp implement it.
namespace codexsync::apply::detail {

// What file_ops.cpp needs to know about an error to choose its words and
// whether to retry.
enum class ErrorKind { not_found, exists, no_space, transient, other };

// Classifies an error set by the functions below (POSIX: ENOENT/ENOTDIR, EEXIST,
// ENOSPC/EDQUOT, EBUSY/ETXTBSY; Windows: file/path not found, file/already
// exists, disk full, sharing/lock violation and access denied).
ErrorKind classify(const std::error_code& ec);

// The path to hand to the OS: on Windows an extended-length `\\?\` path once
// the path is long enough to hit MAX_PATH; unchanged on POSIX.
std::filesystem::path os_path(const std::filesystem::path& path);

// One open file: the source being read or the temp file being written. Closed
// (errors ignored) when destroyed.
class OsFile {
public:
  OsFile() = default;
  OsFile(const OsFile&) = delete;
  OsFile& operator=(const OsFile&) = delete;
  ~OsFile();

  // Opens an existing file for reading (POSIX: not following a final link;
  // Windows: following it, the caller compares file ids). Others may go on
  // reading, writing and renaming it. False and `ec` on failure.
  bool open_read(const std::filesystem::path& path, std::error_code& ec);

  // Opens an existing file for reading and writing in place (a fast-forward
  // that appends to it), neither creating nor truncating it. POSIX: not
  // following a final link; Windows: following it (the caller compares file
  // ids). Others may go on reading it.
  bool open_update(const std::filesystem::path& path, std::error_code& ec);

  // Creates `path` for writing; fails (ErrorKind::exists) when it exists.
  // Readable only by this user until set_time_and_mode says otherwise.
  bool create_new(const std::filesystem::path& path, std::error_code& ec);

  // Reads up to `size` bytes (retrying EINTR). Returns the count, 0 at the
  // end of the file; nullopt and `ec` on failure.
  std::optional<std::size_t> read(char* buffer, std::size_t size, std::error_code& ec);

  // Moves the read position to `offset` bytes from the start.
  bool seek(std::uint64_t offset, std::error_code& ec);

  // Makes this new, empty file's first `size` bytes those of `from` (a file the
  // caller found `size` bytes long; a clone takes all of it, so the caller
  // checks the size placed) without passing them through this process: a clone
  // sharing the disk blocks where the file system can (Linux FICLONE: Btrfs,
  // XFS), else an in-kernel copy (Linux copy_file_range). The write position
  // is left at 0. `unsupported` where neither applies (macOS and Windows for
  // now, file systems that refuse): nothing was written and the caller copies
  // the bytes itself. `changed`: `from` ended before `size` bytes. `failed`
  // sets `ec` (ENOSPC, EIO...).
  enum class KernelCopy { done, unsupported, changed, failed };
  KernelCopy copy_from(const OsFile& from, std::uint64_t size, std::error_code& ec);

  // True when the file system can clone this open file's blocks into a new
  // file in `dir` (its folder): Linux FICLONE into an unnamed O_TMPFILE there,
  // which nobody else can see (Btrfs, XFS). False where it cannot, and on
  // macOS and Windows, whose copies do not clone yet.
  bool clones_into(const std::filesystem::path& dir) const;

  // Cuts the file to `size` bytes (ftruncate / SetFileInformationByHandle).
  bool truncate(std::uint64_t size, std::error_code& ec);

  // How many names the open file has (hard links); 0 when the OS will not say.
  std::uint64_t link_count() const;

  // Writes all `size` bytes, looping over short writes and EINTR.
  bool write_all(const char* data, std::size_t size, std::error_code& ec);

  // Sets the modification time and, on POSIX, the permission bits (`mode`
  // & 0777, when given). Windows ignores `mode`.
  bool set_time_and_mode(std::int64_t mtime_ns, std::optional<std::uint32_t> mode, std::error_code& ec);

  // Flushes data and metadata to the disk (fsync, F_FULLFSYNC on macOS,
  // FlushFileBuffers on Windows).
  bool sync(std::error_code& ec);

  // The open file's stat (fstat / GetFileInformationByHandle).
  std::optional<util::FileStat> stat(std::error_code& ec) const;

  // The POSIX permission bits (& 0777) of the open file; nullopt on Windows.
  std::optional<std::uint32_t> mode() const;

  // Closes the file; false and `ec` when the OS reports a late write error.
  // Harmless when not open.
  bool close(std::error_code& ec);

private:
#ifdef _WIN32
  void* m_handle = nullptr;
#else
  int m_fd = -1;
#endif
};

// The POSIX permission bits (& 0777) of the regular file at `path`, not
// following links; nullopt when it is missing, not a regular file, or on Windows.
std::optional<std::uint32_t> regular_file_mode(const std::filesystem::path& path);

// Creates one folder; ErrorKind::exists when something is already there.
bool create_dir(const std::filesystem::path& dir, std::error_code& ec);

// One attempt at renaming `from` over `to` in the same folder, replacing it
// atomically (rename / MoveFileExW with REPLACE_EXISTING | WRITE_THROUGH).
bool replace_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec);

// One attempt at renaming `from` to `to` in the same folder only if nothing is
// at `to` (renameat2 RENAME_NOREPLACE / renamex_np RENAME_EXCL / MoveFileExW
// without REPLACE_EXISTING); fails with std::errc::file_exists when something
// is. Where the file system has no such rename, link + unlink does the same.
bool place_new_file(const std::filesystem::path& from, const std::filesystem::path& to, std::error_code& ec);

// One attempt at deleting the file (not a folder) `path`.
bool delete_file(const std::filesystem::path& path, std::error_code& ec);

// Removes `dir` when it is an empty folder; fails otherwise.
bool remove_empty_dir(const std::filesystem::path& dir, std::error_code& ec);

// Makes a rename in `dir` durable (fsync of the folder on POSIX; a no-op on
// Windows, where MOVEFILE_WRITE_THROUGH did it). Best effort: some file
// systems refuse and nothing can be done about it then.
void sync_dir(const std::filesystem::path& dir);

// Free bytes available to this user on the volume of the existing folder
// `dir` (statvfs f_bavail * f_frsize / GetDiskFreeSpaceExW); nullopt when
// the OS will not say.
std::optional<std::uint64_t> free_space_of_dir(const std::filesystem::path& dir);

} // namespace codexsync::apply::detail
