#include "plan_output.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

namespace codexsync::commands {
namespace {

constexpr std::size_t k_skipped_shown = 10;

nlohmann::json state_json(const std::optional<FileState>& s) {
  if (!s) {
    return nullptr;
  }
  nlohmann::json j{{"size", s->size}, {"mtime_ns", s->mtime_ns}, {"mtime", human_time(s->mtime_ns)}};
  if (s->sha256) {
    j["sha256"] = *s->sha256;
  }
  return j;
}

std::string state_text(const std::optional<FileState>& s) {
  return s ? fmt::format("{}, {}", human_bytes(s->size), human_time(s->mtime_ns)) : std::string("missing");
}

std::size_t in_sync_count(const engine::Prepared& p) {
  std::set<std::string> paths;
  for (const auto& [path, state] : p.local.files) {
    paths.insert(path);
  }
  for (const auto& [path, state] : p.cloud.files) {
    paths.insert(path);
  }
  return paths.size() - std::min(paths.size(), p.plan.actions.size());
}

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
          {"actions", std::move(actions)},
          {"skipped", std::move(skipped)},
          {"summary",
           {{"copy_to_cloud", plan.count(plan::ActionKind::copy_to_cloud)},
            {"copy_to_local", plan.count(plan::ActionKind::copy_to_local)},
            {"delete_cloud", plan.count(plan::ActionKind::delete_cloud)},
            {"delete_local", plan.count(plan::ActionKind::delete_local)},
            {"conflicts", plan.count(plan::ActionKind::conflict)},
            {"held", plan.count(plan::ActionKind::held)},
            {"kept_apart", plan.count(plan::ActionKind::kept_apart)},
            {"merge", plan.count(plan::ActionKind::merge)},
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
  const auto& plan = p.plan;
  out << fmt::format("Summary: {} to the cloud ({}), {} to here ({}), {} deletion(s), {} merge(s), {} conflict(s), "
                     "{} held, {} kept apart, {} in sync\n",
                     plan.count(plan::ActionKind::copy_to_cloud), human_bytes(plan.bytes_to(Side::cloud)),
                     plan.count(plan::ActionKind::copy_to_local), human_bytes(plan.bytes_to(Side::local)),
                     plan.count(plan::ActionKind::delete_cloud) + plan.count(plan::ActionKind::delete_local),
                     plan.count(plan::ActionKind::merge), plan.count(plan::ActionKind::conflict),
                     plan.count(plan::ActionKind::held), plan.count(plan::ActionKind::kept_apart), in_sync_count(p));
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

} // namespace codexsync::commands
