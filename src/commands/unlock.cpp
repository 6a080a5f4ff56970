#include <codexsync/commands/command.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/process_alive.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ostream>

namespace codexsync::commands {
namespace {

class UnlockCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"unlock"}; }
  std::string summary() const override {
    return "Clear this machine's run lock when the run that holds it is gone";
  }
  std::string example() const override { return "codexsync unlock --stale"; }
  void add_options(CLI::App& app) override {
    app.add_flag("--stale", m_stale, "Required: clear it only if its holder no longer runs")->required();
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto& machine = cfg.identity.effective_machine_id;
    const auto& temp = cfg.paths.temp_dir;
    const auto holder = state::read_holder(temp, machine);
    if (state::probe_lock(temp, machine) == state::LockState::free) {
      ctx.out() << "Not locked: no codexsync run of machine \"" << machine << "\" holds the lock.\n";
      return ExitCode::ok;
    }
    // Held per the OS. Only a holder known to be gone on this host may be cleared:
    // some network and cloud filesystems keep a dead process's lock.
    if (!holder || holder->host != util::host_name()) {
      throw FailSafeError(fmt::format("the lock {} is held ({}), by a run this machine cannot check; nothing was "
                                      "changed. Make sure no codexsync runs, then delete that file by hand",
                                      util::display_path(state::lock_file(temp, machine)),
                                      holder ? state::describe(*holder) : "holder unknown"));
    }
    if (util::process_alive(holder->pid)) {
      throw FailSafeError(fmt::format("the lock is held by a running process ({}); nothing was changed. Let it "
                                      "finish, or stop it first",
                                      state::describe(*holder)));
    }
    std::error_code ec;
    std::filesystem::remove(state::lock_file(temp, machine), ec);
    std::filesystem::remove(state::holder_file(temp, machine), ec);
    if (ec) {
      throw RuntimeError(fmt::format("cannot remove the lock file {} ({})",
                                     util::display_path(state::lock_file(temp, machine)), ec.message()));
    }
    ctx.start_file_logging();
    log::warn("cleared a stale run lock", {{"holder", state::describe(*holder)}});
    ctx.out() << "Cleared the stale lock of " << state::describe(*holder) << ".\n";
    return ExitCode::ok;
  }

private:
  bool m_stale = false;
};

} // namespace

std::unique_ptr<Command> make_unlock() { return std::make_unique<UnlockCommand>(); }

} // namespace codexsync::commands
