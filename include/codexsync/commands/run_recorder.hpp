#pragma once

#include <codexsync/commands/command.hpp>
#include <codexsync/state/run_record.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The run record of sync, restore, conflicts restore and doctor (state/run_record.hpp) and the
// notify command of scheduled runs (notify/notify.hpp), hooked once into
// cli::run, so a run is recorded however it ends.
namespace codexsync::commands {

// What a recorded command tells the run record besides its exit code.
struct RunFacts {
  std::string mode;                    // "apply", "dry-run"
  state::RunCounts counts;
  std::string first_error;             // the first per-file failure; doctor's first FAIL
  std::vector<std::string> conflicts;  // open conflicts (capped when recorded)
  // Set by `sync --all` once it records each profile's run itself: the
  // command as a whole then leaves no record of its own.
  bool recorded_per_profile = false;
};

// Returns the facts of `ctx`'s run when it is recorded, else nullptr.
inline RunFacts* run_facts(const Context& ctx) { return ctx.run_facts(); }

// True for the commands whose runs are recorded: sync, restore, conflicts
// restore (they write into the agent's folder) and doctor.
bool is_recorded(const std::vector<std::string>& command_path);

// The config file whose records a run uses: the discovered config, else the
// file -c or $CODEXSYNC_CONFIG names (missing), else nullopt (no config at
// all). Absolute, with `.`, `..` and links resolved. Never throws.
std::optional<std::filesystem::path> record_config_path(const GlobalOptions& global, const util::Environment& env);

// True when the last recorded sync of this config (and profile) did not end
// with exit 0: it may have found the cloud mirror other than the last clean
// run left it and stopped before it could say so, so the next sync lists the
// mirror in full. False when nothing is recorded. Never throws.
bool last_sync_unclean(Context& ctx);

// Records a finished run of `command` (path words joined by spaces) that
// started at `started` and ended with `exit_code`; `failure` is the message of
// the error that ended it ("" when none). Then, for a scheduled run that needs
// a person (notify::should_notify), runs `[notify] command`. Never throws and
// never changes the exit code: what fails is a warning on stderr and in the log.
void record_run(Context& ctx, const std::string& command, std::chrono::system_clock::time_point started,
                int exit_code, const std::string& failure);

} // namespace codexsync::commands
