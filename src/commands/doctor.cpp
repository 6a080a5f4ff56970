#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/state/workspace_marker.hpp>
#include "cold_gate.hpp"

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/process/probe.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ostream>
#include <utility>

namespace codexsync::commands {
namespace {

namespace fs = std::filesystem;

enum class Status { pass, warn, fail };

std::string_view status_name(Status s) {
  switch (s) {
  case Status::pass: return "PASS";
  case Status::warn: return "WARN";
  case Status::fail: return "FAIL";
  }
  return "?";
}

struct Check {
  std::string name;
  Status status;
  std::string message;
};

// Read-only checks of what a sync will need. Nothing is created or written.
class Checks {
public:
  // `before_sync`: preflight, where a running agent is a FAIL (doctor: a WARN).
  Checks(const config::Config& cfg, bool before_sync, std::optional<fs::path> user_state_dir)
    : m_cfg(cfg), m_before_sync(before_sync), m_user_state_dir(std::move(user_state_dir)) {}

  std::vector<Check> run(const std::vector<std::string>& warnings) {
    config_check(warnings);
    blockers_check();
    machine_check();
    state_dir_check();
    if (m_cfg.paths.workspace_root_dir) {
      workspace_check(*m_cfg.paths.workspace_root_dir);
    }
    folder_check("cloud_root", m_cfg.paths.cloud_root_dir);
    marker_check();
    folder_check("backup_dir", m_cfg.paths.backup_dir);
    folder_check("temp_dir", m_cfg.paths.temp_dir);
    if (m_cfg.logging.file) {
      folder_check("log_dir", m_cfg.logging.file->parent_path());
    }
    if (m_cfg.state.manifest_file) {
      folder_check("manifest_dir", m_cfg.state.manifest_file->parent_path());
    }
    include_roots_check();
    agent_check();
    lock_check();
    journals_check();
    leftovers_check();
    free_space_check();
    clock_check();
    return std::move(m_checks);
  }

private:
  void add(std::string name, Status status, std::string message) {
    m_checks.push_back({std::move(name), status, std::move(message)});
  }

  void config_check(const std::vector<std::string>& warnings) {
    if (warnings.empty()) {
      add("config", Status::pass, util::display_path(m_cfg.source_file));
    } else {
      add("config", Status::warn,
          fmt::format("{} with {} warning(s); run `codexsync validate` to see them",
                      util::display_path(m_cfg.source_file), warnings.size()));
    }
  }

  void blockers_check() {
    const auto blockers = config::write_blockers(m_cfg);
    if (blockers.empty()) {
      add("config_writable", Status::pass, "no setting blocks a sync");
      return;
    }
    for (const auto& blocker : blockers) {
      add("config_writable", Status::fail, blocker);
    }
  }

  void machine_check() {
    if (m_cfg.identity.machine_id.empty()) {
      add("machine_id", Status::warn,
          fmt::format("identity.machine_id is not set; using the host name \"{}\". Set a permanent name",
                      m_cfg.identity.effective_machine_id));
    } else {
      add("machine_id", Status::pass, m_cfg.identity.effective_machine_id);
    }
  }

  void state_dir_check() {
    const auto& dir = m_cfg.paths.local_state_dir;
    std::error_code ec;
    const auto where = fmt::format("{} (from {})", util::display_path(dir),
                                   m_cfg.paths.local_state_dir_origin);
    if (!fs::exists(dir, ec)) {
      add("local_state", Status::fail,
          fmt::format("{} does not exist; set paths.local_state_dir to the agent's state folder", where));
    } else if (!fs::is_directory(dir, ec)) {
      add("local_state", Status::fail, fmt::format("{} is not a folder", where));
    } else if (!util::can_access_dir(dir, util::Access::read)) {
      add("local_state", Status::fail, fmt::format("{} cannot be read; check its permissions", where));
    } else if (m_cfg.paths.configured_local_state_dir &&
               m_cfg.paths.local_state_dir_source != config::StateDirSource::config) {
      add("local_state", Status::warn,
          fmt::format("{}: paths.local_state_dir {} does not exist, so this folder is used instead; fix the "
                      "setting if that is not the agent's folder",
                      where, util::display_path(*m_cfg.paths.configured_local_state_dir)));
    } else {
      add("local_state", Status::pass, where);
    }
  }

  void workspace_check(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      add("workspace_root", Status::fail,
          fmt::format("{} does not exist; is the cloud client running and the drive mounted? Otherwise fix "
                      "paths.workspace_root_dir",
                      util::display_path(dir)));
    } else {
      add("workspace_root", Status::pass, util::display_path(dir));
    }
  }

