#pragma once
// The scanner's OS-specific helpers (platform_posix.cpp / platform_win32.cpp).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

namespace codexsync::scan::detail {

struct EntryName {
  std::string utf8;  // the name as UTF-8 (lossy when !exact)
  bool exact = true; // false: the OS name has no faithful UTF-8 form
};

// Returns the last component of `entry_path` (as given by directory_iterator)
// as UTF-8. Invalid bytes (POSIX) are shown as `\xNN`; unpaired surrogates
// (Windows) as U+FFFD; either way `exact` is false.
EntryName entry_name(const std::filesystem::path& entry_path);

// Reads up to `size` bytes at `offset` of the file `path`, without following
// a final link. Returns how many were read (fewer at end of file); 0 and `ec`
// set when the file cannot be opened or read.
std::size_t read_file_bytes(const std::filesystem::path& path, std::uint64_t offset, unsigned char* buffer,
                            std::size_t size, std::error_code& ec);

} // namespace codexsync::scan::detail
