#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/discovery.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/state/run_record.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include "artefacts_output.hpp"
#include "peers_output.hpp"
#include "schedule_summary.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

using Time = std::chrono::system_clock::time_point;
using nlohmann::json;

// One record as status shows it.
struct Shown {
  state::LoadedRunRecord file;
  std::optional<Time> finished;  // parsed from the record

  const state::RunRecord* record() const { return file.record ? &*file.record : nullptr; }
};

Shown load(const std::optional<std::filesystem::path>& dir, std::string_view name) {
  Shown shown;
  if (dir) {
    shown.file = state::load_run_record(*dir, name);
    if (shown.file.record) {
      shown.finished = util::parse_utc_timestamp(shown.file.record->finished);
    }
  }
  return shown;
}

// "2026-11-24 10:00:00 (3 h 12 min ago)"
std::string when(const std::optional<Time>& t, Time now, const std::string& raw) {
  if (!t) {
    return fmt::format("at an unreadable time (\"{}\")", raw);
  }
  const auto stamp = util::local_timestamp(*t).substr(0, 19);
  if (*t > now + std::chrono::minutes(1)) {
    return fmt::format("{} (in the future: was the clock changed?)", stamp);
  }
  return fmt::format("{} ({} ago)", stamp, util::human_duration(now - *t));
}

// What status found, for both outputs.
struct Status {
  std::optional<std::filesystem::path> config_file;
  std::string profile;                       // --profile, or the profile shown; "" for the top level
  std::vector<std::string> config_problems;  // empty when the config loaded
  std::string machine;
  std::int64_t stale_after_hours = 24;
  std::optional<std::filesystem::path> dir;
  Shown last_run;
  Shown last_sync;
  Shown last_success;
  bool stale = true;
  bool last_run_failed = false;
  const state::RunRecord* conflicted_sync = nullptr;  // the last sync, when it ended with exit 2
  std::vector<std::string> warnings;
  std::vector<std::string> problems;  // record files that cannot be used
  std::string scheduled_task;         // scheduled_task_summary()
};

void find_facts(Context& ctx, Status& s, Time now) {
  s.config_file = record_config_path(ctx.global(), ctx.env());
  s.scheduled_task = scheduled_task_summary(ctx);
  try {
    const auto& cfg = ctx.config();
    s.machine = cfg.identity.effective_machine_id;
    s.stale_after_hours = cfg.scheduler.stale_after_hours;
  } catch (const ConfigError& e) {
    s.config_problems = e.problems();
    if (s.config_file) {
      if (const auto salvaged = config::salvage_config_file(*s.config_file, ctx.env())) {
        s.machine = salvaged->identity.effective_machine_id;
        s.stale_after_hours = salvaged->scheduler.stale_after_hours;
      }
    }
  }
  s.profile = ctx.global().profile.value_or(std::string());
  s.dir = state::run_record_dir(ctx.env(), s.config_file, s.profile);
  s.last_run = load(s.dir, state::k_last_run_file);
  s.last_sync = load(s.dir, state::k_last_sync_file);
  s.last_success = load(s.dir, state::k_last_success_file);
  for (const auto* shown : {&s.last_run, &s.last_sync, &s.last_success}) {
    if (!shown->file.problem.empty()) {
      s.problems.push_back(fmt::format("cannot use {}: {}", util::display_path(shown->file.path), shown->file.problem));
    }
  }

  const auto limit = std::chrono::hours(s.stale_after_hours);
  s.stale = !s.last_success.finished || now - *s.last_success.finished > limit;
  if (!s.last_success.record()) {
    s.warnings.push_back("WARNING: there has never been a successful `codexsync sync --apply` with this config on "
                         "this machine (or its record is unreadable)");
  } else if (s.stale) {
    s.warnings.push_back(fmt::format(
      "WARNING: the last successful sync was {}, more than stale_after_hours = {} h ago; check the scheduled "
      "runs and the log",
      s.last_success.finished ? util::human_duration(now - *s.last_success.finished) + " ago" : "at an unknown time",
      s.stale_after_hours));
  }
  if (const auto* last = s.last_run.record(); last != nullptr && last->exit_code != 0) {
    s.last_run_failed = true;
    s.warnings.push_back(fmt::format("WARNING: the last run failed: {} ended with exit {} ({})",
                                     last->command_line(), last->exit_code, exit_code_title(last->code())));
  }
  if (const auto* sync = s.last_sync.record(); sync != nullptr && sync->code() == ExitCode::conflict) {
    s.conflicted_sync = sync;
  }
}

