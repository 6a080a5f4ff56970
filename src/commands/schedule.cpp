#include <codexsync/commands/command.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/schedule/render.hpp>
#include <codexsync/schedule/steps.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/self.hpp>
#include <codexsync/util/subprocess.hpp>
#include <codexsync/util/text.hpp>

#include "schedule_summary.hpp"

#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <ostream>

namespace codexsync::commands {
namespace {

using schedule::Platform;
using schedule::Step;

constexpr std::chrono::seconds k_tool_timeout{60};

// The --platform option, shared by the three commands.
struct PlatformOption {
  std::string value;

  void add(CLI::App& app) {
    app.add_option("--platform", value, "windows, macos or linux (default: this OS)")
        ->check(CLI::IsMember({"windows", "macos", "linux"}));
  }
  Platform get(const Context& ctx) const {
    return value.empty() ? ctx.env().os : *schedule::parse_platform(value);
  }
};

// Registering needs the OS whose scheduler it is.
void require_native(const Context& ctx, Platform platform, std::string_view command) {
  if (platform != ctx.env().os) {
    throw UsageError(fmt::format("`schedule {}` can only register a task with this computer's scheduler ({}); add "
                                 "--print to see what it would do on {}",
                                 command, util::os_name(ctx.env().os),
                                 util::os_name(platform)));
  }
}

schedule::Locations locations(const Context& ctx, Platform platform) {
  return schedule::locations_for(platform, ctx.env(), util::current_user_id());
}

// The program the task runs: --binary, else this codexsync. On Windows the
// windowless twin codexsyncw.exe beside it is preferred (no console flashes up).
std::filesystem::path task_binary(Platform platform, const std::string& given) {
  if (!given.empty()) {
    std::filesystem::path path = util::real_path(given);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw UsageError(fmt::format("--binary {}: no such program", util::display_path(path)));
    }
    return path;
  }
  const std::optional<std::filesystem::path> self = util::current_executable();
  if (!self) {
    throw RuntimeError("cannot tell where this codexsync program is; pass --binary PATH");
  }
  if (platform == Platform::windows) {
    std::filesystem::path windowless = self->parent_path() / "codexsyncw.exe";
    std::error_code ec;
    if (std::filesystem::is_regular_file(windowless, ec)) {
      return windowless;
    }
  }
  return *self;
}

// "2026-11-24T14:05:00": the next whole minute, local time, for StartBoundary.
std::string start_boundary(const Context& ctx) {
  const auto now = std::chrono::system_clock::to_time_t(ctx.clock().now() + std::chrono::seconds(60));
  std::tm local{};
#ifdef _WIN32
  localtime_s(&local, &now);
#else
  localtime_r(&now, &local);
#endif
  local.tm_sec = 0;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}", local);
}

// A task file's text ("" when it cannot be read); the Windows XML is decoded
// from UTF-16.
std::string read_task_text(const std::filesystem::path& path) {
  std::error_code ec;
  std::string bytes = util::read_file(path, ec).value_or("");
  if (auto decoded = schedule::from_utf16le_with_bom(bytes)) {
    return std::move(*decoded);
  }
  return bytes;
}

// What one of our task files says it runs; nullopt when it is missing or unreadable.
std::optional<schedule::InstalledTask> read_installed(Platform platform, const schedule::Locations& where) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(where.task_file, ec)) {
    return std::nullopt;
  }
  const std::string text = read_task_text(where.task_file);
  switch (platform) {
  case Platform::linux: {
    auto task = schedule::read_systemd_service(text);
    if (task && std::filesystem::is_regular_file(where.timer_file, ec)) {
      schedule::read_systemd_timer(read_task_text(where.timer_file), *task);
    }
    return task;
  }
  case Platform::macos:
    return schedule::read_launchd_plist(text);
  case Platform::windows:
    return schedule::read_windows_task_xml(text);
  }
  return std::nullopt;
}

