#include <codexsync/notify/notify.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <chrono>

namespace codexsync::notify {

bool should_notify(const state::RunRecord& run) {
  if (!run.scheduled) {
    return false;
  }
  switch (run.code()) {
  case ExitCode::ok: return false;
  case ExitCode::agent_running: return run.streak >= 2;
  case ExitCode::runtime_error:
  case ExitCode::conflict:
  case ExitCode::invalid_config:
  case ExitCode::fail_safe: return true;
  }
  return true;  // a code codexsync does not give: someone should look
}

std::string message(const state::RunRecord& run) {
  auto text = fmt::format("{}{} ended with exit {} ({})", run.command_line(),
                          run.machine.empty() ? std::string() : " on " + run.machine, run.exit_code,
                          exit_code_title(run.code()));
  if (!run.first_error.empty()) {
    text += ": " + run.first_error;
  }
  if (run.scheduled && run.streak >= 2) {
    text += fmt::format(" ({} scheduled runs in a row)", run.streak);
  }
  return text;
}

std::map<std::string, std::string> environment(const state::RunRecord& run,
                                               const std::filesystem::path& record_file) {
  return {{"CODEXSYNC_EXIT_CODE", std::to_string(run.exit_code)},
          {"CODEXSYNC_OUTCOME", std::string(exit_code_name(run.code()))},
          {"CODEXSYNC_COMMAND", run.command_line()},
          {"CODEXSYNC_MACHINE", run.machine},
          {"CODEXSYNC_MESSAGE", message(run)},
          {"CODEXSYNC_RUN_RECORD", util::display_path(record_file)},
          {"CODEXSYNC_CONFIG", run.config}};
}

Invocation invocation(const config::Notify& command, const util::Environment& env) {
  Invocation out;
  if (!command.shell_command.empty()) {
    if (env.os == util::Os::windows) {
      const auto comspec = env.get("ComSpec");  // the full path of cmd.exe, set by Windows
      out.exe = comspec ? util::path_from_utf8(*comspec) : util::find_program("cmd.exe", env);
      out.args = {"/d", "/s", "/c", command.shell_command};
    } else {
      out.exe = "/bin/sh";
      out.args = {"-c", command.shell_command};
    }
  } else if (!command.argv.empty()) {
    out.exe = util::find_program(command.argv.front(), env);
    out.args.assign(command.argv.begin() + 1, command.argv.end());
  }
  if (out.exe.empty()) {
    out.problem = command.configured()
                    ? fmt::format("\"{}\" was not found (not on PATH, or not a program)",
                                  command.shell_command.empty() ? command.argv.front() : "cmd.exe")
                    : "no notify.command is configured";
  }
  return out;
}

util::ProgramRun run(const config::Notify& command, const std::map<std::string, std::string>& variables,
                     const util::Environment& env) {
  const auto how = invocation(command, env);
  if (how.exe.empty()) {
    util::ProgramRun failed;
    failed.why = how.problem;
    return failed;
  }
  util::RunOptions options;
  options.timeout = std::chrono::seconds(command.timeout_seconds);
  options.extra_env = variables;
  options.output_at_most = 4096;
  return util::run_program(how.exe, how.args, options);
}

} // namespace codexsync::notify
