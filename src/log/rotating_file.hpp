#pragma once

#include "append_file.hpp"

#include <codexsync/log/log.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/file_lock.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codexsync::log::detail {

// The log file of one stem and machine, shared safely by every process that
// logs there. Each write takes the lock file `<dir>/.<stem>-<machine>.lock`,
// then (re)checks which file is current, rolls over, archives and prunes when
// needed, and appends one complete line. The active file is never renamed or
// truncated; rolled files are zipped (archive = zip) only under the lock.
class RotatingFile {
public:
  // Creates the folder, opens today's file, archives stale logs and prunes.
  // Throws RuntimeError naming the path when the folder or file cannot be
  // created or opened.
  RotatingFile(const FileSettings& settings, const util::Clock& clock);
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  // Appends `line` and a newline as one write, first moving to a new file when
  // the local date of `now` changed, the line would overflow max_file_bytes, or
  // another process already moved on. Throws RuntimeError when the file cannot
  // be locked, opened or written. Does nothing after close().
  void write(std::string_view line, std::chrono::system_clock::time_point now);

  // Returns the active file; empty after close().
  std::filesystem::path path() const;

  // Closes the file. Later writes are dropped.
  void close();

private:
  struct Entry {
    std::filesystem::path path;
    std::string date;
    int index = 0;
    bool zipped = false;
  };

  std::optional<Entry> parse_name(const std::filesystem::path& path) const;
  std::vector<Entry> scan() const;
  std::filesystem::path name_for(std::string_view date, int index) const;
  bool fits(std::uint64_t size, std::uint64_t record) const;
  bool still_current() const;
  void lock(util::FileLock& lock) const;
  // Opens the file `date` should be written to; returns true when it changed.
  bool select(const std::string& date, std::uint64_t record);
  void housekeeping(const std::string& today);
  std::vector<Entry> prune(std::vector<Entry> entries, const std::string& today);
  void archive(const Entry& entry);

  mutable std::mutex m_mutex;
  FileSettings m_settings;
  const util::Clock& m_clock;
  std::filesystem::path m_dir;
  std::filesystem::path m_lock_path;
  std::string m_prefix; // "<stem>-<machine>-" in UTF-8
  std::string m_ext;    // ".log" in UTF-8
  AppendFile m_file;
  std::filesystem::path m_path;
  std::string m_date;
  int m_index = 0;
  bool m_closed = false;
};

// Writes a zip at `zip_path` holding `source` as the single entry
// `entry_name`. Returns false and sets `error` on failure (the caller removes
// any partial zip).
bool zip_one_file(const std::filesystem::path& source, const std::filesystem::path& zip_path,
                  const std::string& entry_name, std::string& error);

} // namespace codexsync::log::detail
