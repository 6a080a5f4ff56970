#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace codexsync::util {

namespace fs = std::filesystem;

// Returns the path as UTF-8 with '/' separators, for messages, logs and JSON.
std::string display_path(const fs::path& path);

// Returns a path from UTF-8 text (on Windows the text is converted to UTF-16).
fs::path path_from_utf8(std::string_view text);

// The path to hand to the OS. On Windows: the extended-length form
// (`\\?\C:\...`, `\\?\UNC\server\...`, absolute and cleaned of `.`/`..`)
// once the path is long enough to hit MAX_PATH, so long paths work without
// the system-wide opt-in; shorter paths unchanged. POSIX: unchanged.
fs::path os_long_path(const fs::path& path);

// Removes a Windows extended-length prefix (`\\?\C:\x` -> `C:\x`,
// `\\?\UNC\srv\share` -> `\\srv\share`); other text is returned unchanged.
std::string strip_long_path_prefix(std::string_view text);

// Returns the path with symlinks resolved for the part that exists, and `.`/`..`
// folded for the rest (std::filesystem::weakly_canonical). Falls back to the
// lexically normal absolute path when the OS refuses. Never throws.
fs::path real_path(const fs::path& path);

// Returns true when `inner` equals `outer` or lies below it, comparing real
// paths component by component (case-insensitively on Windows and macOS,
// whose default volumes are). Never throws.
bool is_same_or_inside(const fs::path& inner, const fs::path& outer);

// Returns true when both name the same folder after real_path().
bool is_same_path(const fs::path& a, const fs::path& b);

// Reads a whole file. Returns nullopt and sets `ec` on failure.
std::optional<std::string> read_file(const fs::path& path, std::error_code& ec);

// Writes `content` to `path` atomically: a temp file beside the destination,
// flushed to disk, then renamed over it. On failure the destination is
// untouched, the temp file is removed, and `ec` says why. `mode` is the POSIX
// permission for a new file (ignored on Windows).
void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec,
                       int mode = 0644);

// write_file_atomic in pieces, for a file too large to hold twice in memory:
// write() appends to a temp file beside `path`; commit() flushes it to disk
// and renames it over `path`. Without a successful commit() (an error, an
// exception) the temp file is removed and `path` is untouched. After an
// error every later call does nothing and commit() gives that error.
class AtomicFileWriter {
public:
  explicit AtomicFileWriter(fs::path path, int mode = 0644);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view data);
  // For text made piece by piece: writes `buffer` and empties it once it
  // holds k_chunk bytes or more (the caller writes the rest at the end).
  static constexpr std::size_t k_chunk = std::size_t{1} << 20;
  void write_if_full(std::string& buffer) {
    if (buffer.size() >= k_chunk) {
      write(buffer);
      buffer.clear();
    }
  }
  // Sets `ec` when anything failed since the file was opened.
  void commit(std::error_code& ec);

private:
  void fail(std::error_code ec);
  void discard();

  fs::path m_path;
  fs::path m_temp;
  std::intptr_t m_handle = -1;  // a POSIX fd or a Windows HANDLE; -1 when none
  std::error_code m_error;
};

// Makes `path`'s folder when it is missing, then writes `path` atomically
// with what `fill` hands the writer. `ec` says why it failed (the folder, a
// write, the commit); `path` is then untouched and no temp file is left, also
// when `fill` throws (the exception goes on).
void write_file_in_pieces(const fs::path& path, const std::function<void(AtomicFileWriter&)>& fill,
                          std::error_code& ec);

// Makes the entries created or renamed in the folder `dir` durable: an fsync
// of the folder on POSIX, nothing on Windows (NTFS journals its metadata).
// Best effort: never throws, errors are ignored.
void sync_dir(const fs::path& dir);

enum class Access { read, write };

// Returns true when this process may read (list) or write (create files in) the
// existing folder `dir`, asking the OS without creating anything. Never throws.
bool can_access_dir(const fs::path& dir, Access access);

// codexsync's temp files are `.<name>.codexsync-tmp-<12 lower-case hex>`,
// beside the file they become; the scanner never indexes them and the temp
// sweep removes only them.
inline constexpr std::string_view k_temp_marker = ".codexsync-tmp-";
inline constexpr std::size_t k_temp_hex_bytes = 6;  // 12 hex digits

// Returns a fresh temp suffix: ".codexsync-tmp-<12 hex>".
std::string temp_suffix();

// True for exactly the temp-name shape above, with a non-empty <name>.
bool is_temp_name(std::string_view name);

// Returns the nearest path at or above `path` (made absolute) that exists,
// without following a final link; empty when none does. Never throws.
fs::path nearest_existing(const fs::path& path);

// Returns a short random hex string (for temp names and ids).
std::string random_hex(std::size_t bytes);

} // namespace codexsync::util
