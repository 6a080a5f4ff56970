#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/state/run_record.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/subprocess.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

// `[notify] command`: what runs after a scheduled run that needs a person.
// The decision and the command's environment are pure functions; run() starts
// the program (through util::run_program, with the configured timeout).
namespace codexsync::notify {

// True when `run` calls the notify command: only scheduled runs; exit 1, 2, 4
// and 5 always; exit 3 (agent running) only when the scheduled run before it
// ended with 3 too (streak >= 2); never exit 0.
bool should_notify(const state::RunRecord& run);

// One line for a person: "sync --apply on laptop ended with exit 2 (conflict
// left open): <first error>".
std::string message(const state::RunRecord& run);

// The variables the command gets: CODEXSYNC_EXIT_CODE, CODEXSYNC_OUTCOME,
// CODEXSYNC_COMMAND, CODEXSYNC_MACHINE, CODEXSYNC_MESSAGE,
// CODEXSYNC_RUN_RECORD (`record_file`), CODEXSYNC_CONFIG.
std::map<std::string, std::string> environment(const state::RunRecord& run,
                                               const std::filesystem::path& record_file);

// The program and its arguments for `command` on `env.os`: a shell string
// through `/bin/sh -c` (POSIX) or `cmd.exe /d /s /c` (Windows, %ComSpec% when
// set); a list as it is, its program looked up on PATH when it has no folder.
// `exe` is empty and `problem` says why when the program cannot be found.
struct Invocation {
  std::filesystem::path exe;
  std::vector<std::string> args;
  std::string problem;
};
Invocation invocation(const config::Notify& command, const util::Environment& env);

// Runs the configured command with `variables` added to the environment,
// stdin empty, stopped after its timeout. Never throws; a program that cannot
// be found is reported as not started.
util::ProgramRun run(const config::Notify& command, const std::map<std::string, std::string>& variables,
                     const util::Environment& env);

} // namespace codexsync::notify
