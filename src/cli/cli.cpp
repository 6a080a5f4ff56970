#include <codexsync/cli/cli.hpp>
#include <codexsync/cli/command_table.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/terminal.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>

namespace codexsync::cli {
namespace {

constexpr std::string_view k_version = CODEXSYNC_VERSION;

std::string exit_code_footer() {
  std::string text = "Exit codes (they never change meaning):\n";
  for (const auto code : {ExitCode::ok, ExitCode::runtime_error, ExitCode::conflict, ExitCode::agent_running,
                          ExitCode::invalid_config, ExitCode::fail_safe}) {
    text += fmt::format("  {}  {}\n", to_int(code), exit_code_meaning(code));
  }
  return text;
}

std::string main_footer() {
  return "\nConfig file: -c FILE, else $CODEXSYNC_CONFIG, else the user config folder\n"
         "(Linux $XDG_CONFIG_HOME/codexsync/config.toml, macOS ~/Library/Application Support/codexsync/"
         "config.toml,\nWindows %APPDATA%\\codexsync\\config.toml), else ./config.toml.\n\n" +
         exit_code_footer() +
         "\nExample:\n  codexsync init-config --machine-id laptop --workspace-root ~/Dropbox/codexsync\n"
         "  codexsync validate && codexsync doctor\n"
         "  codexsync --profile claude sync --apply    (one agent of a config with [profiles.<name>])\n"
         "  codexsync sync --all --apply               (every agent of the config in turn)\n";
}

// Writes an error for a person on stderr and, with --json, a document for a
// program on stdout.
// Config problems already start with their "FILE:LINE:COL: " and are printed as they are.
enum class Prefix { yes, no };

int report_error(const Streams& streams, bool json, ExitCode code, const std::vector<std::string>& lines,
                 std::string_view hint, Prefix prefix = Prefix::yes) {
  for (const auto& line : lines) {
    streams.err << (prefix == Prefix::yes ? "codexsync: error: " : "") << line << '\n';
  }
  if (!hint.empty()) {
    streams.err << hint << '\n';
  }
  if (json) {
    nlohmann::json doc{{"exit_code", to_int(code)}, {"error", exit_code_name(code)}, {"messages", lines}};
    streams.out << doc.dump(2) << '\n';
  }
  return to_int(code);
}

// Builds the command tree on `app`; returns which CLI11 app runs which command.
// A command whose words are also a group's ({"artefacts"} beside
// {"artefacts", "clean"}) runs when no subcommand of the group is named.
std::map<CLI::App*, commands::Command*> build_tree(CLI::App& app,
                                                   const std::vector<std::unique_ptr<commands::Command>>& table) {
  std::map<CLI::App*, commands::Command*> runs;
  std::map<std::string, CLI::App*> groups;  // "backups " -> its app
  for (const auto& command : table) {
    CLI::App* parent = &app;
    const auto words = command->path();
    std::string prefix;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      prefix += words[i] + " ";
      CLI::App*& group = groups[prefix];
      if (group == nullptr) {
        group = parent->add_subcommand(words[i], fmt::format("{} commands (see `codexsync {} --help`)", words[i],
                                                             words[i]));
        group->require_subcommand(1);
        group->fallthrough();
      }
      parent = group;
    }
    CLI::App*& existing = groups[prefix + words.back() + " "];
    if (existing != nullptr) {  // the group runs this command when no subcommand is named
      existing->require_subcommand(0, 1);
      existing->description(command->summary());
      existing->footer("\nExample:\n  " + command->example() + "\n");
      command->add_options(*existing);
      runs[existing] = command.get();
      continue;
    }
    auto* sub = parent->add_subcommand(words.back(), command->summary());
    existing = sub;
    sub->footer("\nExample:\n  " + command->example() + "\n");
    sub->fallthrough();
    command->add_options(*sub);
    runs[sub] = command.get();
  }
  return runs;
}

commands::Command* selected(CLI::App& app, const std::map<CLI::App*, commands::Command*>& runs) {
  CLI::App* current = &app;
  while (true) {
    const auto subs = current->get_subcommands();
    if (subs.empty()) {
      break;
    }
    current = subs.front();
  }
  const auto it = runs.find(current);
  return it == runs.end() ? nullptr : it->second;
}

std::string command_name(CLI::App& app) {
  std::string name;
  for (CLI::App* current = &app; !current->get_subcommands().empty();) {
    current = current->get_subcommands().front();
    name += (name.empty() ? "" : " ") + current->get_name();
  }
  return name;
}

int run_command(int argc, const char* const* argv, const util::Environment& env, Streams streams) {
  commands::GlobalOptions global;
  std::string config_arg;
  std::string profile_arg;
  CLI::App app{"codexsync: carry an AI coding agent's local state between your machines through a cloud-synced "
               "folder, only while the agent is closed, with a verified backup before every overwrite.",
               "codexsync"};
  app.option_defaults()->always_capture_default(false);
  app.add_option("-c,--config", config_arg, "Config file (see below for where it is looked for)");
  app.add_option("--profile", profile_arg,
                 "Use the config's [profiles.NAME] (one agent of a config that holds several)");
  app.add_flag("-v,--verbose", global.verbose, "Debug logging");
  app.add_flag("--json", global.json, "Machine-readable output on stdout");
  auto* manual = app.add_flag("--manual-terminate-confirmation", global.manual_terminate,
                              "With allow_terminate_if_running: ask before closing a running agent (this run)");
  app.add_flag("--auto-terminate-without-confirmation", global.auto_terminate,
               "With allow_terminate_if_running: close a running agent without asking (this run)")
    ->excludes(manual);
  app.add_flag("--scheduled", global.scheduled,
               "Started by the OS scheduler: never ask, record the run as scheduled, run [notify] command when it "
               "fails");
  app.set_version_flag("-V,--version", fmt::format("codexsync {}", k_version));
  app.require_subcommand(1);
  app.footer(main_footer());

  const auto table = command_table();
  const auto runs = build_tree(app, table);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version
      return app.exit(e, streams.out, streams.err) == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::invalid_config);
    }
    const auto sub = command_name(app);
    if (sub.empty()) {
      // Name the word that was taken for a command, rather than CLI11's "A subcommand is required".
      for (const auto& word : app.remaining()) {
        if (!word.empty() && word.front() != '-') {
          return report_error(streams, global.json, ExitCode::invalid_config,
                              {fmt::format("unknown command '{}'", word)}, "Run 'codexsync --help' for the commands.");
        }
      }
    }
    const int code = report_error(streams, global.json, ExitCode::invalid_config, {e.what()},
                                  fmt::format("Run 'codexsync {}--help' for usage.", sub.empty() ? "" : sub + " "));
    // A scheduled task whose command line this version no longer takes must not fail silently.
    if (const auto* command = selected(app, runs); command != nullptr && commands::is_recorded(command->path())) {
      if (!config_arg.empty()) {
        global.config_file = util::path_from_utf8(config_arg);
      }
      if (!profile_arg.empty()) {
        global.profile = profile_arg;
      }
      commands::Context ctx(env, global, streams.out, streams.err);
      commands::record_run(ctx, sub, ctx.clock().now(), code, e.what());
    }
    return code;
  }
  if (!config_arg.empty()) {
    global.config_file = util::path_from_utf8(config_arg);
  }
  if (app.count("--profile") != 0U) {
    if (profile_arg.empty()) {
      return report_error(streams, global.json, ExitCode::invalid_config, {"--profile needs a profile name"},
                          "Run 'codexsync --help' for usage.");
    }
    global.profile = profile_arg;
  }

  log::init_stderr(global.verbose ? log::Level::debug : log::Level::warning);
  commands::Command* command = selected(app, runs);
  if (command == nullptr) {
    return report_error(streams, global.json, ExitCode::invalid_config, {"no command given"},
                        "Run 'codexsync --help' for usage.");
  }
  const bool recorded = commands::is_recorded(command->path());
  commands::RunFacts facts;
  commands::Context ctx(env, global, streams.out, streams.err);
  if (recorded) {
    ctx.set_run_facts(&facts);
  }
  // A scheduled run has no one to answer or watch: no questions, no progress line.
  ctx.set_interactive(streams.terminal && !global.json && !global.scheduled);
  ctx.set_stdin_interactive(streams.terminal && util::stdin_is_terminal() && !global.scheduled);
  const auto started = ctx.clock().now();
  int code = to_int(ExitCode::runtime_error);
  std::string failure;
  try {
    code = to_int(command->run(ctx));
  } catch (const ConfigError& e) {
    failure = e.what();
    code = report_error(streams, global.json, e.code(), e.problems(),
                        "codexsync: the config is invalid (exit 4); fix the lines above", Prefix::no);
  } catch (const Error& e) {
    failure = e.what();
    code = report_error(streams, global.json, e.code(), {e.what()}, {});
  } catch (const std::exception& e) {
    failure = fmt::format("unexpected failure: {}", e.what());
    code = report_error(streams, global.json, ExitCode::runtime_error, {failure},
                        "This is a bug; please report it with the log file.");
  } catch (...) {
    failure = "unexpected failure: an exception that is not a std::exception";
    code = report_error(streams, global.json, ExitCode::runtime_error, {failure},
                        "This is a bug; please report it with the log file.");
  }
  // The log file (for commands that keep one) records how every run ended.
  const auto name = command_name(app);
  log::file_only(code == 0 ? log::Level::info : log::Level::error,
                 failure.empty() ? fmt::format("{} finished", name) : fmt::format("{} failed: {}", name, failure),
                 {{"command", name},
                  {"exit_code", std::to_string(code)},
                  {"result", std::string(exit_code_name(static_cast<ExitCode>(code)))}});
  if (recorded && !facts.recorded_per_profile) {
    commands::record_run(ctx, name, started, code, failure);
  }
  log::shutdown();
  return code;
}

