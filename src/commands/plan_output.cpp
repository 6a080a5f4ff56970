#include "plan_output.hpp"

#include "artefacts_output.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

namespace codexsync::commands {
namespace {

constexpr std::size_t k_skipped_shown = 10;
constexpr std::size_t k_findings_shown = 10;  // per file; --json lists them all

nlohmann::json state_json(const std::optional<FileState>& s) {
  if (!s) {
    return nullptr;
  }
  nlohmann::json j{{"size", s->size}, {"mtime_ns", s->mtime_ns}, {"mtime", human_time(s->mtime_ns)}};
  if (s->sha256) {
    j["sha256"] = s->sha256->hex();
  }
  return j;
}

std::string state_text(const std::optional<FileState>& s) {
  return s ? fmt::format("{}, {}", human_bytes(s->size), human_time(s->mtime_ns)) : std::string("missing");
}

std::size_t in_sync_count(const engine::Prepared& p) {
  std::size_t paths = 0;
  for_each_path(p.local, p.cloud, [&](const std::string&, const FileState*, const FileState*) { ++paths; });
  return paths - std::min(paths, p.plan.actions.size());
}

// Up to k_findings_shown findings of `path`, one line each, then how many more.
std::vector<std::string> describe_findings(const std::string& path, const std::vector<secrets::Finding>& findings) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < findings.size() && i < k_findings_shown; ++i) {
    out.push_back(secrets::describe(path, findings[i]));
  }
  if (findings.size() > k_findings_shown) {
    out.push_back(fmt::format("... and {} more in {} (`codexsync --json plan` lists them all)",
                              findings.size() - k_findings_shown, path));
  }
  return out;
}

// The guard's findings for a withheld path (none for other paths).
const std::vector<secrets::Finding>& findings_of(const engine::Prepared& p, const std::string& path) {
  static const std::vector<secrets::Finding> k_none;
  const auto found = p.secret_findings.find(path);
  return found == p.secret_findings.end() ? k_none : found->second;
}

nlohmann::json findings_json(const std::vector<secrets::Finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : findings) {
    out.push_back({{"line", f.line}, {"rule", f.rule}, {"redacted", f.redacted}, {"fingerprint", f.fingerprint}});
  }
  return out;
}

nlohmann::json undelivered_json(const engine::Prepared& p) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : p.undelivered) {
    out.push_back({{"path", u.path}, {"machine", u.machine}, {"why", u.why}});
  }
  return out;
}

constexpr std::size_t k_undelivered_shown = 20;

} // namespace

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(units)) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

std::string human_time(std::int64_t mtime_ns) {
  const auto tp = std::chrono::system_clock::time_point(
    std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(mtime_ns)));
  auto text = util::utc_timestamp(tp);  // 2026-11-24T10:00:00.123Z
  return text.substr(0, 10) + " " + text.substr(11, 8) + " UTC";
}

nlohmann::json plan_json(const config::Config& cfg, const engine::Prepared& p) {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : p.plan.actions) {
    nlohmann::json j{{"action", plan::kind_name(a.kind)}, {"path", a.path},     {"reason", a.reason},
                     {"bytes", a.bytes()},                {"local", state_json(a.local)}, {"cloud", state_json(a.cloud)}};
    if (a.held_kind) {
      j["held_action"] = plan::kind_name(*a.held_kind);
    }
    if (a.append_from) {
      j["append_from"] = *a.append_from;
    }
    if (a.keep_loser) {
      j["keep_loser"] = true;
    }
    if (a.kind == plan::ActionKind::withheld) {
      j["secrets"] = findings_json(findings_of(p, a.path));
    }
    actions.push_back(std::move(j));
  }
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto side : {Side::local, Side::cloud}) {
    for (const auto& s : (side == Side::local ? p.local : p.cloud).skipped) {
      skipped.push_back({{"side", side_name(side)}, {"path", s.path}, {"reason", s.reason}});
    }
  }
  const auto& plan = p.plan;
  return {{"machine", cfg.identity.effective_machine_id},
          {"local_root", util::display_path(cfg.paths.local_state_dir)},
          {"cloud_root", util::display_path(cfg.paths.cloud_root_dir)},
          {"baseline", p.baseline.usable ? "loaded" : p.baseline.note},
          {"volatile", p.volatile_plan},
          {"cloud_listed", p.mirror_walked},
          {"plan_reused", p.plan_reused},
          {"actions", std::move(actions)},
          {"skipped", std::move(skipped)},
          {"undelivered", undelivered_json(p)},
          {"artefacts", artefacts_json(p.artefacts, shadow_exists_in(p.local, p.cloud))},
          {"deletion_stop", p.deletion_stop ? nlohmann::json(*p.deletion_stop) : nlohmann::json()},
          {"summary",
           {{"copy_to_cloud", plan.count(plan::ActionKind::copy_to_cloud)},
            {"copy_to_local", plan.count(plan::ActionKind::copy_to_local)},
            {"delete_cloud", plan.count(plan::ActionKind::delete_cloud)},
            {"delete_local", plan.count(plan::ActionKind::delete_local)},
            {"conflicts", plan.count(plan::ActionKind::conflict)},
            {"held", plan.count(plan::ActionKind::held)},
            {"kept_apart", plan.count(plan::ActionKind::kept_apart)},
            {"merge", plan.count(plan::ActionKind::merge)},
            {"withheld", plan.count(plan::ActionKind::withheld)},
            {"unsyncable", plan.count(plan::ActionKind::unsyncable)},
            {"in_sync", in_sync_count(p)},
            {"bytes_to_cloud", plan.bytes_to(Side::cloud)},
            {"bytes_to_local", plan.bytes_to(Side::local)}}}};
}

