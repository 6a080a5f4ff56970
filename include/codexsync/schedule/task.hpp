#pragma once

#include <codexsync/util/environment.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What a scheduled codexsync task is, independent of the OS that runs it.
// Pure data and text: nothing here touches the system.
namespace codexsync::schedule {

// The OS whose scheduler a task is for (named with util::os_name).
using Platform = util::Os;
enum class Mode { dry_run, apply };

// Reads util::os_name's spelling: "windows", "macos", "linux".
std::optional<Platform> parse_platform(std::string_view text);
// "dry-run", "apply".
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

// The shortest interval a task may have.
inline constexpr std::chrono::seconds k_min_interval{5 * 60};
// The longest (31 days; Task Scheduler and launchd take more, a sync should not).
inline constexpr std::chrono::seconds k_max_interval{31 * 24 * 3600};

// Parses "30m", "2h", "1h30m", "90s", "1d" (units s, m, h, d, each at most
// once, largest first). Returns nullopt for anything else, zero or overflow.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// "1h30m", "30m", "2h", "45s": the same spelling parse_duration reads.
std::string format_duration(std::chrono::seconds duration);

// The task's fixed names.
inline constexpr std::string_view k_launchd_label = "org.codexsync.sync";
inline constexpr std::string_view k_systemd_service = "codexsync-sync.service";
inline constexpr std::string_view k_systemd_timer = "codexsync-sync.timer";
inline constexpr std::string_view k_task_folder = "\\codexsync\\";
// The line every file we write carries, so `remove` touches only our files.
inline constexpr std::string_view k_marker = "Written by `codexsync schedule install`";

// The Task Scheduler path of this user's task: "\codexsync\codexsync sync (USER)".
// The user part keeps two accounts on one PC apart.
std::string windows_task_name(std::string_view user);

// One scheduled task.
struct TaskSpec {
  Platform platform = Platform::linux;
  Mode mode = Mode::dry_run;
  std::chrono::seconds every{30 * 60};
  bool at_login = false;
  std::filesystem::path binary;    // absolute: the codexsync the task runs
  std::filesystem::path config;    // absolute: passed with -c
  std::string user;                // Windows: DOMAIN\user (principal, logon trigger, task name)
  std::filesystem::path log_file;  // macOS: where launchd puts the task's stdout and stderr
  std::string start_boundary;      // Windows: local time "YYYY-MM-DDTHH:MM:SS" of the first run
};

// The arguments the task passes to codexsync:
// -c CONFIG --scheduled sync --dry-run|--apply
std::vector<std::string> task_arguments(const TaskSpec& spec);

// A random start delay that spreads machines: a tenth of the interval, at
// least 1 min, at most 5 min.
std::chrono::seconds random_delay(std::chrono::seconds every);

// What stops a spec from being installed (an interval out of range, paths
// that are not absolute on this computer, characters the platform's task
// format cannot carry); empty when it is fine.
std::vector<std::string> problems(const TaskSpec& spec);

} // namespace codexsync::schedule