// The exit code once the output is flushed: a run whose report could not be
// written (a full disk, a closed pipe or console) is a runtime error, said on
// stderr, not a silent success.
int settle_output(const Streams& streams, int code) {
  streams.out.flush();
  if (streams.out) {
    return code;
  }
  streams.err << "codexsync: error: the report could not be written to the standard output (a full disk, "
                 "or a closed pipe or console); the command ended with exit code "
              << code << " (" << exit_code_name(static_cast<ExitCode>(code)) << ")\n";
  streams.err.flush();
  return code == to_int(ExitCode::ok) ? to_int(ExitCode::runtime_error) : code;
}

// The C runtime's abort() would end the program with no word of why, and on
// Windows with exit code 3, which means "agent running".
[[noreturn]] void on_terminate() {
  const std::string message = detail::terminate_message(std::current_exception());
  std::fputs(message.c_str(), stderr);
  std::fflush(stderr);
  std::_Exit(to_int(ExitCode::runtime_error));
}

} // namespace

namespace detail {

std::string terminate_message(const std::exception_ptr& uncaught) {
  std::string what = "no exception was in flight";
  if (uncaught) {
    try {
      std::rethrow_exception(uncaught);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "an exception that is not a std::exception";
    }
  }
  return "codexsync: error: internal failure, the program had to stop (std::terminate: " + what +
         "). This is a bug; please report it with the log file.\n";
}

} // namespace detail

int run(int argc, const char* const* argv, const util::Environment& env, Streams streams) {
  int code = to_int(ExitCode::runtime_error);
  try {
    code = run_command(argc, argv, env, streams);
  } catch (const std::exception& e) {
    streams.err << "codexsync: error: unexpected failure outside the command: " << e.what()
                << "\nThis is a bug; please report it with the log file.\n";
  } catch (...) {
    streams.err << "codexsync: error: unexpected failure outside the command (an exception that is not a "
                   "std::exception)\nThis is a bug; please report it with the log file.\n";
  }
  return settle_output(streams, code);
}

int main_entry(int argc, char** argv) {
  std::set_terminate(on_terminate);
  return run(argc, argv, util::Environment::current(),
             Streams{std::cout, std::cerr, util::stdout_is_terminal()});
}

} // namespace codexsync::cli