  // The workspace marker, as `sync` will judge it (engine/transport.cpp).
  void marker_check() {
    const auto workspace = config::workspace_dir(m_cfg);
    std::error_code ec;
    if (!fs::is_directory(workspace, ec)) {
      return;  // workspace_root / cloud_root say so
    }
    const auto read = state::read_marker(workspace);
    const auto remembered =
      state::remembered_workspace(m_user_state_dir, m_cfg.identity.effective_machine_id, workspace);
    const auto path = util::display_path(state::marker_path(workspace));
    switch (state::judge_marker(remembered, read)) {
    case state::MarkerVerdict::ok:
      add("workspace_marker", Status::pass, fmt::format("{} (workspace {})", path, read.marker->id));
      return;
    case state::MarkerVerdict::join:
      add("workspace_marker", Status::pass,
          fmt::format("{} (workspace {}; this machine's first sync joins it)", path, read.marker->id));
      return;
    case state::MarkerVerdict::create:
      add("workspace_marker", Status::pass, fmt::format("{} not there yet; the first sync makes it", path));
      return;
    case state::MarkerVerdict::missing:
      add("workspace_marker", Status::fail,
          fmt::format("{} is missing, but this machine synced with workspace {}: the cloud folder is not mounted "
                      "or not the one synced with. Fix the mount, or run `codexsync sync --apply "
                      "--adopt-workspace` if this is a new cloud folder",
                      path, *remembered));
      return;
    case state::MarkerVerdict::different:
      add("workspace_marker", Status::fail,
          fmt::format("{} {}: not the cloud folder this machine synced with. Check paths.workspace_root_dir, or "
                      "run `codexsync sync --apply --adopt-workspace` if you moved on purpose",
                      path,
                      read.problem.empty()
                        ? fmt::format("holds workspace {}, this machine synced with {}", read.marker->id,
                                      remembered.value_or("?"))
                        : read.problem));
      return;
    }
  }

  // A folder codexsync writes: fine when it exists and is writable, or when the
  // nearest existing parent is writable (the first sync creates it).
  void folder_check(const std::string& name, const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
      if (!fs::is_directory(dir, ec)) {
        add(name, Status::fail, fmt::format("{} exists but is not a folder", util::display_path(dir)));
      } else if (!util::can_access_dir(dir, util::Access::write)) {
        add(name, Status::fail, fmt::format("{} is not writable; check its permissions", util::display_path(dir)));
      } else {
        add(name, Status::pass, util::display_path(dir));
      }
      return;
    }
    const auto parent = util::nearest_existing(dir);
    if (!parent.empty() && fs::is_directory(parent, ec) && util::can_access_dir(parent, util::Access::write)) {
      add(name, Status::warn,
          fmt::format("{} does not exist yet; the first sync creates it", util::display_path(dir)));
    } else {
      add(name, Status::fail,
          fmt::format("{} does not exist and cannot be created (nearest folder {} is missing or not writable)",
                      util::display_path(dir), util::display_path(parent)));
    }
  }

  void include_roots_check() {
    std::vector<std::string> missing;
    for (const auto& root : m_cfg.targets.include_roots) {
      std::error_code ec;
      if (!fs::exists(m_cfg.paths.local_state_dir / util::path_from_utf8(root), ec)) {
        missing.push_back(root);
      }
    }
    if (missing.empty()) {
      add("include_roots", Status::pass, fmt::format("{} root(s) present", m_cfg.targets.include_roots.size()));
    } else {
      std::string list;
      for (const auto& root : missing) {
        list += (list.empty() ? "" : ", ") + root;
      }
      add("include_roots", Status::warn, fmt::format("not in the agent's state folder (nothing to sync there): {}", list));
    }
  }

  void agent_check() {
    if (!m_cfg.safety.require_codex_stopped) {
      add("agent_process", Status::warn, "not checked: safety.require_codex_stopped = false");
      return;
    }
    const auto probe = process::make_system_probe();
    const auto seen = process::observe(*probe, match_rules(m_cfg));
    switch (seen.state) {
    case process::AgentState::stopped:
      add("agent_process", Status::pass, "the agent is not running");
      return;
    case process::AgentState::running:
      add("agent_process", m_before_sync ? Status::fail : Status::warn,
          fmt::format("the agent is running: {}; close it before `sync --apply`", process::describe(seen.matches)));
      return;
    case process::AgentState::unknown:
      add("agent_process", m_cfg.safety.fail_on_unknown ? Status::fail : Status::warn,
          fmt::format("cannot tell whether the agent runs ({}); a sync would stop with exit 5 while "
                      "safety.fail_on_unknown = true",
                      seen.error));
      return;
    }
  }

