#include <codexsync/util/subprocess.hpp>

#include "subprocess_os.hpp"

// Only process.hpp and stdio.hpp: Boost 1.81's environment.hpp does not compile
// for Windows, so this process's environment comes from subprocess_os.hpp.
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
#include <boost/asio/connect_pipe.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <functional>
#include <optional>
#include <set>
#include <system_error>

namespace codexsync::util {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;

// How often the program is checked on, and how long its output is still read
// once it has ended (a grandchild may hold the pipe open).
constexpr std::chrono::milliseconds k_check_interval{25};
constexpr std::chrono::milliseconds k_drain_time{500};

// This process's environment with `extra` laid over it, as NAME=VALUE lines.
std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> lines;
  std::set<std::string> replaced;
  for (const auto& [name, value] : extra) {
    replaced.insert(detail::env_key(name));
  }
  for (const std::string& text : detail::current_environment()) {
    const std::size_t eq = text.find('=', 1);
    const std::string name = eq == std::string::npos ? text : text.substr(0, eq);
    if (!replaced.contains(detail::env_key(name))) {
      lines.push_back(text);
    }
  }
  for (const auto& [name, value] : extra) {
    lines.push_back(name + "=" + value);
  }
  return lines;
}

// Hands a whole environment block to the launcher. (Boost's own
// process_environment does the same, but its setup function is compiled only
// into the separate library in Boost 1.81-1.88, so it does not link header-only.)
class EnvironmentBlock {
public:
  explicit EnvironmentBlock(const std::vector<std::string>& lines) {
#ifdef _WIN32
    for (const std::string& line : lines) {
      const std::wstring wide = wide_from_utf8(line);
      m_block.insert(m_block.end(), wide.begin(), wide.end());
      m_block.push_back(L'\0');
    }
    m_block.push_back(L'\0');
#else
    m_lines = lines;
    for (const std::string& line : m_lines) {
      m_pointers.push_back(line.c_str());
    }
    m_pointers.push_back(nullptr);
#endif
  }

#ifdef _WIN32
  bp::error_code on_setup(bp::windows::default_launcher& launcher, const std::filesystem::path&,
                          const std::wstring&) {
    launcher.creation_flags |= CREATE_UNICODE_ENVIRONMENT;
    launcher.environment = m_block.data();
    return {};
  }
#else
  bp::error_code on_setup(bp::posix::default_launcher& launcher, const std::filesystem::path&,
                          const char* const*) {
    launcher.env = m_pointers.data();
    return {};
  }
#endif

private:
#ifdef _WIN32
  std::vector<wchar_t> m_block;
#else
  std::vector<std::string> m_lines;
  std::vector<const char*> m_pointers;
#endif
};

} // namespace

std::string ProgramRun::describe() const {
  if (!started) {
    return "could not start: " + (why.empty() ? std::string("unknown reason") : why);
  }
  if (timed_out) {
    return "did not finish in time and was stopped";
  }
  if (!exited) {
    return why.empty() ? std::string("was killed") : why;
  }
  return fmt::format("exit code {}", exit_code);
}

ProgramRun run_program(const std::filesystem::path& exe, const std::vector<std::string>& args,
                       const RunOptions& options) {
  ProgramRun run;
  try {
    asio::io_context context;
    // One pipe takes both stdout and stderr, so the output keeps its order.
    asio::readable_pipe out_pipe(context);
    asio::writable_pipe child_end(context);
    asio::connect_pipe(out_pipe, child_end);
    std::optional<bp::process> started;
    const auto launch = [&](bp::process_stdio stdio) {
      if (options.extra_env.empty()) {
        started.emplace(context, exe, args, std::move(stdio));
      } else {
        started.emplace(context, exe, args, std::move(stdio),
                        EnvironmentBlock(merged_environment(options.extra_env)));
      }
    };
    if (options.capture_stdout) {
      launch(bp::process_stdio{nullptr, child_end, child_end});
    } else {
      launch(bp::process_stdio{nullptr, nullptr, child_end});
    }
    child_end.close();
    bp::process& child = *started;
    run.started = true;

    // Output is read as it comes, so a chatty program never blocks on a full pipe.
    std::array<char, 1024> buffer{};
    bool pipe_done = false;
    std::function<void(const boost::system::error_code&, std::size_t)> on_read =
        [&](const boost::system::error_code& ec, std::size_t size) {
          const std::size_t room = options.output_at_most - std::min(options.output_at_most, run.output.size());
          run.output.append(buffer.data(), std::min(size, room));
          if (ec) {
            pipe_done = true;
            return;
          }
          out_pipe.async_read_some(asio::buffer(buffer), on_read);
        };
    out_pipe.async_read_some(asio::buffer(buffer), on_read);

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
        } else if (!run.timed_out && now - started_at >= options.timeout) {
          run.timed_out = true;
          child.terminate(check);
        }
      }
      if (ended_at && (pipe_done || now - *ended_at >= k_drain_time)) {
        boost::system::error_code ignored;
        out_pipe.close(ignored);
        return;
      }
      tick.expires_after(k_check_interval);
      tick.async_wait(on_tick);
    };
    tick.expires_after(k_check_interval);
    tick.async_wait(on_tick);
    context.run();

    if (ended_at && !run.timed_out) {
      if (const std::optional<int> code = detail::exit_code_of(child.native_exit_code())) {
        run.exited = true;
        run.exit_code = *code;
      } else {
        run.why = "was killed by a signal";
      }
    }
  } catch (const std::exception& e) {
    run.why = e.what();
  }
  return run;
}

std::filesystem::path find_program(std::string_view name, const Environment& env) {
  const std::filesystem::path as_given{std::string(name)};
  std::error_code ec;
  if (as_given.has_parent_path()) {
    return std::filesystem::is_regular_file(as_given, ec) ? as_given : std::filesystem::path{};
  }
  const std::optional<std::string> path_var = env.get("PATH");
  if (!path_var) {
    return {};
  }
  const char separator = env.os == Os::windows ? ';' : ':';
  std::vector<std::string> extensions{""};
  if (env.os == Os::windows && as_given.extension().empty()) {
    const std::string pathext = env.get("PATHEXT").value_or(".COM;.EXE;.BAT;.CMD");
    extensions.clear();
    std::size_t from = 0;
    while (from <= pathext.size()) {
      const std::size_t to = std::min(pathext.find(';', from), pathext.size());
      if (to > from) {
        extensions.push_back(pathext.substr(from, to - from));
      }
      from = to + 1;
    }
  }
  std::size_t from = 0;
  while (from <= path_var->size()) {
    const std::size_t to = std::min(path_var->find(separator, from), path_var->size());
    const std::string folder = path_var->substr(from, to - from);
    from = to + 1;
    if (folder.empty()) {
      continue;
    }
    for (const std::string& extension : extensions) {
      std::filesystem::path candidate = std::filesystem::path(folder) / (std::string(name) + extension);
      if (std::filesystem::is_regular_file(candidate, ec) && detail::is_executable(candidate)) {
        return candidate;
      }
    }
  }
  return {};
}

} // namespace codexsync::util
