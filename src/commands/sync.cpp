#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/discovery.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/keep_until_exit.hpp>

#include "cold_gate.hpp"
#include "plan_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <exception>
#include <ostream>
#include <sstream>
#include <thread>

namespace codexsync::commands {
namespace {

// Draws "files, bytes, rate" at most four times a second on a terminal.
class ProgressLine {
public:
  explicit ProgressLine(std::ostream& out) : m_out(out), m_start(std::chrono::steady_clock::now()) {}

  void update(const engine::Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(250) && p.files_done != p.files_total) {
      return;
    }
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const auto rate = seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(p.bytes_done) / seconds) : 0;
    m_out << fmt::format("\r  {}/{} files, {} of {}, {}/s   ", p.files_done, p.files_total, human_bytes(p.bytes_done),
                         human_bytes(p.bytes_total), human_bytes(rate))
          << std::flush;
    m_drawn = true;
  }
  void finish() {
    if (m_drawn) {
      m_out << '\n';
    }
  }

private:
  std::ostream& m_out;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last{};
  bool m_drawn = false;
};

class SyncCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"sync"}; }
  std::string summary() const override {
    return "Sync the agent's state with the cloud folder (a dry run unless --apply)";
  }
  std::string example() const override { return "codexsync sync --apply"; }
  void add_options(CLI::App& app) override {
    auto* dry_run = app.add_flag("--dry-run", m_dry_run,
                                 "Only show what would happen (the default unless sync.dry_run_default = false)");
    app.add_flag("--apply", m_apply, "Write: back up, copy and delete as planned")->excludes(dry_run);
    app.add_flag("--accept-undelivered", m_accept_undelivered,
                 "Sync what the cloud folder holds even where it does not match another machine's delivery "
                 "record (files changed or removed there by hand, a run cut short); files missing from it may "
                 "then count as deleted");
    app.add_flag("--adopt-workspace", m_adopt_workspace,
                 "Take this cloud folder as the one to sync with although its workspace marker is missing or "
                 "different (a new cloud folder); synced as a first sync: copies both ways, no deletions");
    app.add_flag("--force-deletes", m_force_deletes,
                 "Carry out a plan that deletes more than [sync] max_delete_percent / max_delete_count allow");
    app.add_flag("--full-scan", m_full_scan,
                 "List every file of the cloud mirror, even when no machine has delivered anything since the "
                 "last clean run (see [sync] full_scan_hours)");
    app.add_flag("--all", m_all,
                 "Sync every agent of the config in turn (the top level, when it is a config of its own, then "
                 "each [profiles.<name>]), each with its own check that it is closed, plan and apply");
  }

  ExitCode run(Context& ctx) override {
    if (m_all) {
      return run_all(ctx);
    }
    return run_one(ctx);
  }