  void lock_check() {
    const auto& machine = m_cfg.identity.effective_machine_id;
    if (state::probe_lock(m_cfg.paths.temp_dir, machine) == state::LockState::free) {
      add("lock", Status::pass, "no other codexsync run of this machine is writing");
      return;
    }
    const auto holder = state::read_holder(m_cfg.paths.temp_dir, machine);
    add("lock", Status::warn,
        fmt::format("another codexsync run is writing ({}); a sync now would stop with exit 5 until it ends",
                    holder ? state::describe(*holder) : "holder unknown"));
  }

  void journals_check() {
    std::size_t others = 0;
    bool any_mine = false;
    for (const auto& r : state::list_journals(m_cfg.paths.temp_dir)) {
      if (!r.open()) {
        continue;
      }
      if (r.machine != m_cfg.identity.effective_machine_id) {
        ++others;
        continue;
      }
      any_mine = true;
      add("unfinished_run", Status::warn,
          fmt::format("run {} stopped at {}{}; the next `sync --apply` settles it, `recover rollback {} --apply` "
                      "undoes it",
                      r.id, state::to_string(r.state), r.note.empty() ? "" : " (" + r.note + ")", r.id));
    }
    if (!any_mine) {
      add("unfinished_run", Status::pass, "no unfinished run of this machine");
    }
    if (others > 0) {
      add("unfinished_run", Status::warn,
          fmt::format("{} unfinished run(s) of other machines; run `codexsync recover list` on them", others));
    }
  }

  // This tool's temp files left by a killed run, below the include roots.
  void leftovers_check() {
    std::size_t count = 0;
    for (const auto& base : {m_cfg.paths.local_state_dir, m_cfg.paths.cloud_root_dir}) {
      for (const auto& root : m_cfg.targets.include_roots) {
        std::error_code ec;
        const auto folder = base / util::path_from_utf8(root);
        if (!fs::is_directory(folder, ec)) {
          continue;
        }
        for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec)) {
          if (scan::is_own_temp_name(it->path().filename().string())) {
            ++count;
          }
        }
      }
    }
    if (count == 0) {
      add("leftover_temp_files", Status::pass, "none");
    } else {
      add("leftover_temp_files", Status::warn,
          fmt::format("{} temp file(s) of an interrupted copy; the next `sync --apply` removes those older than an "
                      "hour",
                      count));
    }
  }

  void free_space_check() {
    constexpr std::uint64_t k_low = 1ULL << 30;
    constexpr std::uint64_t k_critical = 64ULL << 20;
    for (const auto& [name, path] : {std::pair{"agent's folder", m_cfg.paths.local_state_dir},
                                     std::pair{"cloud mirror", m_cfg.paths.cloud_root_dir},
                                     std::pair{"backup folder", m_cfg.paths.backup_dir}}) {
      const auto free = apply::free_space(path);
      if (!free) {
        add("free_space", Status::warn, fmt::format("cannot tell the free space of the {} ({})", name,
                                                    util::display_path(path)));
      } else if (*free < k_critical) {
        add("free_space", Status::fail,
            fmt::format("{} MiB free for the {} ({}); free some space before syncing", *free >> 20U, name,
                        util::display_path(path)));
      } else if (*free < k_low) {
        add("free_space", Status::warn,
            fmt::format("only {} MiB free for the {} ({})", *free >> 20U, name, util::display_path(path)));
      } else {
        add("free_space", Status::pass, fmt::format("{} GiB free for the {}", *free >> 30U, name));
      }
    }
  }

  // Writes one probe file in the cloud folder (never in the agent's folder),
  // compares its time with this machine's clock, and removes it.
  void clock_check() {
    const auto folder = m_cfg.paths.workspace_root_dir ? *m_cfg.paths.workspace_root_dir
                                                       : m_cfg.paths.cloud_root_dir.parent_path();
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      return;  // reported by workspace_root
    }
    const auto probe = folder / (".codexsync-clock-" + util::random_hex(6) + ".tmp");
    const auto before = std::chrono::system_clock::now();
    util::write_file_atomic(probe, "clock probe\n", ec);
    if (ec) {
      add("clock_drift", Status::warn,
          fmt::format("cannot write a probe file in {} ({})", util::display_path(folder), ec.message()));
      return;
    }
    const auto stat = util::stat_no_follow(probe, ec);
    fs::remove(probe, ec);
    if (!stat) {
      return;
    }
    const auto now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(before.time_since_epoch()).count();
    const auto drift_s = static_cast<double>(stat->mtime_ns - now_ns) / 1e9;
    if (drift_s > 5.0 || drift_s < -5.0) {
      add("clock_drift", Status::warn,
          fmt::format("the cloud folder's clock is {:+.1f} s off this machine's; mtimes from it may mislead "
                      "(set sync.time_tolerance_seconds, or fix the clock)",
                      drift_s));
    } else {
      add("clock_drift", Status::pass, fmt::format("{:+.1f} s", drift_s));
    }
  }

  const config::Config& m_cfg;
  bool m_before_sync;
  std::optional<fs::path> m_user_state_dir;
  std::vector<Check> m_checks;
};