json record_json(const Shown& shown, Time now) {
  if (!shown.record()) {
    return nullptr;
  }
  auto doc = state::to_json(*shown.record());
  doc["age_seconds"] =
    shown.finished ? json(std::chrono::duration_cast<std::chrono::seconds>(now - *shown.finished).count()) : json();
  return doc;
}

json status_json(const Status& s, Time now) {
  json conflicts = nullptr;
  if (s.conflicted_sync != nullptr) {
    conflicts = {{"count", s.conflicted_sync->counts.conflicts},
                 {"paths", s.conflicted_sync->conflicts},
                 {"finished", s.conflicted_sync->finished}};
  }
  json doc{
    {"config",
     {{"path", s.config_file ? json(util::display_path(*s.config_file)) : json()},
      {"profile", s.profile.empty() ? json() : json(s.profile)},
      {"valid", s.config_problems.empty()},
      {"problems", s.config_problems},
      {"machine", s.machine.empty() ? json() : json(s.machine)}}},
    {"records", s.dir ? json(util::display_path(*s.dir)) : json()},
    {"now", util::utc_timestamp(now)},
    {"last_run", record_json(s.last_run, now)},
    {"last_sync", record_json(s.last_sync, now)},
    {"last_success", record_json(s.last_success, now)},
    {"open_conflicts", conflicts},
    {"stale_after_hours", s.stale_after_hours},
    {"stale", s.stale},
    {"last_run_failed", s.last_run_failed},
    {"warnings", s.warnings},
    {"scheduled_task", s.scheduled_task},
    {"problems", s.problems},
  };
  return doc;
}

void print_run(std::ostream& out, std::string_view label, const Shown& shown, Time now) {
  const auto* r = shown.record();
  if (r == nullptr) {
    out << fmt::format("{:<22}{}\n", label,
                       shown.file.exists ? "cannot be read (see below)" : "none recorded yet");
    return;
  }
  out << fmt::format("{:<22}{}{} ended {}\n", label, r->command_line(), r->scheduled ? " (scheduled)" : "",
                     when(shown.finished, now, r->finished));
  out << fmt::format("{:<22}exit {} ({}){}\n", "", r->exit_code, exit_code_title(r->code()),
                     r->first_error.empty() ? "" : ": " + r->first_error);
  if (r->scheduled && r->exit_code != 0) {
    out << fmt::format("{:<22}{} scheduled run(s) in a row ended this way; failing since {}\n", "", r->streak,
                       when(util::parse_utc_timestamp(r->failing_since), now, r->failing_since));
  }
}

void print_text(std::ostream& out, const Status& s, Time now) {
  out << fmt::format("{:<22}{}{}{}\n", "Config:",
                     s.config_file ? util::display_path(*s.config_file) : std::string("none found"),
                     s.profile.empty() ? "" : fmt::format(", profile {}", s.profile),
                     s.machine.empty() ? "" : fmt::format(" (machine {})", s.machine));
  if (!s.config_problems.empty()) {
    out << fmt::format("{:<22}the config is INVALID (exit 4); the problems are listed on stderr\n", "");
  }
  out << fmt::format("{:<22}{}\n", "Run records:",
                     s.dir ? util::display_path(*s.dir) : std::string("unknown (no home folder)"));
  print_run(out, "Last run:", s.last_run, now);
  if (const auto* ok = s.last_success.record()) {
    out << fmt::format("{:<22}{} ended {}\n", "Last successful sync:", ok->command_line(),
                       when(s.last_success.finished, now, ok->finished));
  } else {
    out << fmt::format("{:<22}{}\n", "Last successful sync:",
                       s.last_success.file.exists ? "cannot be read (see below)" : "never");
  }
  if (const auto* sync = s.conflicted_sync) {
    out << fmt::format("Open conflicts: {} (the last sync, {}, stopped on them):\n", sync->counts.conflicts,
                       sync->finished);
    for (const auto& path : sync->conflicts) {
      out << "  " << path << '\n';
    }
    if (sync->conflicts.empty()) {
      out << "  (paths not recorded: conflict.report_conflicts = false)\n";
    } else if (sync->counts.conflicts > sync->conflicts.size()) {
      out << fmt::format("  ... and {} more\n", sync->counts.conflicts - sync->conflicts.size());
    }
    out << "  To settle them: run `codexsync plan` to see both versions of each; then keep the one you want on "
           "both sides by hand, or let [conflict] policy in the config pick a side (prefer_local, prefer_cloud, "
           "prefer_newer_mtime); then run `codexsync sync --apply`.\n";
  }
  for (const auto& problem : s.problems) {
    out << "Record " << problem << '\n';
  }
  for (const auto& warning : s.warnings) {
    out << warning << '\n';
  }
  out << fmt::format("{:<22}{}\n", "Scheduled task:", s.scheduled_task);
  if (s.warnings.empty()) {
    out << "OK: the last run succeeded and the last successful sync is recent.\n";
  }
}

class StatusCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"status"}; }
  std::string summary() const override { return "Show the last run, the last successful sync and open conflicts"; }
  std::string example() const override { return "codexsync status --json"; }
  void add_options(CLI::App& app) override { (void)app; }

  // Reads this machine's run records, the config and the peers' machine
  // records in the workspace: no lock, no agent check, no folder created. Exit 4 when the config is
  // invalid or missing (after printing what was found), else 0. A config with
  // [profiles.<name>] and no --profile: each profile in turn.
  ExitCode run(Context& ctx) override {
    const auto now = ctx.clock().now();
    const auto units = ctx.global().profile ? std::vector<std::optional<std::string>>{} : profile_units(ctx);
    if (units.empty()) {
      json doc;
      const auto code = run_one(ctx, now, ctx.global().json ? &doc : nullptr);
      if (ctx.global().json) {
        ctx.out() << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
      }
      return code;
    }
    json profiles = json::array();
    auto worst = ExitCode::ok;
    for (const auto& unit : units) {
      GlobalOptions global = ctx.global();
      global.profile = unit;
      Context child(ctx.env(), global, ctx.out(), ctx.err(), ctx.clock());
      if (!ctx.global().json) {
        ctx.out() << fmt::format("== {} ==\n", unit ? "profile " + *unit : std::string("top level"));
      }
      json doc;
      if (run_one(child, now, ctx.global().json ? &doc : nullptr) != ExitCode::ok) {
        worst = ExitCode::invalid_config;
      }
      profiles.push_back(std::move(doc));
    }
    if (ctx.global().json) {
      ctx.out() << json{{"profiles", profiles}}.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    }
    return worst;
  }

private:
  // The top level (when it is a config of its own) and each profile; empty
  // when the config has no profiles or cannot be read (run_one reports that).
  static std::vector<std::optional<std::string>> profile_units(Context& ctx) {
    std::vector<std::optional<std::string>> units;
    try {
      const auto list =
        config::list_profiles_file(config::discover_config(ctx.global().config_file, ctx.env()).path, ctx.env());
      if (list.names.empty()) {
        return units;
      }
      if (list.top_level) {
        units.emplace_back(std::nullopt);
      }
      units.insert(units.end(), list.names.begin(), list.names.end());
    } catch (const Error&) {
      units.clear();
    }
    return units;
  }

  // One config (or profile): text on out, or its document in `doc` (--json).
  static ExitCode run_one(Context& ctx, Time now, json* doc) {
    Status s;
    find_facts(ctx, s, now);
    if (doc != nullptr) {
      *doc = status_json(s, now);
    } else {
      print_text(ctx.out(), s, now);
    }
    // The machines that sync through the workspace (peers_output.hpp); needs a valid config.
    if (const auto* cfg = ctx.loaded_config()) {
      const auto peers = read_peers(*cfg, now);
      if (doc != nullptr) {
        (*doc)["peers"] = peers_json(peers, now);
        (*doc)["peer_problems"] = peers.listing.problems;
      } else {
        print_peers(ctx.out(), peers, now);
      }
      // Files the cloud client made (artefacts_output.hpp): never imported.
      std::error_code ec;
      if (std::filesystem::is_directory(cfg->paths.cloud_root_dir, ec)) {
        const auto found = find_artefacts(*cfg);
        const auto exists = shadow_exists_in(found.local, found.cloud);
        if (doc != nullptr) {
          (*doc)["artefacts"] = artefacts_json(found.artefacts, exists);
        } else if (!found.artefacts.empty()) {
          ctx.out() << fmt::format("Cloud client files ({}; never synced; `codexsync artefacts clean` moves them "
                                   "into the backups):\n",
                                   found.artefacts.size());
          print_artefacts(ctx.out(), found.artefacts, exists, "  ");
        }
      }
    }
    if (s.config_problems.empty()) {
      return ExitCode::ok;
    }
    for (const auto& problem : s.config_problems) {
      ctx.err() << problem << '\n';
    }
    ctx.err() << "codexsync: the config is invalid (exit 4); fix the lines above. The run records shown are those "
                 "of this config file.\n";
    return ExitCode::invalid_config;
  }
};

} // namespace

std::unique_ptr<Command> make_status() { return std::make_unique<StatusCommand>(); }

} // namespace codexsync::commands
