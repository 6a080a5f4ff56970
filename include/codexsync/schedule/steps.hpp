#pragma once

#include <codexsync/schedule/task.hpp>
#include <codexsync/util/environment.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// What installing, removing or checking a task does, as an ordered list of
// steps. Building the list is pure; commands/schedule.cpp carries it out or
// prints it (--print).
namespace codexsync::schedule {

// Where a platform keeps its task files, and who the task is for.
struct Locations {
  std::filesystem::path task_file;   // the .service (Linux), the plist (macOS), the XML (Windows)
  std::filesystem::path timer_file;  // Linux only
  std::filesystem::path log_file;    // macOS: the task's stdout and stderr
  std::string user;                  // Windows: DOMAIN\user; POSIX: the numeric user id
};

// The locations for `platform` as seen from `env`: $XDG_CONFIG_HOME (default
// ~/.config)/systemd/user on Linux, ~/Library/LaunchAgents and
// ~/Library/Logs/codexsync on macOS, <user state dir>\schedule on Windows
// (a copy of the XML that was registered). `uid` is this process's user id on
// POSIX (nullopt on Windows). Throws RuntimeError when the home folder is unknown.
Locations locations_for(Platform platform, const util::Environment& env, std::optional<unsigned long> uid);

struct Step {
  enum class Kind { make_dir, write_file, remove_file, run };
  Kind kind = Kind::run;
  std::filesystem::path path;      // make_dir, write_file, remove_file
  std::string bytes;               // write_file: the file's exact bytes
  std::string text;                // write_file: the same as readable UTF-8 text (for --print)
  std::string program;             // run: looked up on PATH
  std::vector<std::string> args;   // run
  bool may_fail = false;           // run: failing is expected (e.g. "not loaded yet")
};

// Writes the task's files, then registers them with the OS.
std::vector<Step> install_steps(const TaskSpec& spec, const Locations& where);
// Unregisters the task, then removes the files install_steps wrote.
std::vector<Step> remove_steps(Platform platform, const Locations& where);

// The files install_steps writes (the ones `remove` deletes and `status` reads).
std::vector<std::filesystem::path> task_files(Platform platform, const Locations& where);

// The commands that tell whether the OS has the task registered and enabled;
// each answers with its exit code (0 = yes) and output.
struct Query {
  std::string what;  // "registered", "enabled", "active"
  Step step;
};
std::vector<Query> status_queries(Platform platform, const Locations& where);

// "systemctl --user enable codexsync-sync.timer": the step as one line, each
// word quoted when it needs it, the way the platform's shell reads it back.
std::string describe(const Step& step, Platform platform);

} // namespace codexsync::schedule
