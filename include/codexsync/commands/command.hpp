#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/config/discovery.hpp>
#include <codexsync/core/exit_code.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/environment.hpp>

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace codexsync::commands {

struct GlobalOptions {
  std::optional<std::filesystem::path> config_file;  // -c FILE
  std::optional<std::string> profile;                 // --profile NAME: a [profiles.<name>] of the config
  bool verbose = false;                               // -v
  bool json = false;                                  // --json
  bool manual_terminate = false;                      // --manual-terminate-confirmation
  bool auto_terminate = false;                        // --auto-terminate-without-confirmation
  bool scheduled = false;                             // --scheduled: started by the OS scheduler
};

struct RunFacts;

// What a command gets to work with. The config is loaded on first use.
class Context {
public:
  Context(util::Environment env, GlobalOptions global, std::ostream& out, std::ostream& err,
          const util::Clock& clock = util::system_clock());

  const util::Environment& env() const { return m_env; }
  const GlobalOptions& global() const { return m_global; }
  std::ostream& out() { return m_out; }
  std::ostream& err() { return m_err; }
  const util::Clock& clock() const { return m_clock; }
  // True when progress may be drawn on `out` (a terminal, and not --json).
  bool interactive() const { return m_interactive; }
  void set_interactive(bool interactive) { m_interactive = interactive; }
  // True when a question may be asked on the terminal (stdin and stderr are one).
  bool stdin_interactive() const { return m_stdin_interactive; }
  void set_stdin_interactive(bool interactive) { m_stdin_interactive = interactive; }
  // Where a recorded command (sync, restore, conflicts restore, doctor) leaves its counts and
  // first error for the run record (commands/run_recorder.hpp). Set by
  // cli::run for those commands; null otherwise.
  RunFacts* run_facts() const { return m_run_facts; }
  void set_run_facts(RunFacts* facts) { m_run_facts = facts; }

  // Finds, reads and validates the config (once), printing its warnings to
  // stderr. Throws ConfigError (exit 4) naming the file and the problems.
  const config::Config& config();
  const config::Discovery& discovery();
  // The config when config() has already loaded it, else nullptr (never loads).
  const config::Config* loaded_config() const { return m_config ? &*m_config : nullptr; }
  const std::vector<std::string>& config_warnings();

  // Turns on file logging as the config says (commands that act call this; the
  // read-only ones do not, so they create no folder). Throws RuntimeError when
  // the log file cannot be opened.
  void start_file_logging();

private:
  void load();

  util::Environment m_env;
  GlobalOptions m_global;
  std::ostream& m_out;
  std::ostream& m_err;
  const util::Clock& m_clock;
  bool m_interactive = false;
  bool m_stdin_interactive = false;
  RunFacts* m_run_facts = nullptr;
  std::optional<config::Discovery> m_discovery;
  std::optional<config::Config> m_config;
  std::vector<std::string> m_warnings;
};

// One subcommand: its place in the command tree, its help, its options and
// what it does. Adding a command: docs/architecture.md, "Adding a command".
class Command {
public:
  virtual ~Command() = default;

  // The words that invoke it, e.g. {"backups", "list"}.
  virtual std::vector<std::string> path() const = 0;
  // One line for `codexsync --help`.
  virtual std::string summary() const = 0;
  // A worked example for `codexsync <command> --help`.
  virtual std::string example() const = 0;
  // Declares the command's own options on its CLI11 app.
  virtual void add_options(CLI::App& app) = 0;
  // Runs it. Returns the exit code of a normal end; throws codexsync::Error
  // subclasses for the rest.
  virtual ExitCode run(Context& ctx) = 0;
};

// One factory per command file (src/commands/<name>.cpp); cli/command_table.cpp
// puts them in order.
std::unique_ptr<Command> make_init_config();
std::unique_ptr<Command> make_validate();
std::unique_ptr<Command> make_doctor();
std::unique_ptr<Command> make_preflight();
std::unique_ptr<Command> make_plan();
std::unique_ptr<Command> make_sync();
std::unique_ptr<Command> make_restore();
std::unique_ptr<Command> make_backups_list();
std::unique_ptr<Command> make_conflicts_list();
std::unique_ptr<Command> make_conflicts_restore();
// `artefacts` (the same as `artefacts list`), `artefacts list`, `artefacts clean`.
std::unique_ptr<Command> make_artefacts();
std::unique_ptr<Command> make_artefacts_list();
std::unique_ptr<Command> make_artefacts_clean();
std::unique_ptr<Command> make_status();
std::unique_ptr<Command> make_unlock();
std::unique_ptr<Command> make_recover_list();
std::unique_ptr<Command> make_recover_resume();
std::unique_ptr<Command> make_recover_rollback();
std::unique_ptr<Command> make_recover_close();
std::unique_ptr<Command> make_schedule_install();
std::unique_ptr<Command> make_schedule_remove();
std::unique_ptr<Command> make_schedule_status();

} // namespace codexsync::commands