// Runs one step's program. Throws RuntimeError when the program is missing or,
// unless the step may fail, when it fails.
util::ProgramRun run_step(const Context& ctx, const Step& step, Platform platform) {
  const std::filesystem::path program = util::find_program(step.program, ctx.env());
  if (program.empty()) {
    throw RuntimeError(fmt::format("{} is no longer on PATH; run the command again", step.program));
  }
  util::RunOptions options;
  options.timeout = k_tool_timeout;
  util::ProgramRun result = util::run_program(program, step.args, options);
  log::info("schedule: ran a platform tool", {{"command", schedule::describe(step, platform)},
                                               {"result", result.describe()},
                                               {"output", std::string(util::trim(result.output))}});
  if (!result.started || (!result.ok() && !step.may_fail)) {
    const bool no_user_manager = step.program == "systemctl" && result.output.find("bus") != std::string::npos;
    throw RuntimeError(fmt::format("`{}` failed ({}){}{}{}", schedule::describe(step, platform), result.describe(),
                                   util::trim(result.output).empty() ? "" : ":\n  ", util::trim(result.output),
                                   no_user_manager ? "\nsystemctl cannot reach your user manager: run this in your "
                                                     "own session (not through sudo or su), or enable it for SSH "
                                                     "sessions with `loginctl enable-linger $USER`"
                                                   : ""));
  }
  return result;
}

// Carries out the steps in order; returns what was done, one line each. Every
// program the steps need is looked for first, so a missing one changes nothing.
std::vector<std::string> carry_out(const Context& ctx, const std::vector<Step>& steps, Platform platform) {
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::run && util::find_program(step.program, ctx.env()).empty()) {
      throw RuntimeError(fmt::format("{} was not found on PATH, so nothing was changed. Is this the right OS "
                                     "(--platform)? `--print` shows the files and commands to use by hand",
                                     step.program));
    }
  }
  std::vector<std::string> done;
  for (const Step& step : steps) {
    std::error_code ec;
    switch (step.kind) {
    case Step::Kind::make_dir:
      std::filesystem::create_directories(step.path, ec);
      if (ec) {
        throw RuntimeError(fmt::format("cannot create {}: {}", util::display_path(step.path), ec.message()));
      }
      continue;
    case Step::Kind::write_file:
      util::write_file_atomic(step.path, step.bytes, ec);
      if (ec) {
        throw RuntimeError(fmt::format("cannot write {}: {}; nothing was registered", util::display_path(step.path),
                                       ec.message()));
      }
      break;
    case Step::Kind::remove_file:
      if (!std::filesystem::remove(step.path, ec) && !ec) {
        continue;  // already gone
      }
      if (ec) {
        throw RuntimeError(fmt::format("cannot remove {}: {}", util::display_path(step.path), ec.message()));
      }
      break;
    case Step::Kind::run: {
      const util::ProgramRun result = run_step(ctx, step, platform);
      if (!result.ok()) {
        done.push_back(fmt::format("{} ({}; fine here)", schedule::describe(step, platform), result.describe()));
        continue;
      }
      break;
    }
    }
    done.push_back(schedule::describe(step, platform));
  }
  return done;
}

void print_steps(Context& ctx, const std::vector<Step>& steps, Platform platform) {
  if (ctx.global().json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Step& step : steps) {
      nlohmann::json item{{"action", schedule::describe(step, platform)}};
      if (step.kind == Step::Kind::write_file) {
        item["path"] = step.path.string();
        item["content"] = step.text;
        item["encoding"] = step.bytes == step.text ? "UTF-8" : "UTF-16LE with BOM";
      } else if (step.kind == Step::Kind::run) {
        nlohmann::json argv = nlohmann::json::array({step.program});
        for (const auto& arg : step.args) {
          argv.push_back(arg);
        }
        item["run"] = argv;
        item["may_fail"] = step.may_fail;
      }
      list.push_back(item);
    }
    ctx.out() << nlohmann::json{{"platform", util::os_name(platform)}, {"registered", false}, {"steps", list}}
                     .dump(2)
              << '\n';
    return;
  }
  ctx.out() << fmt::format("# For {}; --print registers nothing. The steps, in order:\n",
                           util::os_name(platform));
  int number = 0;
  for (const Step& step : steps) {
    ctx.out() << fmt::format("\n# {}. {}{}\n", ++number, schedule::describe(step, platform),
                             step.may_fail ? "   (failing here is fine)" : "");
    if (step.kind == Step::Kind::write_file) {
      if (step.bytes != step.text) {
        ctx.out() << "#    (written as UTF-16LE with a byte-order mark; shown here as UTF-8)\n";
      }
      std::string text = step.text;
      text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
      ctx.out() << text;
    }
  }
}

// Refuses to touch task files that `install` did not write.
void require_ours(Platform platform, const schedule::Locations& where) {
  for (const auto& file : schedule::task_files(platform, where)) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      continue;
    }
    if (read_task_text(file).find(schedule::k_marker) == std::string::npos) {
      throw FailSafeError(fmt::format("{} was not written by `codexsync schedule install`, so it is left alone; "
                                      "look at it and remove it yourself if it is not needed",
                                      util::display_path(file)));
    }
  }
}

class ScheduleInstallCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"schedule", "install"}; }
  std::string summary() const override {
    return "Register a periodic sync with the OS scheduler (Task Scheduler, launchd, systemd)";
  }
  std::string example() const override { return "codexsync schedule install --every 30m --at-login --mode apply"; }
  void add_options(CLI::App& app) override {
    app.add_option("--mode", m_mode, "dry-run (the default: the task only looks) or apply (it writes)")
        ->check(CLI::IsMember({"dry-run", "apply"}));
    app.add_option("--every", m_every, "How often: 30m (the default), 2h, 1h30m; at least 5m");
    app.add_flag("--at-login", m_at_login, "Also run soon after you sign in");
    m_platform.add(app);
    app.add_flag("--print", m_print, "Print the files and commands it would use; register nothing");
    app.add_option("--binary", m_binary, "The codexsync program the task runs (default: this one)");
  }

  ExitCode run(Context& ctx) override {
    schedule::TaskSpec spec;
    spec.platform = m_platform.get(ctx);
    spec.mode = *schedule::parse_mode(m_mode);
    const auto every = schedule::parse_duration(m_every);
    if (!every) {
      throw UsageError(fmt::format("--every {}: not a duration; write it like 30m, 2h or 1h30m", m_every));
    }
    spec.every = *every;
    spec.at_login = m_at_login;
    if (!m_print) {
      require_native(ctx, spec.platform, "install");
    }
    // The task must start from a config that works: check it now, not at 3 am.
    const config::Config& cfg = ctx.config();
    if (spec.mode == schedule::Mode::apply) {
      config::require_writable(cfg);
    }
    spec.config = cfg.source_file;
    spec.binary = task_binary(spec.platform, m_binary);
    const schedule::Locations where = locations(ctx, spec.platform);
    spec.user = where.user;
    spec.log_file = where.log_file;
    spec.start_boundary = start_boundary(ctx);
    if (const auto problems = schedule::problems(spec); !problems.empty()) {
      throw UsageError(fmt::format("cannot schedule this task: {}", fmt::join(problems, "; ")));
    }
    const std::vector<Step> steps = schedule::install_steps(spec, where);
    if (m_print) {
      print_steps(ctx, steps, spec.platform);
      return ExitCode::ok;
    }
    require_ours(spec.platform, where);
    ctx.start_file_logging();
    const std::vector<std::string> done = carry_out(ctx, steps, spec.platform);
    log::info("schedule installed", {{"platform", std::string(util::os_name(spec.platform))},
                                     {"every", schedule::format_duration(spec.every)},
                                     {"mode", std::string(schedule::to_string(spec.mode))}});
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"platform", util::os_name(spec.platform)}, {"registered", true},
                                  {"every_seconds", spec.every.count()}, {"at_login", spec.at_login},
                                  {"mode", schedule::to_string(spec.mode)}, {"binary", spec.binary.string()},
                                  {"config", spec.config.string()}, {"done", done}}
                       .dump(2)
                << '\n';
      return ExitCode::ok;
    }
    ctx.out() << fmt::format("Scheduled: codexsync sync ({}) every {}{}.\n  runs    {} {}\n",
                             schedule::to_string(spec.mode), schedule::format_duration(spec.every),
                             spec.at_login ? " and after sign-in" : "", util::display_path(spec.binary),
                             util::join(schedule::task_arguments(spec), " "));
    for (const auto& line : done) {
      ctx.out() << "  done    " << line << '\n';
    }
    if (spec.mode == schedule::Mode::dry_run) {
      ctx.out() << "It only looks (dry run). When its plans look right: "
                   "`codexsync schedule install --mode apply`.\n";
    }
    ctx.out() << "Check on it with `codexsync schedule status` and `codexsync status`.\n";
    return ExitCode::ok;
  }

private:
  std::string m_mode = "dry-run";
  std::string m_every = "30m";
  bool m_at_login = false;
  PlatformOption m_platform;
  bool m_print = false;
  std::string m_binary;
};

class ScheduleRemoveCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"schedule", "remove"}; }
  std::string summary() const override { return "Unregister the periodic sync and delete the files install wrote"; }
  std::string example() const override { return "codexsync schedule remove"; }
  void add_options(CLI::App& app) override {
    m_platform.add(app);
    app.add_flag("--print", m_print, "Print the commands it would run; change nothing");
  }

  ExitCode run(Context& ctx) override {
    const Platform platform = m_platform.get(ctx);
    if (!m_print) {
      require_native(ctx, platform, "remove");
    }
    const schedule::Locations where = locations(ctx, platform);
    const std::vector<Step> steps = schedule::remove_steps(platform, where);
    if (m_print) {
      print_steps(ctx, steps, platform);
      return ExitCode::ok;
    }
    require_ours(platform, where);
    const std::vector<std::string> done = carry_out(ctx, steps, platform);
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"platform", util::os_name(platform)}, {"removed", true}, {"done", done}}
                       .dump(2)
                << '\n';
      return ExitCode::ok;
    }
    ctx.out() << "The scheduled sync is removed.\n";
    for (const auto& line : done) {
      ctx.out() << "  done    " << line << '\n';
    }
    return ExitCode::ok;
  }

private:
  PlatformOption m_platform;
  bool m_print = false;
};

class ScheduleStatusCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"schedule", "status"}; }
  std::string summary() const override {
    return "Say whether the periodic sync is installed and runs this codexsync with this config";
  }
  std::string example() const override { return "codexsync schedule status"; }
  void add_options(CLI::App& app) override { m_platform.add(app); }

  ExitCode run(Context& ctx) override {
    const Platform platform = m_platform.get(ctx);
    const schedule::Locations where = locations(ctx, platform);
    const std::optional<schedule::InstalledTask> task = read_installed(platform, where);
    std::error_code ec;
    const bool file_present = std::filesystem::exists(where.task_file, ec);

    // What this codexsync and this config are, to compare with the task's.
    std::optional<std::filesystem::path> config_file;
    try {
      config_file = ctx.discovery().path;
    } catch (const Error&) {
    }
    const std::optional<std::filesystem::path> self = util::current_executable();
    const auto same_file = [](const std::filesystem::path& a, const std::filesystem::path& b) {
      std::error_code ignored;
      return std::filesystem::equivalent(a, b, ignored);
    };
    const auto task_config = [&]() -> std::optional<std::string> {
      if (!task) {
        return std::nullopt;
      }
      for (std::size_t i = 0; i + 1 < task->arguments.size(); ++i) {
        if (task->arguments[i] == "-c") {
          return task->arguments[i + 1];
        }
      }
      return std::nullopt;
    }();
    const bool binary_exists = task && std::filesystem::is_regular_file(task->binary, ec);
    const bool binary_is_this =
        task && self &&
        (same_file(task->binary, *self) || same_file(task->binary, self->parent_path() / "codexsyncw.exe"));
    const bool config_is_this = task_config && config_file && same_file(*task_config, *config_file);

    // Ask the OS (only the OS this runs on has the tool).
    nlohmann::json answers = nlohmann::json::object();
    std::vector<std::string> answer_lines;
    bool tool_failed = false;
    if (platform == ctx.env().os) {
      for (const schedule::Query& query : schedule::status_queries(platform, where)) {
        const std::filesystem::path program = util::find_program(query.step.program, ctx.env());
        if (program.empty()) {
          tool_failed = true;
          answer_lines.push_back(fmt::format("{}: cannot tell, {} is not on PATH", query.what, query.step.program));
          answers[query.what] = nullptr;
          continue;
        }
        util::RunOptions options;
        options.timeout = k_tool_timeout;
        const util::ProgramRun result = util::run_program(program, query.step.args, options);
        if (!result.started || result.timed_out) {
          tool_failed = true;
          answer_lines.push_back(fmt::format("{}: cannot tell, `{}` {}", query.what, schedule::describe(query.step, platform),
                                             result.describe()));
          answers[query.what] = nullptr;
          continue;
        }
        const std::string_view output = util::trim(result.output);
        const std::string first_line(output.substr(0, output.find('\n')));
        answers[query.what] = result.ok();
        answer_lines.push_back(fmt::format("{}: {} (`{}`{})", query.what, result.ok() ? "yes" : "no",
                                           schedule::describe(query.step, platform),
                                           first_line.empty() ? "" : ": " + first_line));
      }
    }

    std::vector<std::string> warnings;
    if (task) {
      if (!binary_exists) {
        warnings.push_back(fmt::format("the task runs {}, which does not exist any more; run `codexsync schedule "
                                       "install` again with the codexsync you use now",
                                       util::display_path(task->binary)));
      } else if (!binary_is_this) {
        warnings.push_back(fmt::format("the task runs {}, not this codexsync ({}); run `codexsync schedule install` "
                                       "again if this one is the one to use",
                                       util::display_path(task->binary),
                                       self ? util::display_path(*self) : std::string("unknown")));
      }
      if (!task_config) {
        warnings.push_back("the task passes no config file (-c); run `codexsync schedule install` again");
      } else if (!config_is_this) {
        warnings.push_back(fmt::format("the task uses the config {}, not {}; run `codexsync schedule install` again "
                                       "to use this one",
                                       *task_config,
                                       config_file ? util::display_path(*config_file) : std::string("(none found)")));
      }
      if (!task->ours) {
        warnings.push_back(fmt::format("{} was not written by `codexsync schedule install`",
                                       util::display_path(where.task_file)));
      }
    } else if (file_present) {
      warnings.push_back(fmt::format("{} exists but does not say what it runs", util::display_path(where.task_file)));
    }

    if (ctx.global().json) {
      nlohmann::json doc{{"platform", util::os_name(platform)},
                         {"task_file", where.task_file.string()},
                         {"installed", task.has_value()},
                         {"answers", answers},
                         {"warnings", warnings}};
      if (task) {
        nlohmann::json args = nlohmann::json::array();
        for (const auto& a : task->arguments) {
          args.push_back(a);
        }
        doc["binary"] = task->binary.string();
        doc["arguments"] = args;
        doc["every_seconds"] = task->every ? nlohmann::json(task->every->count()) : nlohmann::json(nullptr);
        doc["at_login"] = task->at_login;
        doc["binary_is_this"] = binary_is_this;
        doc["config_is_this"] = config_is_this;
      }
      ctx.out() << doc.dump(2) << '\n';
    } else {
      ctx.out() << fmt::format("Scheduled sync ({}): {}\n", util::os_name(platform),
                               task ? "installed" : "not installed");
      ctx.out() << fmt::format("  file      {}{}\n", util::display_path(where.task_file),
                               file_present ? "" : " (absent)");
      if (task) {
        ctx.out() << fmt::format("  runs      {} {}\n", util::display_path(task->binary),
                                 util::join(task->arguments, " "));
        ctx.out() << fmt::format("  every     {}{}\n",
                                 task->every ? schedule::format_duration(*task->every) : std::string("(not set)"),
                                 task->at_login ? ", and after sign-in" : "");
        ctx.out() << fmt::format("  program   {}\n", binary_is_this ? "this codexsync" : "ANOTHER program");
        ctx.out() << fmt::format("  config    {}\n", config_is_this ? "the config in use" : "ANOTHER config");
      }
      for (const auto& line : answer_lines) {
        ctx.out() << "  " << line << '\n';
      }
      for (const auto& warning : warnings) {
        ctx.err() << "codexsync: warning: " << warning << '\n';
      }
      if (!task) {
        ctx.out() << "Install it with `codexsync schedule install --every 30m --at-login` (add --print to see "
                     "what it writes first).\n";
      } else {
        ctx.out() << "The last runs and their results: `codexsync status`.\n";
      }
    }
    if (tool_failed && task) {
      throw RuntimeError("could not ask the OS scheduler whether the task is registered (see above)");
    }
    return ExitCode::ok;
  }

private:
  PlatformOption m_platform;
};

} // namespace

std::string scheduled_task_summary(const Context& ctx) {
  const Platform platform = ctx.env().os;
  try {
    const schedule::Locations where = locations(ctx, platform);
    const std::optional<schedule::InstalledTask> task = read_installed(platform, where);
    if (!task) {
      return "not installed (`codexsync schedule install --every 30m --at-login`)";
    }
    const bool apply = std::find(task->arguments.begin(), task->arguments.end(), "--apply") != task->arguments.end();
    return fmt::format("installed: sync {} every {}{} (`codexsync schedule status` checks it)",
                       apply ? "--apply" : "--dry-run",
                       task->every ? schedule::format_duration(*task->every) : std::string("(interval not set)"),
                       task->at_login ? ", and after sign-in" : "");
  } catch (const std::exception& e) {
    return fmt::format("unknown: {}", e.what());
  }
}

std::unique_ptr<Command> make_schedule_install() { return std::make_unique<ScheduleInstallCommand>(); }
std::unique_ptr<Command> make_schedule_remove() { return std::make_unique<ScheduleRemoveCommand>(); }
std::unique_ptr<Command> make_schedule_status() { return std::make_unique<ScheduleStatusCommand>(); }

} // namespace codexsync::commands
