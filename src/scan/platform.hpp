#pragma once
// The scanner's OS-specific helpers (platform_posix.cpp / platform_win32.cpp).

#include <codexsync/util/file_stat.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace codexsync::scan::detail {

struct EntryName {
  std::string utf8;  // the name as UTF-8 (lossy when !exact)
  bool exact = true; // false: the OS name has no faithful UTF-8 form
};

// Returns the last component of `native` (an entry's name, or a path ending
// in it) as UTF-8. Invalid bytes (POSIX) are shown as `\xNN`; unpaired surrogates
// (Windows) as U+FFFD; either way `exact` is false.
EntryName entry_name(std::basic_string_view<std::filesystem::path::value_type> native);

// One entry of a folder, as listed with its stat.
struct ListedEntry {
  std::filesystem::path::string_type name;  // the OS's name of the entry
  std::optional<util::FileStat> stat;       // not following a link; nullopt: see stat_error
  std::error_code stat_error;
};

// Lists the entries of the folder `dir` ("." and ".." left out) with the stat
// of each, not following links: each the util::stat_no_follow of its path.
// POSIX: readdir and fstatat relative to the open folder; Windows: the open
// folder read in batches of FILE_ID_BOTH_DIR_INFO, which carry the stats, so
// no entry is opened (FindFirstFileExW and a util::stat_no_follow per entry
// where the file system does not list that way). `ec` is set when the folder
// cannot be listed, or has become a link (or not to the end: what was read is
// returned).
std::vector<ListedEntry> list_dir(const std::filesystem::path& dir, std::error_code& ec);

// Reads up to `size` bytes at `offset` of the file `path`, without following
// a final link. Returns how many were read (fewer at end of file); 0 and `ec`
// set when the file cannot be opened or read.
std::size_t read_file_bytes(const std::filesystem::path& path, std::uint64_t offset, unsigned char* buffer,
                            std::size_t size, std::error_code& ec);

} // namespace codexsync::scan::detail
