#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <system_error>

namespace codexsync::util {

// reparse_point: a Windows symlink, junction or mount point (a cloud placeholder
// is reported as the regular file or folder it stands for).
enum class FileType { regular, directory, symlink, reparse_point, other };

// What one lstat (POSIX) / GetFileInformationByHandle without following
// reparse points (Windows) tells. Links are reported as links, never followed.
struct FileStat {
  FileType type = FileType::other;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // since the Unix epoch
  // When the file itself last changed in any way (POSIX st_ctime: content,
  // times, mode; NTFS ChangeTime, or the creation time where the file system
  // keeps none): unlike mtime, no program sets it.
  std::int64_t change_ns = 0;
  std::uint64_t device = 0;   // st_dev / volume serial number
  std::uint64_t inode = 0;    // st_ino / file index
  bool read_only = false;     // Windows read-only attribute; false on POSIX

  // Same file on disk (device and inode).
  bool same_file(const FileStat& other) const { return device == other.device && inode == other.inode; }
};

// Returns the stat of `path` without following a final link; nullopt and `ec`
// set when it does not exist or cannot be read.
std::optional<FileStat> stat_no_follow(const std::filesystem::path& path, std::error_code& ec);

#ifdef _WIN32
using NativeFile = void*;  // a HANDLE
#else
using NativeFile = int;    // a file descriptor
#endif

// Returns the stat of an open file (fstat / GetFileInformationByHandle); the
// type tells regular file from folder. nullopt and `ec` set on failure.
std::optional<FileStat> stat_open_file(NativeFile file, std::error_code& ec);

#ifndef _WIN32
// POSIX: the stat of `name` inside the open folder `dir_fd` without following
// a final link (fstatat), which spares the kernel resolving the whole path
// for every entry of a folder being listed.
std::optional<FileStat> stat_no_follow_at(int dir_fd, const char* name, std::error_code& ec);
#endif

#ifdef _WIN32
// Windows: what the OS tells of one file, in its own units, from an open
// handle (GetFileInformationByHandle, FileBasicInfo, FileAttributeTagInfo) or
// from a folder listing (FILE_ID_BOTH_DIR_INFO). stat_from_windows is the one
// place either becomes a FileStat, so a listed entry and a stat of its path
// tell the same.
struct WindowsFileFacts {
  std::uint32_t attributes = 0;              // FILE_ATTRIBUTE_*
  std::optional<std::uint32_t> reparse_tag;  // with FILE_ATTRIBUTE_REPARSE_POINT; nullopt: unknown
  std::int64_t creation_time = 0;            // FILETIME ticks (100 ns since 1601-01-01)
  std::int64_t last_write_time = 0;
  std::int64_t change_time = 0;              // NTFS ChangeTime; 0 or less: the file system keeps none
  std::uint64_t size = 0;                    // end of file
  std::uint64_t volume_serial = 0;
  std::uint64_t file_id = 0;
};

// Returns the FileStat of the file `facts` describes: a name-surrogate reparse
// point (or one whose tag is unknown) is a reparse_point, never followed;
// change_ns is the later of the creation and change times.
FileStat stat_from_windows(const WindowsFileFacts& facts);
#endif

// Sets the modification time of `path` (a regular file or a folder) to `mtime_ns`.
void set_mtime_ns(const std::filesystem::path& path, std::int64_t mtime_ns, std::error_code& ec);

} // namespace codexsync::util