private:
  ExitCode run_one(Context& ctx) {
    auto* facts = run_facts(ctx);
    if (facts != nullptr) {
      facts->mode = m_apply ? "apply" : m_dry_run ? "dry-run" : "";  // before the config can fail
    }
    const auto& cfg = ctx.config();
    const bool apply = m_apply || (!m_dry_run && !cfg.sync.dry_run_default);
    if (facts != nullptr) {
      facts->mode = apply ? "apply" : "dry-run";
    }
    if (apply) {
      config::require_writable(cfg);
    }
    ctx.start_file_logging();
    ColdGate gate(ctx, cfg);
    if (apply) {
      gate.require();  // before looking: the plan must not be made while the agent writes
      // A chat a killed run left half-appended is wholly old again before it is looked at.
      engine::repair_interrupted_appends(cfg, ctx.clock());
    }
    const engine::PrepareOptions options{.install_id = state::install_id(util::user_state_dir(ctx.env())),
                                         .user_state_dir = util::user_state_dir(ctx.env()),
                                         .accept_undelivered = m_accept_undelivered,
                                         .adopt_workspace = m_adopt_workspace,
                                         // After a sync that did not end cleanly (it may have stopped on
                                         // what it found in the mirror): the mirror is listed in full.
                                         .full_scan = m_full_scan || last_sync_unclean(ctx),
                                         .clock = &ctx.clock()};
    auto prepared = prepare_delivered(ctx, cfg, options);
    // One run per process (not --all): its maps are left for the system to
    // take back when the process ends, whichever way this returns.
    struct KeepUntilExit {
      engine::Prepared& prepared;
      bool keep;
      ~KeepUntilExit() {
        if (keep && std::uncaught_exceptions() == 0) {
          try {
            util::keep_until_exit(std::move(prepared));
          } catch (const std::exception&) {
            // Freed as usual then.
          }
        }
      }
    } const keep_until_exit{prepared, !m_all};
    prepared.volatile_plan = !apply && agent_running_now(cfg);
    const bool json = ctx.global().json;
    if (!json) {
      print_plan(ctx, cfg, prepared);
    }
    if (!prepared.undelivered.empty() || (prepared.deletion_stop && !m_force_deletes)) {
      if (json) {
        ctx.out() << plan_json(cfg, prepared).dump(2) << '\n';
      }
      refuse_undelivered(prepared);
      refuse_mass_deletion(cfg, prepared);
    }
    heed_peers(ctx, cfg, prepared);
    warn_unsyncable(prepared);
    if (prepared.plan.has_conflicts()) {
      note_conflicts(facts, cfg, prepared.plan);
      if (json) {
        ctx.out() << plan_json(cfg, prepared).dump(2) << '\n';
      }
      refuse_conflicts(cfg, prepared);
    }
    if (prepared.plan.count(plan::ActionKind::withheld) > 0) {
      if (cfg.secrets.on_detect == config::SecretAction::refuse) {
        if (json) {
          ctx.out() << plan_json(cfg, prepared).dump(2) << '\n';
        }
        refuse_secrets(cfg, prepared);
      }
      warn_withheld(prepared);
    }
    if (!apply) {
      if (json) {
        auto doc = plan_json(cfg, prepared);
        doc["applied"] = false;
        ctx.out() << doc.dump(2) << '\n';
      } else {
        ctx.out() << "Dry run: nothing was written. Run `codexsync sync --apply` to carry it out.\n";
      }
      return ExitCode::ok;
    }
    log::info("sync started", {{"actions", std::to_string(prepared.plan.actions.size())}});
    ProgressLine progress(ctx.out());
    engine::ApplyHooks hooks;
    if (ctx.interactive()) {
      hooks.on_progress = [&progress](const engine::Progress& p) { progress.update(p); };
    }
    hooks.before_write = [&gate] { gate.check_now(); };
    const auto report = engine::apply(cfg, prepared, ctx.clock(), hooks);
    progress.finish();
    note_result(facts, report);
    log::info("sync finished", {{"copied", std::to_string(report.copied)},
                                {"deleted", std::to_string(report.deleted)},
                                {"backed_up", std::to_string(report.backed_up)},
                                {"journal", report.journal_id}});
    print_report(ctx, cfg, prepared, report);
    if (!report.failed.empty()) {
      throw RuntimeError(fmt::format("{} file(s) could not be written and were left as they were (the other "
                                     "changes were synced):\n  {}\nFix each as the message says and run again",
                                     report.failed.size(), fmt::join(report.failed, "\n  ")));
    }
    if (!report.changed_meanwhile.empty()) {
      throw FailSafeError(fmt::format("{} file(s) changed while syncing and were left as they were: {}. Is the "
                                      "agent running? Close it and run `codexsync sync --apply` again",
                                      report.changed_meanwhile.size(), fmt::join(report.changed_meanwhile, ", ")));
    }
    return ExitCode::ok;
  }

  // What the other machines' records say: a sync running elsewhere (its
  // files may still be arriving) is a warning, or exit 5 with [sync]
  // respect_peer_lease; skewed clocks are warnings.
  static void heed_peers(Context& ctx, const config::Config& cfg, const engine::Prepared& prepared) {
    const auto findings =
      state::peer_findings(prepared.machines.records, cfg.identity.effective_machine_id, ctx.clock().now(),
                           cfg.sync.lease_seconds, cfg.sync.clock_offset_warn_seconds);
    for (const auto& finding : findings) {
      if (finding.running && cfg.sync.respect_peer_lease) {
        throw FailSafeError(fmt::format("{}; nothing was written ([sync] respect_peer_lease = true). Run again once "
                                        "it has finished",
                                        finding.message));
      }
      log::warn(finding.message, {{"machine", finding.machine}});
    }
  }

  // Prepares the plan; while the mirror lacks files a peer's delivery record
  // claims, looks again every few seconds for up to [sync] delivery_wait_seconds.
  static engine::Prepared prepare_delivered(Context& ctx, const config::Config& cfg,
                                            const engine::PrepareOptions& options) {
    auto prepared = engine::prepare(cfg, options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg.sync.delivery_wait_seconds);
    while (!prepared.undelivered.empty()) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) {
        break;
      }
      const auto pause = std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(3));
      ctx.err() << fmt::format("codexsync: waiting for the cloud folder: {} file(s) not delivered yet (first: {}); "
                               "looking again in {} s\n",
                               prepared.undelivered.size(), prepared.undelivered.front().path,
                               std::chrono::ceil<std::chrono::seconds>(pause).count());
      std::this_thread::sleep_for(pause);
      prepared = engine::prepare(cfg, options);
    }
    return prepared;
  }

  // One agent of `sync --all`: its exit code and, with --json, its document.
  struct ProfileRun {
    std::string label;  // "claude", or "(top level)"
    int exit_code = 0;
    std::string first_error;
    std::string doc;  // with --json: its entry in the document, serialised
  };

  ExitCode run_all(Context& ctx) {
    if (ctx.global().profile) {
      throw UsageError("--profile and --all cannot be used together: --all syncs every profile of the config in "
                       "turn; give one or the other");
    }
    auto* facts = run_facts(ctx);
    if (facts != nullptr) {
      facts->mode = m_apply ? "apply" : m_dry_run ? "dry-run" : "";
    }
    // Whatever makes the whole file unusable stops everything (exit 4).
    const auto& discovery = config::discover_config(ctx.global().config_file, ctx.env());
    const auto list = config::list_profiles_file(discovery.path, ctx.env());
    std::vector<std::optional<std::string>> units;
    if (list.top_level) {
      units.emplace_back(std::nullopt);
    }
    for (const auto& name : list.names) {
      units.emplace_back(name);
    }
    if (facts != nullptr) {
      facts->recorded_per_profile = true;
    }
    const bool json = ctx.global().json;
    std::vector<ProfileRun> runs;
    for (const auto& unit : units) {
      ProfileRun run;
      run.label = unit ? *unit : std::string("(top level)");
      if (!json) {
        ctx.out() << fmt::format("== {} ==\n", unit ? "profile " + *unit : std::string("top level"));
        ctx.out().flush();
      }
      GlobalOptions global = ctx.global();
      global.profile = unit;
      std::ostringstream captured;
      RunFacts own_facts;
      Context child(ctx.env(), global, json ? captured : ctx.out(), ctx.err(), ctx.clock());
      child.set_interactive(ctx.interactive());
      child.set_stdin_interactive(ctx.stdin_interactive());
      if (facts != nullptr) {
        child.set_run_facts(&own_facts);
      }
      const auto started = ctx.clock().now();
      std::string failure;
      std::vector<std::string> messages;
      try {
        run.exit_code = to_int(run_one(child));
      } catch (const ConfigError& e) {
        failure = e.what();
        messages = e.problems();
        run.exit_code = to_int(e.code());
        for (const auto& line : messages) {
          ctx.err() << line << '\n';
        }
        ctx.err() << "codexsync: the config of " << run.label << " is invalid (exit 4); fix the lines above\n";
      } catch (const Error& e) {
        failure = e.what();
        messages = {e.what()};
        run.exit_code = to_int(e.code());
        ctx.err() << "codexsync: error: " << e.what() << '\n';
      } catch (const std::exception& e) {
        failure = fmt::format("unexpected failure: {}", e.what());
        messages = {failure};
        run.exit_code = to_int(ExitCode::runtime_error);
        ctx.err() << "codexsync: error: " << failure << '\n';
      }
      run.first_error = failure.substr(0, failure.find('\n'));
      if (facts != nullptr) {
        record_run(child, "sync", started, run.exit_code, failure);
      }
      if (json) {
        auto doc = nlohmann::json::parse(captured.str(), nullptr, false);
        run.doc = nlohmann::json{{"profile", unit ? nlohmann::json(*unit) : nlohmann::json()},
                                 {"exit_code", run.exit_code},
                                 {"outcome", exit_code_name(static_cast<ExitCode>(run.exit_code))},
                                 {"messages", messages},
                                 {"result", doc.is_discarded() ? nlohmann::json() : doc}}
                    .dump();
      }
      runs.push_back(std::move(run));
    }
    return report_all(ctx, runs);
  }

  static ExitCode report_all(Context& ctx, const std::vector<ProfileRun>& runs) {
    int worst = 0;
    for (const auto& run : runs) {
      if (severity(run.exit_code) > severity(worst)) {
        worst = run.exit_code;
      }
    }
    if (ctx.global().json) {
      nlohmann::json profiles = nlohmann::json::array();
      for (const auto& run : runs) {
        profiles.push_back(nlohmann::json::parse(run.doc));
      }
      ctx.out() << nlohmann::json{{"profiles", profiles},
                                  {"exit_code", worst},
                                  {"outcome", exit_code_name(static_cast<ExitCode>(worst))}}
                     .dump(2)
                << '\n';
    } else {
      ctx.out() << "== result ==\n";
      for (const auto& run : runs) {
        const auto code = static_cast<ExitCode>(run.exit_code);
        ctx.out() << fmt::format("{}: exit {} ({}){}\n", run.label, run.exit_code, exit_code_title(code),
                                 run.first_error.empty() ? "" : ": " + run.first_error);
      }
    }
    return static_cast<ExitCode>(worst);
  }

  // How serious an exit code is for `sync --all` (docs/exit-codes.md):
  // 5 > 4 > 1 > 2 > 3 > 0.
  static int severity(int exit_code) {
    switch (static_cast<ExitCode>(exit_code)) {
    case ExitCode::ok: return 0;
    case ExitCode::agent_running: return 1;
    case ExitCode::conflict: return 2;
    case ExitCode::runtime_error: return 3;
    case ExitCode::invalid_config: return 4;
    case ExitCode::fail_safe: return 5;
    }
    return 3;
  }

  static void note_conflicts(RunFacts* facts, const config::Config& cfg, const plan::Plan& plan) {
    if (facts == nullptr) {
      return;
    }
    facts->counts.conflicts = plan.count(plan::ActionKind::conflict);
    if (!cfg.conflict.report_conflicts) {
      return;  // the paths stay hidden, in the record too
    }
    for (const auto& action : plan.actions) {
      if (action.kind == plan::ActionKind::conflict) {
        facts->conflicts.push_back(action.path);
      }
    }
  }

  static void note_result(RunFacts* facts, const engine::ApplyReport& r) {
    if (facts == nullptr) {
      return;
    }
    facts->counts.copied_to_cloud = r.copied_to_cloud;
    facts->counts.copied_to_local = r.copied_to_local;
    facts->counts.deleted = r.deleted;
    facts->counts.backed_up = r.backed_up;
    facts->counts.bytes_copied = r.bytes_copied;
    facts->counts.failed = r.failed.size();
    facts->counts.changed_meanwhile = r.changed_meanwhile.size();
    if (!r.failed.empty()) {
      facts->first_error = r.failed.front();
    }
  }

  static void print_report(Context& ctx, const config::Config& cfg, const engine::Prepared& prepared,
                           const engine::ApplyReport& r) {
    if (ctx.global().json) {
      auto doc = plan_json(cfg, prepared);
      doc["applied"] = true;
      doc["result"] = {{"copied", r.copied},
                       {"deleted", r.deleted},
                       {"backed_up", r.backed_up},
                       {"bytes_copied", r.bytes_copied},
                       {"snapshot", r.snapshot},
                       {"journal", r.journal_id},
                       {"fast_forwarded", r.fast_forwarded},
                       {"tails_hashed_alone", r.tails_hashed_alone},
                       {"merged", r.merged},
                       {"new_chats", r.new_chats},
                       {"conflicts_kept", kept_json(r)},
                       {"changed_meanwhile", r.changed_meanwhile},
                       {"settled_journals", r.closed_journals},
                       {"pruned_snapshots", r.pruned_snapshots}};
      ctx.out() << doc.dump(2) << '\n';
      return;
    }
    auto& out = ctx.out();
    out << fmt::format("Done: {} copied ({}), {} deleted, {} backed up", r.copied, human_bytes(r.bytes_copied),
                       r.deleted, r.backed_up);
    if (!r.snapshot.empty()) {
      out << " into snapshot " << r.snapshot;
    }
    out << ".\n";
    if (r.fast_forwarded > 0 || r.merged > 0) {
      out << fmt::format("{} append-only file(s) fast-forwarded (only their new tail copied), {} merged line by "
                         "line.\n",
                         r.fast_forwarded, r.merged);
    }
    if (r.new_chats > 0) {
      out << fmt::format("{} new chat(s) arrived from the cloud.", r.new_chats);
      if (cfg.agent.kind == config::AgentKind::codex) {
        out << " If Codex does not list them, see \"Chats from another machine\" in docs/operations.md "
               "(start with `codex resume --all`).";
      }
      out << '\n';
    }
    for (const auto& kept : r.conflicts_kept) {
      out << fmt::format("Conflict settled by conflict.policy: the losing version of {} is kept as {}; "
                         "`codexsync conflicts restore {}` brings it back.\n",
                         kept.path, kept.id, kept.id);
    }
    for (const auto& id : r.closed_journals) {
      out << "An earlier interrupted run (" << id << ") is now settled.\n";
    }
  }

  static nlohmann::json kept_json(const engine::ApplyReport& r) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& k : r.conflicts_kept) {
      kept.push_back({{"path", k.path}, {"id", k.id}});
    }
    return kept;
  }

  bool m_dry_run = false;
  bool m_apply = false;
  bool m_all = false;
  bool m_accept_undelivered = false;
  bool m_adopt_workspace = false;
  bool m_force_deletes = false;
  bool m_full_scan = false;
};

} // namespace

std::unique_ptr<Command> make_sync() { return std::make_unique<SyncCommand>(); }

} // namespace codexsync::commands
