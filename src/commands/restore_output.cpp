#include "restore_output.hpp"

#include "cold_gate.hpp"
#include "plan_output.hpp"

#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/log/log.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {

ExitCode run_restore_plan(Context& ctx, const engine::RestorePlan& plan, bool apply, std::string_view what) {
  const auto& cfg = ctx.config();
  const bool json = ctx.global().json;
  nlohmann::json doc;
  if (json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : plan.items) {
      items.push_back({{"step", engine::to_string(item.step)},
                       {"side", side_name(item.side)},
                       {"path", item.path},
                       {"bytes", item.size},
                       {"reason", item.reason}});
    }
    doc = {{"snapshot", plan.snapshot}, {"journal", plan.journal}, {"items", items}, {"applied", apply}};
  } else {
    auto& out = ctx.out();
    out << what << (plan.snapshot.empty() ? std::string() : " from snapshot " + plan.snapshot) << ":\n";
    for (const auto& item : plan.items) {
      out << fmt::format("  {:<9}  {:<5}  {}  ({})\n", engine::to_string(item.step), side_name(item.side), item.path,
                         item.reason);
    }
    out << fmt::format("Summary: {} to put back, {} to remove, {} unchanged, {} refused\n",
                       plan.count(engine::RestoreStep::put_back), plan.count(engine::RestoreStep::remove),
                       plan.count(engine::RestoreStep::unchanged), plan.count(engine::RestoreStep::refused));
  }
  if (!apply) {
    if (json) {
      ctx.out() << doc.dump(2) << '\n';
    } else {
      ctx.out() << "Dry run: nothing was written. Add --apply to carry it out.\n";
    }
    return ExitCode::ok;
  }
  config::require_writable(cfg);
  ColdGate gate(ctx, cfg);
  gate.require();
  const auto report = engine::apply_restore(cfg, plan, ctx.clock(), [&gate] { gate.check_now(); });
  if (auto* facts = run_facts(ctx)) {
    facts->counts.restored = report.put_back;
    facts->counts.removed = report.removed;
  }
  if (json) {
    doc["result"] = {{"put_back", report.put_back},
                     {"removed", report.removed},
                     {"backup_of_replaced", report.backup_snapshot},
                     {"journal", report.journal_id}};
    ctx.out() << doc.dump(2) << '\n';
  } else {
    ctx.out() << fmt::format("Done: {} put back, {} removed.", report.put_back, report.removed);
    if (!report.backup_snapshot.empty()) {
      ctx.out() << " What was there before is in snapshot " << report.backup_snapshot << '.';
    }
    ctx.out() << '\n';
  }
  return ExitCode::ok;
}

} // namespace codexsync::commands
