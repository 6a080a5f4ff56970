#pragma once

#include <codexsync/schedule/task.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The files that describe a task to each OS's scheduler, and the reverse: what
// an installed file of ours says. Pure text functions.
namespace codexsync::schedule {

// Task Scheduler 1.4 XML, as UTF-8 text with CRLF line ends (the file on disk
// is to_utf16le_with_bom() of it: schtasks reads the XML as UTF-16).
std::string render_windows_task_xml(const TaskSpec& spec);
// UTF-16LE bytes with a byte-order mark. Invalid UTF-8 becomes U+FFFD.
std::string to_utf16le_with_bom(std::string_view utf8);
// The reverse; nullopt when the bytes are not UTF-16LE with a BOM.
std::optional<std::string> from_utf16le_with_bom(std::string_view bytes);

// The LaunchAgent property list (XML plist 1.0).
std::string render_launchd_plist(const TaskSpec& spec);

// The systemd user units.
std::string render_systemd_service(const TaskSpec& spec);
std::string render_systemd_timer(const TaskSpec& spec);

// The Windows command line for `args`, quoted the way CommandLineToArgvW and
// the C runtime split it back.
std::string windows_command_line(const std::vector<std::string>& args);

// What an installed task file of ours runs and how often.
struct InstalledTask {
  std::filesystem::path binary;
  std::vector<std::string> arguments;
  std::optional<std::chrono::seconds> every;
  bool at_login = false;
  bool ours = false;  // carries k_marker
};

// Reads back a file render_* wrote (or a person edited): the Windows XML as
// UTF-8 text, the plist, the systemd service (the timer for every/at_login
// through read_systemd_timer). nullopt when the file does not say what it runs.
std::optional<InstalledTask> read_windows_task_xml(std::string_view xml);
std::optional<InstalledTask> read_launchd_plist(std::string_view plist);
std::optional<InstalledTask> read_systemd_service(std::string_view unit);
void read_systemd_timer(std::string_view unit, InstalledTask& task);

} // namespace codexsync::schedule
