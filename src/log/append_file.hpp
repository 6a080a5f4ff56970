#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <system_error>

// The OS-specific part of file logging: one append-only handle on a log file.
namespace codexsync::log::detail {

class AppendFile {
public:
  AppendFile() = default;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  // Opens `path` for appending, creating it when missing (any open file is
  // closed first). Other processes may read, append to, rename and delete it.
  // Returns false and sets `ec` on failure.
  bool open(const std::filesystem::path& path, std::error_code& ec);

  // Closes the file; harmless when not open.
  void close();

  bool is_open() const;

  // Appends all of `data` at the end of the file in one write call (retrying
  // only after a short write). Returns false and sets `ec` on failure.
  bool append(std::string_view data, std::error_code& ec);

  // Returns the file's size now, including other processes' appends; 0 when
  // not open or unknown.
  std::uint64_t size() const;

  // Returns true when `path` currently names the very file this handle holds
  // (same device and inode / volume and file index); false when it is missing
  // or another file.
  bool is_at(const std::filesystem::path& path) const;

private:
#ifdef _WIN32
  void* m_handle = nullptr;
#else
  int m_fd = -1;
#endif
};

} // namespace codexsync::log::detail
