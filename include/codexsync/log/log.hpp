#pragma once

#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The only interface to logging. Only src/log/ includes spdlog.
namespace codexsync::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json, logfmt };
enum class Archive { text, zip };

// A structured field of a log record (`action`, `path`, `side`, ...). In text
// format it is appended as key=value; in json/logfmt it is its own key.
struct Field {
  std::string key;
  std::string value;
};

struct FileSettings {
  std::filesystem::path base_file;   // e.g. <workspace>/logs/codexsync.log
  std::string machine;               // raw machine id; sanitised for the file name
  Format format = Format::text;
  int retention_days = 7;            // 0 = never prune
  Archive archive = Archive::zip;
  std::uint64_t max_file_bytes = 10ULL * 1024 * 1024;
};

struct Settings {
  Level level = Level::info;         // threshold for the file (and for stderr unless set below)
  std::optional<Level> stderr_level; // a separate threshold for stderr, e.g. warnings only
  std::optional<FileSettings> file;  // no file logging when empty
  std::string machine;               // the `machine` field of json/logfmt records
};

// Starts stderr-only logging at `level` (before the config is read). Safe to call
// more than once.
void init_stderr(Level level);

// Applies settings once the config is known: stderr plus, when set, the rotating
// file. `clock` names files by local date and ages them; it must outlive logging.
// Throws codexsync::RuntimeError naming the path when the log folder cannot be
// created or the file cannot be opened.
void configure(const Settings& settings, const util::Clock& clock = util::system_clock());

// Flushes and closes the file; later records go to stderr only.
void shutdown();

void debug(std::string_view message, std::initializer_list<Field> fields = {});
void info(std::string_view message, std::initializer_list<Field> fields = {});
void warn(std::string_view message, std::initializer_list<Field> fields = {});
void error(std::string_view message, std::initializer_list<Field> fields = {});
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

// One line per dangerous file action (copy, overwrite, delete, backup, skip):
// fields action, path, side, plus any extra.
void file_action(Level level, std::string_view action, std::string_view path, std::string_view side,
                 std::string_view message, std::initializer_list<Field> extra = {});

// Writes one record to the log file only (not stderr), when file logging is on
// and `level` passes the file's threshold: for what the terminal already showed
// in another form, such as a command's final error and exit code.
void file_only(Level level, std::string_view message, std::initializer_list<Field> fields = {});

// Returns the current log file, if file logging is on (for doctor and messages).
std::optional<std::filesystem::path> current_file();

// --- pieces exposed for unit tests --------------------------------------------

// `<dir>/<stem>-<machine>-<date>[.<index>]<ext>`; index 0 is omitted; ext
// defaults to ".log" when base_file has none. `machine` is sanitised here.
std::filesystem::path log_file_name(const std::filesystem::path& base_file, std::string_view machine,
                                    std::string_view date, int index);

// Formats one record (without the trailing newline).
std::string format_record(Format format, Level level, std::string_view timestamp_utc,
                          std::string_view timestamp_local, std::string_view machine,
                          std::string_view message, const std::vector<Field>& fields);

// Parses "DEBUG|INFO|WARNING|ERROR" (case-insensitive; WARN accepted).
std::optional<Level> parse_level(std::string_view text);
std::string_view level_name(Level level);

} // namespace codexsync::log
