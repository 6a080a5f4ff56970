#pragma once

#include <codexsync/commands/command.hpp>
#include <codexsync/engine/restore.hpp>

// Shows and carries out a restore plan; shared by restore and recover rollback.
namespace codexsync::commands {

// Prints (or, with --json, emits) the plan; with `apply`, checks the config may
// write, carries it out and reports. Returns the exit code.
ExitCode run_restore_plan(Context& ctx, const engine::RestorePlan& plan, bool apply, std::string_view what);

} // namespace codexsync::commands
