#include "terminate_detail.hpp"

// Boost 1.81's Process v2 with BOOST_PROCESS_USE_STD_FS names boost::optional,
// boost::remove_pointer and std type traits without including them. GCC 12
// flags asio's inline code with -Wnull-dereference (a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>
#include <memory>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

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

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;

// How often run_program checks on the program, and how long it keeps reading
// stderr once the program has ended (a grandchild may hold the pipe open).
constexpr std::chrono::milliseconds k_check_interval{50};
constexpr std::chrono::milliseconds k_drain_time{500};
constexpr std::size_t k_error_output_at_most = 4096;

DialogAnswer ask_with(DialogProgram program, const std::filesystem::path& exe, const std::string& message) {
  return read_dialog_run(program, run_program(exe, dialog_arguments(program, message), k_dialog_timeout));
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

ProgramRun run_program(const std::filesystem::path& exe, const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout) {
  ProgramRun run;
  try {
    asio::io_context context;
    asio::readable_pipe error_pipe(context);
    bp::process child(context, exe, args, bp::process_stdio{nullptr, nullptr, error_pipe});
    run.started = true;

    // stderr is read as it comes, so a chatty program never blocks on a full pipe.
    std::array<char, 1024> buffer{};
    bool pipe_done = false;
    std::function<void(const boost::system::error_code&, std::size_t)> on_read =
        [&](const boost::system::error_code& ec, std::size_t size) {
          const std::size_t room =
              k_error_output_at_most - std::min(k_error_output_at_most, run.error_output.size());
          run.error_output.append(buffer.data(), std::min(size, room));
          if (ec) {
            pipe_done = true;
            return;
          }
          error_pipe.async_read_some(asio::buffer(buffer), on_read);
        };
    error_pipe.async_read_some(asio::buffer(buffer), on_read);

    // The program is checked on a timer (no SIGCHLD handler, no pidfd needed).
    const Clock::time_point started_at = Clock::now();
    std::optional<Clock::time_point> ended_at;
    asio::steady_timer tick(context);
    std::function<void(const boost::system::error_code&)> on_tick = [&](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      const Clock::time_point now = Clock::now();
      if (!ended_at) {
        boost::system::error_code check;
        if (!child.running(check) || check) {
          ended_at = now;
        } else if (!run.timed_out && now - started_at >= timeout) {
          run.timed_out = true;
          child.terminate(check);
        }
      }
      if (ended_at && (pipe_done || now - *ended_at >= k_drain_time)) {
        boost::system::error_code ignored;
        error_pipe.close(ignored);
        return;
      }
      tick.expires_after(k_check_interval);
      tick.async_wait(on_tick);
    };
    tick.expires_after(k_check_interval);
    tick.async_wait(on_tick);
    context.run();

    const int status = child.native_exit_code();
    if (ended_at && WIFEXITED(status)) {
      run.exited = true;
      run.exit_code = WEXITSTATUS(status);
    }
  } catch (const std::exception& e) {
    run.why = e.what();
  }
  return run;
}

DialogAnswer ask_with_dialog(const std::string& message, const util::Environment& env) {
#ifdef __APPLE__
  (void)env;
  const std::filesystem::path osascript = bp::environment::find_executable("osascript");
  if (osascript.empty()) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, "osascript is not on PATH"};
  }
  return ask_with(DialogProgram::osascript, osascript, message);
#else
  if (!env.get("DISPLAY") && !env.get("WAYLAND_DISPLAY")) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, "neither DISPLAY nor WAYLAND_DISPLAY is set"};
  }
  if (const std::filesystem::path zenity = bp::environment::find_executable("zenity"); !zenity.empty()) {
    return ask_with(DialogProgram::zenity, zenity, message);
  }
  if (const std::filesystem::path kdialog = bp::environment::find_executable("kdialog"); !kdialog.empty()) {
    return ask_with(DialogProgram::kdialog, kdialog, message);
  }
  return DialogAnswer{DialogAnswer::Kind::unavailable, "neither zenity nor kdialog is on PATH"};
#endif
}

} // namespace detail

bool ask_to_close(const ProcessInfo& process) { return detail::send_signal(process, SIGTERM); }

bool force_end(const ProcessInfo& process) { return detail::send_signal(process, SIGKILL); }

} // namespace codexsync::process
