#pragma once

#include <codexsync/util/environment.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// Running another program and waiting for it, through Boost.Process v2. The
// only place that starts programs (dialogs, the OS scheduler tools, the
// notify command).
namespace codexsync::util {

// One run of a program.
struct ProgramRun {
  bool started = false;   // the OS started it
  bool timed_out = false; // killed after its timeout
  bool exited = false;    // ended on its own (not killed by a signal or by us)
  int exit_code = -1;     // when exited
  std::string output;     // what it wrote to stdout and stderr (the start of it)
  std::string why;        // when it could not be started or watched

  // True when it started, ended on its own and returned 0.
  bool ok() const { return started && exited && !timed_out && exit_code == 0; }
  // One line for a message: "exit code 3", "killed after 30 s", "could not start: …".
  std::string describe() const;
};

struct RunOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // Variables added to (or replacing those of) this process's environment.
  std::map<std::string, std::string> extra_env;
  // Collect stdout with stderr (otherwise stdout goes to the null device).
  bool capture_stdout = true;
  std::size_t output_at_most = 16 * 1024;
};

// Runs `exe` with `args` (no shell), stdin on the null device, collecting its
// output, and kills it after the timeout. Never throws.
ProgramRun run_program(const std::filesystem::path& exe, const std::vector<std::string>& args,
                       const RunOptions& options = {});

// Returns the full path of `name` found on env's PATH (on Windows also trying
// each PATHEXT extension), or an empty path. A name with a folder in it is
// returned as it is when that file exists.
std::filesystem::path find_program(std::string_view name, const Environment& env);

} // namespace codexsync::util