void print_plan(Context& ctx, const config::Config& cfg, const engine::Prepared& p) {
  auto& out = ctx.out();
  out << "Plan for " << cfg.identity.effective_machine_id << ": " << util::display_path(cfg.paths.local_state_dir)
      << "  <->  " << util::display_path(cfg.paths.cloud_root_dir) << '\n';
  if (!p.baseline.usable) {
    out << "  (" << p.baseline.note << ": files on one side are copied, nothing is deleted)\n";
  }
  if (!p.mirror_walked) {
    out << "  (cloud mirror " << p.mirror_note << ")\n";
  }
  if (p.plan_reused) {
    out << "  (nothing to plan: the agent's folder, the baseline and what was skipped are as they were on the last "
           "run, which had nothing to do)\n";
  }
  if (p.volatile_plan) {
    out << "  (volatile: the agent is running, so its files may change before a sync; close it before "
           "`sync --apply`)\n";
  }
  std::size_t path_width = 4;
  for (const auto& a : p.plan.actions) {
    path_width = std::max(path_width, std::min<std::size_t>(a.path.size(), 60));
  }
  for (const auto& a : p.plan.actions) {
    const auto bytes = a.bytes() > 0 ? human_bytes(a.bytes()) : std::string();
    out << fmt::format("  {:<13}  {:<{}}  {:>10}  {}\n", plan::kind_label(a.kind), a.path, path_width, bytes,
                       a.reason);
    if (a.kind == plan::ActionKind::conflict) {
      out << fmt::format("  {:<13}  here: {}; cloud: {}\n", "", state_text(a.local), state_text(a.cloud));
    }
    if (const auto& findings = findings_of(p, a.path); findings.size() > 1) {
      for (const auto& line : describe_findings(a.path, findings)) {
        out << fmt::format("  {:<13}  {}\n", "", line);
      }
    }
  }
  std::vector<std::string> skipped;
  for (const auto side : {Side::local, Side::cloud}) {
    for (const auto& s : (side == Side::local ? p.local : p.cloud).skipped) {
      skipped.push_back(fmt::format("{} ({}): {}", s.path, side_name(side), s.reason));
    }
  }
  if (!skipped.empty()) {
    out << "Never synced (" << skipped.size() << "):\n";
    for (std::size_t i = 0; i < skipped.size() && i < k_skipped_shown; ++i) {
      out << "  " << skipped[i] << '\n';
    }
    if (skipped.size() > k_skipped_shown) {
      out << "  ... and " << skipped.size() - k_skipped_shown << " more (--json lists them all)\n";
    }
  }
  if (!p.artefacts.empty()) {
    out << "Cloud client files (" << p.artefacts.size()
        << "; never synced; `codexsync artefacts clean` moves them into the backups):\n";
    print_artefacts(out, p.artefacts, shadow_exists_in(p.local, p.cloud), "  ");
  }
  const auto& plan = p.plan;
  out << fmt::format("Summary: {} to the cloud ({}), {} to here ({}), {} deletion(s), {} merge(s), {} conflict(s), "
                     "{} held, {} kept apart, {}{}{} in sync\n",
                     plan.count(plan::ActionKind::copy_to_cloud), human_bytes(plan.bytes_to(Side::cloud)),
                     plan.count(plan::ActionKind::copy_to_local), human_bytes(plan.bytes_to(Side::local)),
                     plan.count(plan::ActionKind::delete_cloud) + plan.count(plan::ActionKind::delete_local),
                     plan.count(plan::ActionKind::merge), plan.count(plan::ActionKind::conflict),
                     plan.count(plan::ActionKind::held), plan.count(plan::ActionKind::kept_apart),
                     plan.count(plan::ActionKind::withheld) > 0
                       ? fmt::format("{} withheld (secrets), ", plan.count(plan::ActionKind::withheld))
                       : std::string(),
                     plan.count(plan::ActionKind::unsyncable) > 0
                       ? fmt::format("{} unsyncable, ", plan.count(plan::ActionKind::unsyncable))
                       : std::string(),
                     in_sync_count(p));
  if (!p.undelivered.empty()) {
    out << fmt::format("Not delivered yet ({}): the cloud folder does not hold what another machine wrote\n",
                       p.undelivered.size());
    for (std::size_t i = 0; i < p.undelivered.size() && i < k_undelivered_shown; ++i) {
      out << fmt::format("  {}: {}\n", p.undelivered[i].path, p.undelivered[i].why);
    }
    if (p.undelivered.size() > k_undelivered_shown) {
      out << fmt::format("  ... and {} more (--json lists them all)\n", p.undelivered.size() - k_undelivered_shown);
    }
  }
  if (p.deletion_stop) {
    out << "Deletion guard: " << *p.deletion_stop << '\n';
  }
}

