#include "terminate_detail.hpp"

#include <csignal>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <optional>

namespace codexsync::process {
namespace detail {
namespace {

// What a dialog may print before it is cut off.
constexpr std::size_t k_error_output_at_most = 4096;

DialogAnswer ask_with(DialogProgram program, const std::filesystem::path& exe, const std::string& message) {
  util::RunOptions options;
  options.timeout = k_dialog_timeout;
  options.capture_stdout = false;
  options.output_at_most = k_error_output_at_most;
  return read_dialog_run(program, util::run_program(exe, dialog_arguments(program, message), options));
}

bool send_signal(const ProcessInfo& process, int signal_number) {
  if (is_protected_pid(process.pid) ||
      process.pid > static_cast<std::uint64_t>(std::numeric_limits<pid_t>::max())) {
    return false;
  }
  return ::kill(static_cast<pid_t>(process.pid), signal_number) == 0;
}

} // namespace

std::uint64_t parent_pid() { return static_cast<std::uint64_t>(::getppid()); }

DialogAnswer ask_with_dialog(const std::string& message, const util::Environment& env) {
#ifdef __APPLE__
  const std::filesystem::path osascript = util::find_program("osascript", env);
  if (osascript.empty()) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, "osascript is not on PATH"};
  }
  return ask_with(DialogProgram::osascript, osascript, message);
#else
  if (!env.get("DISPLAY") && !env.get("WAYLAND_DISPLAY")) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, "neither DISPLAY nor WAYLAND_DISPLAY is set"};
  }
  if (const std::filesystem::path zenity = util::find_program("zenity", env); !zenity.empty()) {
    return ask_with(DialogProgram::zenity, zenity, message);
  }
  if (const std::filesystem::path kdialog = util::find_program("kdialog", env); !kdialog.empty()) {
    return ask_with(DialogProgram::kdialog, kdialog, message);
  }
  return DialogAnswer{DialogAnswer::Kind::unavailable, "neither zenity nor kdialog is on PATH"};
#endif
}

} // namespace detail

bool ask_to_close(const ProcessInfo& process) { return detail::send_signal(process, SIGTERM); }

bool force_end(const ProcessInfo& process) { return detail::send_signal(process, SIGKILL); }

} // namespace codexsync::process