class DoctorCommand final : public Command {
public:
  explicit DoctorCommand(std::string name) : m_name(std::move(name)) {}

  std::vector<std::string> path() const override { return {m_name}; }
  std::string summary() const override {
    return m_name == "doctor" ? "Check that everything a sync needs is in place (read-only)"
                              : "The same checks as doctor, run before a sync";
  }
  std::string example() const override { return fmt::format("codexsync {} --json", m_name); }
  void add_options(CLI::App& app) override { (void)app; }

  ExitCode run(Context& ctx) override {
    std::vector<Check> checks;
    // A config problem is the user's to fix, not a "retry later": exit 4, as validate does.
    bool config_invalid = false;
    try {
      const auto& cfg = ctx.config();
      checks = Checks(cfg, m_name == "preflight", util::user_state_dir(ctx.env())).run(ctx.config_warnings());
      config_invalid = !config::write_blockers(cfg).empty();
      if (m_name == "preflight") {
        start_log(ctx, checks);
      }
    } catch (const ConfigError& e) {
      // An unusable config is itself the finding; report it in the table.
      for (const auto& problem : e.problems()) {
        checks.push_back({"config", Status::fail, problem});
      }
      config_invalid = true;
    }
    Status worst = Status::pass;
    for (const auto& check : checks) {
      worst = std::max(worst, check.status);
    }
    note_failures(ctx, checks);
    const auto code = config_invalid            ? ExitCode::invalid_config
                      : worst == Status::fail ? ExitCode::fail_safe
                                              : ExitCode::ok;
    if (m_name == "preflight") {
      // Rows at info: the table on stdout already shows them to a person.
      for (const auto& check : checks) {
        log::info(check.message, {{"check", check.name}, {"status", std::string(status_name(check.status))}});
      }
      log::file_only(worst == Status::fail ? log::Level::error : log::Level::info,
                     fmt::format("preflight result: {}", status_name(worst)),
                     {{"result", std::string(status_name(worst))}});
    }
    print(ctx, checks, worst, code);
    return code;
  }

private:
  static void note_failures(const Context& ctx, const std::vector<Check>& checks) {
    auto* facts = run_facts(ctx);
    if (facts == nullptr) {
      return;
    }
    for (const auto& check : checks) {
      if (check.status == Status::fail) {
        if (facts->counts.failed++ == 0) {
          facts->first_error = fmt::format("{}: {}", check.name, check.message);
        }
      }
    }
  }

  // preflight is what scheduled runs call: it leaves its findings in the log
  // file. doctor is for a person at the terminal and writes nothing at all.
  static void start_log(Context& ctx, std::vector<Check>& checks) {
    try {
      ctx.start_file_logging();
    } catch (const Error& e) {
      checks.push_back({"log_file", Status::fail, e.what()});
    }
  }

  static void print(Context& ctx, const std::vector<Check>& checks, Status worst, ExitCode code) {
    if (ctx.global().json) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& check : checks) {
        list.push_back({{"name", check.name}, {"status", status_name(check.status)}, {"message", check.message}});
      }
      nlohmann::json doc{{"checks", list}, {"result", status_name(worst)}, {"exit_code", to_int(code)}};
      ctx.out() << doc.dump(2) << '\n';
      return;
    }
    std::size_t width = 0;
    for (const auto& check : checks) {
      width = std::max(width, check.name.size());
    }
    for (const auto& check : checks) {
      ctx.out() << fmt::format("{}  {:<{}}  {}\n", status_name(check.status), check.name, width, check.message);
    }
    const auto hint = code == ExitCode::invalid_config ? " (exit 4: fix the config, then run again)"
                      : code == ExitCode::fail_safe    ? " (exit 5: fix the FAIL lines, then run again)"
                                                       : "";
    ctx.out() << fmt::format("Result: {}{}\n", status_name(worst), hint);
  }

  std::string m_name;
};

} // namespace

std::unique_ptr<Command> make_doctor() { return std::make_unique<DoctorCommand>("doctor"); }
std::unique_ptr<Command> make_preflight() { return std::make_unique<DoctorCommand>("preflight"); }

} // namespace codexsync::commands