void refuse_conflicts(const config::Config& cfg, const engine::Prepared& p) {
  const auto count = p.plan.count(plan::ActionKind::conflict);
  if (count == 0) {
    return;
  }
  std::string message = fmt::format("{} conflict(s) left open; nothing was written.", count);
  if (cfg.conflict.report_conflicts) {
    for (const auto& a : p.plan.actions) {
      if (a.kind == plan::ActionKind::conflict) {
        message += fmt::format("\n  {}: here {}; cloud {}", a.path, state_text(a.local), state_text(a.cloud));
      }
    }
  } else {
    message += " (paths hidden by conflict.report_conflicts = false)";
  }
  message += "\nResolve each by keeping the version you want on both sides (or set conflict.policy), then run "
             "again; every replaced version is backed up.";
  throw ConflictError(message);
}

void refuse_secrets(const config::Config& cfg, const engine::Prepared& p) {
  const auto count = p.plan.count(plan::ActionKind::withheld);
  if (count == 0 || cfg.secrets.on_detect != config::SecretAction::refuse) {
    return;
  }
  std::string message =
    fmt::format("{} file(s) hold a secret and must not go to the cloud folder; nothing was written.", count);
  for (const auto& a : p.plan.actions) {
    for (const auto& line : describe_findings(a.path, findings_of(p, a.path))) {
      message += "\n  " + line;
    }
  }
  message += fmt::format("\nTo go on, for each: remove the secret from the file and run again; or, if it may be in "
                         "the cloud folder, add its fingerprint to [secrets] allow in {}; or set [secrets] "
                         "on_detect = \"skip\" to keep such files on this machine and sync the rest.",
                         util::display_path(cfg.source_file));
  throw FailSafeError(message);
}

void refuse_undelivered(const engine::Prepared& p) {
  if (p.undelivered.empty()) {
    return;
  }
  std::string message = fmt::format("cloud folder still syncing; retry later. {} file(s) are not there yet as "
                                    "another machine's delivery record says it wrote them; nothing was written:",
                                    p.undelivered.size());
  for (std::size_t i = 0; i < p.undelivered.size() && i < k_undelivered_shown; ++i) {
    message += fmt::format("\n  {}: {}", p.undelivered[i].path, p.undelivered[i].why);
  }
  if (p.undelivered.size() > k_undelivered_shown) {
    message += fmt::format("\n  ... and {} more", p.undelivered.size() - k_undelivered_shown);
  }
  message += "\nWait until the cloud client shows it is up to date and run again ([sync] delivery_wait_seconds "
             "waits by itself). If those files were changed or removed in the cloud folder by hand, or the other "
             "machine's run was cut short, `codexsync sync --apply --accept-undelivered` syncs what is there (a file "
             "missing there then counts as deleted) and vouches for it from then on.";
  throw FailSafeError(message);
}

void refuse_mass_deletion(const config::Config& cfg, const engine::Prepared& p) {
  if (!p.deletion_stop) {
    return;
  }
  throw FailSafeError(fmt::format(
    "deletion guard: {}; nothing was written. Check the folders first (an unmounted drive, a cloud folder still "
    "downloading or a wiped state folder look like mass deletions). If these deletions are wanted, run `codexsync "
    "sync --apply --force-deletes` (every deleted file is backed up first), or raise [sync] max_delete_percent / "
    "max_delete_count in {}",
    *p.deletion_stop, util::display_path(cfg.source_file)));
}

void warn_unsyncable(const engine::Prepared& p) {
  for (const auto& a : p.plan.actions) {
    if (a.kind == plan::ActionKind::unsyncable) {
      log::file_action(log::Level::warning, "unsyncable", a.path, "both", a.reason);
    }
  }
}

void warn_withheld(const engine::Prepared& p) {
  for (const auto& a : p.plan.actions) {
    if (a.kind != plan::ActionKind::withheld) {
      continue;
    }
    const auto found = describe_findings(a.path, findings_of(p, a.path));
    log::file_action(log::Level::warning, "withhold", a.path, "local",
                     fmt::format("{} holds a secret, so it stays on this machine and is not copied to the cloud "
                                 "folder ([secrets] on_detect = \"skip\"): {}. To sync it, remove the secret or add "
                                 "its fingerprint to [secrets] allow",
                                 a.path, fmt::join(found, "; ")));
  }
}

} // namespace codexsync::commands
