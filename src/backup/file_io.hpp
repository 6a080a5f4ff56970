#pragma once

#include <codexsync/util/file_stat.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <system_error>

// Plain file handles for the backup module: reads that never follow a final
// link, exclusive creates, fsync. One implementation per OS (file_io_posix.cpp,
// file_io_win32.cpp).
namespace codexsync::backup::detail {

class File {
public:
  File() = default;
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;

  // Opens an existing regular file for reading. Fails (ec set) when it is
  // missing or not a regular file. POSIX never follows a final link; Windows
  // does, so that cloud placeholders are read through (downloaded), and the
  // caller must check is_same_file() against the stat_no_follow it trusts.
  static File open_read(const std::filesystem::path& path, std::error_code& ec);
  // Creates a new file for writing, readable by its owner only (POSIX 0600:
  // backups and restores of an agent's private state). Fails when `path` exists.
  static File create_new(const std::filesystem::path& path, std::error_code& ec);

  bool is_open() const;
  // True when the open file is the one `st` describes (same device and file id).
  bool is_same_file(const util::FileStat& st) const;
  // Reads up to `size` bytes; returns 0 at the end of the file or on error (ec set).
  std::size_t read(void* data, std::size_t size, std::error_code& ec);
  // Writes all `size` bytes or sets ec.
  void write_all(const void* data, std::size_t size, std::error_code& ec);
  // Flushes the file's data and metadata to the device.
  void sync(std::error_code& ec);
  // Asks the OS to forget cached pages of this (synced) file so the next read
  // comes from the device. Best effort; a no-op where unsupported.
  void drop_cache();
  // Closes the handle; sets ec when the OS reports a late write error.
  void close(std::error_code& ec);

private:
  explicit File(std::intptr_t handle) : m_handle(handle) {}
  std::intptr_t m_handle = -1;
};

// Flushes a folder's entries (new names, renames) to the device. Best effort;
// a no-op on Windows, where folders cannot be flushed this way.
void sync_dir(const std::filesystem::path& dir);

} // namespace codexsync::backup::detail
