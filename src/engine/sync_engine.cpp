#include <codexsync/apply/file_ops.hpp>
#include <codexsync/backup/snapshot.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/parallel.hpp>
#include <codexsync/util/sha256.hpp>

#include "evidence.hpp"
#include "sides.hpp"
#include "transport.hpp"

#include <codexsync/merge/lines.hpp>
#include <codexsync/scan/glob.hpp>
#include <codexsync/state/conflict_store.hpp>

#include <fmt/format.h>

#include <future>
#include <mutex>
#include <map>
#include <set>

namespace codexsync::engine {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_space_margin = 64ULL * 1024 * 1024;
constexpr std::size_t k_finished_journals_kept = 20;
// [sync] copy_threads = 0: this many copies at once for runs of at least
// k_parallel_copies_from copies (smaller runs gain nothing from threads).
constexpr std::size_t k_auto_copy_threads = 4;
constexpr std::size_t k_parallel_copies_from = 16;
// A chat smaller than this is hashed whole again when it grows (cheap); a
// midstate is kept only for larger ones, so many small chats cost no memory.
constexpr std::uint64_t k_resume_point_min_bytes = 64ULL * 1024;

using detail::file_on;
using detail::side_root;

// Fills FileState::sha256 for the planner's candidates, reusing the baseline's
// hash when size and mtime still match what it recorded.
void hash_candidates(const config::Config& cfg, Prepared& p) {
  for (const auto& path : plan::hash_candidates(p.local, p.cloud, p.baseline.baseline, p.options)) {
    for (const auto side : {Side::local, Side::cloud}) {
      auto& files = (side == Side::local ? p.local : p.cloud).files;
      if (const auto found = files.find(path); found != files.end()) {
        detail::fill_hash(cfg, p.baseline.baseline, side, path, found->second, "compare it");
      }
    }
  }
}

void check_roots(const config::Config& cfg) {
  const auto& local = cfg.paths.local_state_dir;
  const auto& cloud = cfg.paths.cloud_root_dir;
  if (util::is_same_or_inside(local, cloud) || util::is_same_or_inside(cloud, local)) {
    throw FailSafeError(fmt::format("the cloud mirror {} and the agent's folder {} are the same or nested; "
                                    "refusing to sync. Fix paths.cloud_root_dir",
                                    util::display_path(cloud), util::display_path(local)));
  }
  std::error_code ec;
  // An unmounted cloud drive looks like an empty cloud side: refuse rather than
  // recreate the mirror where the mount should be.
  const auto cloud_folder = cfg.paths.workspace_root_dir ? *cfg.paths.workspace_root_dir : cloud.parent_path();
  if (!fs::is_directory(cloud_folder, ec)) {
    throw FailSafeError(fmt::format("the cloud folder {} does not exist; nothing was written. Is the cloud "
                                    "client running and the drive mounted? Otherwise create the folder or fix "
                                    "paths.workspace_root_dir",
                                    util::display_path(cloud_folder)));
  }
  if (!fs::is_directory(local, ec)) {
    throw FailSafeError(fmt::format("the agent's folder {} does not exist; nothing was written. Set "
                                    "paths.local_state_dir, or start the agent once so it creates it",
                                    util::display_path(local)));
  }
}

// What the scan of `side` looks at. A file the baseline saw on that side with
// the same size and mtime is not opened again to check what kind of file it is.
scan::ScanOptions scan_options(const config::Config& cfg, const Prepared& p, Side side) {
  scan::ScanOptions options{cfg.targets.include_roots, cfg.filters.exclude_globs, cfg.filters.never_sync_globs, {}};
  options.known_file = [&baseline = p.baseline.baseline, side](const std::string& path, std::uint64_t size,
                                                                std::int64_t mtime_ns) {
    const auto it = baseline.find(path);
    if (it == baseline.end()) {
      return false;
    }
    const auto& seen = side == Side::local ? it->second.local : it->second.cloud;
    return seen && seen->size == size && seen->mtime_ns == mtime_ns;
  };
  return options;
}

// The first unreadable path of a side, if any: a side we cannot fully see is
// not planned from.
void refuse_unreadable(const Index& index, Side side) {
  for (const auto& skipped : index.skipped) {
    if (skipped.reason.rfind("unreadable", 0) == 0) {
      throw FailSafeError(fmt::format("cannot read {} on the {} side ({}); nothing was written. Fix its "
                                      "permissions and run again",
                                      skipped.path, side_name(side), skipped.reason));
    }
  }
}

// The device of the nearest existing folder at or above `path` (0 when unknown).
std::uint64_t device_of(const fs::path& path) {
  std::error_code ec;
  const auto st = util::stat_no_follow(util::nearest_existing(path), ec);
  return st ? st->device : 0;
}

// Refuses a run whose copies and backups would not fit: needs on folders of
// the same volume are added up (the template keeps the mirror and the backups
// on one disk).
void check_free_space(const config::Config& cfg, const plan::Plan& plan) {
  std::uint64_t backup_bytes = 0;
  for (const auto& action : plan.actions) {
    if (action.replaces_existing()) {
      const auto& existing = action.destination() == Side::local ? action.local : action.cloud;
      backup_bytes += existing ? existing->size : 0;
    }
  }
  struct Need {
    fs::path where;
    std::uint64_t bytes = 0;
    std::string what;
  };
  std::uint64_t loser_bytes = 0;
  for (const auto& action : plan.actions) {
    if (action.keep_loser && action.writes()) {
      const auto& loser = action.destination() == Side::local ? action.local : action.cloud;
      loser_bytes += loser ? loser->size : 0;
    }
  }
  std::map<std::uint64_t, Need> by_volume;
  const std::vector<Need> needs{{cfg.paths.local_state_dir, plan.bytes_to(Side::local), "the agent's folder"},
                                {cfg.paths.cloud_root_dir, plan.bytes_to(Side::cloud), "the cloud mirror"},
                                {cfg.paths.backup_dir, backup_bytes, "the backup folder"},
                                {config::workspace_dir(cfg) / "conflicts", loser_bytes, "the conflict store"}};
  for (const auto& need : needs) {
    if (need.bytes == 0) {
      continue;
    }
    auto& volume = by_volume[device_of(need.where)];
    if (volume.what.empty()) {
      volume.where = need.where;
      volume.what = need.what;
    } else {
      volume.what += " and " + need.what;
    }
    volume.bytes += need.bytes;
  }
  for (const auto& [device, need] : by_volume) {
    const auto free = apply::free_space(need.where);
    if (free && *free < need.bytes + k_space_margin) {
      throw FailSafeError(fmt::format("not enough free space for {} {}: {} MiB needed (with a 64 MiB margin), "
                                      "{} MiB free; nothing was written. Free some space and run again",
                                      need.what, util::display_path(need.where),
                                      (need.bytes + k_space_margin) >> 20U, *free >> 20U));
    }
  }
}

// The destination and source still look as the plan saw them?
bool unchanged_since_plan(const config::Config& cfg, Side side, const std::string& path,
                          const std::optional<FileState>& planned) {
  std::error_code ec;
  const auto now = util::stat_no_follow(file_on(cfg, side, path), ec);
  if (!planned) {
    return !now;  // planned absent: must still be absent
  }
  return now && now->type == util::FileType::regular && now->size == planned->size &&
         now->mtime_ns == planned->mtime_ns;
}

// Refuses, before anything is written, a run whose destination or backup
// folder cannot be written (a read-only mount, missing permissions).
void check_writable(const config::Config& cfg, const plan::Plan& plan) {
  bool to_local = false;
  bool to_cloud = false;
  bool backups = false;
  bool losers = false;
  for (const auto& action : plan.actions) {
    if (action.writes()) {
      if (action.kind == plan::ActionKind::merge) {
        to_local = true;
        to_cloud = true;
      } else {
        (action.destination() == Side::local ? to_local : to_cloud) = true;
      }
      backups = backups || action.replaces_existing();
      losers = losers || action.keep_loser;
    }
  }
  const std::vector<std::pair<bool, fs::path>> folders{
    {to_local, cfg.paths.local_state_dir}, {to_cloud, cfg.paths.cloud_root_dir}, {backups, cfg.paths.backup_dir},
    {losers, config::workspace_dir(cfg) / "conflicts"}, {true, cfg.paths.temp_dir}};
  for (const auto& [needed, folder] : folders) {
    if (!needed) {
      continue;
    }
    const auto existing = util::nearest_existing(folder);
    if (!util::can_access_dir(existing, util::Access::write)) {
      throw FailSafeError(fmt::format("cannot write in {} (read-only or no permission); nothing was written. "
                                      "Make it writable and run again",
                                      util::display_path(existing)));
    }
  }
}

// A chat transcript (JSON lines, possibly compressed), not a side file of one.
bool is_transcript(std::string_view path) {
  return path.ends_with(".jsonl") || path.ends_with(".jsonl.zst");
}

class Runner {
public:
  Runner(const config::Config& cfg, const Prepared& prepared, const util::Clock& clock, const ApplyHooks& hooks)
    : m_cfg(cfg), m_prepared(prepared), m_clock(clock), m_hooks(hooks), m_append_only(cfg.sync.append_only_globs),
      m_merge_lines(cfg.sync.merge_line_globs),
      m_applied(prepared.plan) {}

  ApplyReport run() {
    const auto& plan = m_prepared.plan;
    if (plan.has_conflicts()) {
      throw ConflictError("the plan has open conflicts; nothing was written");  // callers check first
    }
    check_writable(m_cfg, plan);
    lock();
    check_free_space(m_cfg, plan);
    detail::settle_marker(m_cfg, m_prepared, m_clock);
    const bool writing = plan.has_writes();
    if (writing) {
      detail::record_sync_start(m_cfg, m_clock);
    }
    try {
      auto report = run_locked();
      detail::record_sync_end(m_cfg, m_clock,
                              !report.failed.empty()              ? to_int(ExitCode::runtime_error)
                              : !report.changed_meanwhile.empty() ? to_int(ExitCode::fail_safe)
                                                                  : to_int(ExitCode::ok));
      return report;
    } catch (const Error& e) {
      detail::forget_settled_deliveries(m_prepared);
      detail::record_sync_end(m_cfg, m_clock, to_int(e.code()));
      throw;
    } catch (const std::exception&) {
      detail::forget_settled_deliveries(m_prepared);
      detail::record_sync_end(m_cfg, m_clock, to_int(ExitCode::runtime_error));
      throw;
    }
  }

private:
  ApplyReport run_locked() {
    const auto& plan = m_prepared.plan;
    sweep_leftovers();
    std::vector<const plan::Action*> writes;
    for (const auto& action : plan.actions) {
      if (action.writes()) {
        writes.push_back(&action);
        m_progress.files_total += 1;
        m_progress.bytes_total += action.bytes();
      }
    }
    if (writes.empty()) {
      // Nothing to write: record what is in sync so the next run has history
      // (unless that is what the baseline already says: the scheduled no-op
      // writes nothing), and settle runs that were killed after their last write.
      // A reused plan (plan_reused) had the same inputs as a run that kept
      // the baseline as it was: it keeps it too.
      if (!m_prepared.baseline.usable ||
          (!m_prepared.plan_reused && !plan::baseline_unchanged(m_prepared.local, m_prepared.cloud,
                                                                m_prepared.baseline.baseline, plan, m_applied))) {
        state::save_baseline(m_prepared.baseline_file, next_baseline_feed());
        m_baseline_saved = true;
      }
      publish();
      settle_earlier_runs();
      return std::move(m_report);
    }
    // Before the first write: a run killed from here on leaves no remembered
    // stamp, so the next run lists the mirror even after `recover` closed its
    // journal (a clean end remembers the stamp again).
    detail::forget_settled_deliveries(m_prepared);
    state::Journal journal = begin_journal(writes);
    m_journal = &journal;
    m_report.journal_id = journal.record().id;
    try {
      last_chance();
      withdraw(writes);
      backup_existing(writes, journal);
      keep_losers(writes);
      apply::fault_point("engine.after_backup");
      journal.set_state(state::JournalState::committing);
      carry_out_all(writes);
      m_folder_syncs.flush();  // every copy's rename on disk before the baseline says it happened
      apply::fault_point("engine.before_baseline");
      // Written entry by entry as it is made: at 100,000 paths a whole one holds tens of MB.
      save_resume_points(next_baseline_feed());
      state::save_baseline(m_prepared.baseline_file, next_baseline_feed());
      m_baseline_saved = true;
      apply::fault_point("engine.after_baseline");
      publish();
      journal.set_state(state::JournalState::committed);
    } catch (const std::exception& e) {
      try {
        journal.set_state(state::JournalState::failed, e.what());
      } catch (const std::exception&) {
        // The journal stays in its last state; the next run sees it as open.
      }
      throw;
    }
    settle_earlier_runs();
    prune();
    return std::move(m_report);
  }

  // Last: tells the other machines what this run left in the mirror; after a
  // clean run, remembers the records as they now are (deliveries_settled).
  void publish() {
    // With the records read, the record is brought up to date whenever it
    // differs (a run cut short left pending claims; claims on files gone from
    // the mirror are dropped). Settled records had nothing to bring up to
    // date: only this run's own changes to the mirror are news then.
    if (!m_prepared.deliveries_settled || m_wrote_cloud || !m_deleted_from_cloud.empty() ||
        !m_prepared.accepted.empty() || m_withdrawn) {
      detail::publish_delivery(m_cfg, m_prepared, own_delivery(), m_report.journal_id, written_to_cloud(),
                               m_deleted_from_cloud, m_clock, m_withdrawn);
    }
    // A record that could not be read is not remembered as settled: the next
    // run reads it again and says so again. A file not as planned may be one
    // the mirror walk would have seen: the next run walks it.
    if (m_report.failed.empty() && m_report.changed_meanwhile.empty() && m_prepared.delivery_problems.empty() &&
        !m_prepared.in_flux_seen) {
      detail::remember_settled_deliveries(m_cfg, m_prepared, m_baseline_saved);
    } else {
      detail::forget_settled_deliveries(m_prepared);
    }
  }

  // What the copies and merges left in the mirror, for the delivery record
  // (the plan's paths, in its order: sorted).
  state::WrittenFiles written_to_cloud() const {
    state::WrittenFiles out;
    const auto& actions = m_prepared.plan.actions;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      const auto* state = m_applied.copied_state(i);
      if (state != nullptr && (actions[i].kind == plan::ActionKind::merge || actions[i].destination() == Side::cloud)) {
        out.push_back({actions[i].path, state});
      }
    }
    return out;
  }

  // The next baseline, entry by entry (plan::for_each_next_entry).
  state::BaselineFeed next_baseline_feed() const {
    return [this](const state::BaselineSink& sink) {
      plan::for_each_next_entry(m_prepared.local, m_prepared.cloud, m_prepared.baseline.baseline, m_prepared.plan,
                                m_applied, sink);
    };
  }

  std::size_t index_of(const plan::Action& action) const {
    return static_cast<std::size_t>(&action - m_prepared.plan.actions.data());
  }

  // This machine's record as it was before this run (read once, when needed).
  const state::DeliveryRecord& own_delivery() {
    if (!m_prepared.deliveries_settled) {
      return m_prepared.own_delivery;  // read with the others (not copied: 100,000 claims are tens of MB)
    }
    if (!m_own_delivery) {
      m_own_delivery = detail::own_record_or_stop(m_cfg);
    }
    return *m_own_delivery;
  }

  // This machine no longer vouches for what it is about to replace in the
  // mirror (even when no record it read says anything of it: a peer's file
  // can be there before the peer's record).
  void withdraw(const std::vector<const plan::Action*>& writes) {
    std::vector<detail::Withdrawal> paths;  // the plan's, in its order: sorted
    for (const auto* action : writes) {
      if (action->kind == plan::ActionKind::merge || action->destination() == Side::cloud) {
        // A fast-forward appended in place says so: peers leave that file alone
        // until this machine's next sync settles it.
        const auto from = action->append_from.value_or(0);
        const bool in_place = action->destination() == Side::cloud && action->kind != plan::ActionKind::merge &&
                              apply::appends_in_place(file_on(m_cfg, Side::cloud, action->path), from,
                                                      fast_forward_mode());
        paths.push_back({action->path, in_place ? from : 0});
      }
    }
    m_withdrawn = !paths.empty() && detail::withdraw_claims(m_cfg, own_delivery(), paths, m_clock);
  }

  void lock() {
    m_lock.emplace(state::RunLock::acquire(m_cfg.paths.temp_dir, m_cfg.identity.effective_machine_id, "sync --apply",
                                           m_clock));
  }

  apply::FastForwardMode fast_forward_mode() const {
    switch (m_cfg.sync.fast_forward) {
    case config::FastForward::in_place: return apply::FastForwardMode::in_place;
    case config::FastForward::new_file: return apply::FastForwardMode::new_file;
    case config::FastForward::automatic: break;
    }
    return apply::FastForwardMode::automatic;
  }

  void last_chance() {
    if (m_hooks.before_write) {
      m_hooks.before_write();
    }
  }

  // Removes this tool's temp files older than an hour that the scan found in
  // the synced folders (a run killed mid-copy leaves them).
  void sweep_leftovers() {
    for (const auto side : {Side::local, Side::cloud}) {
      std::vector<fs::path> found;
      for (const auto& skipped : (side == Side::local ? m_prepared.local : m_prepared.cloud).skipped) {
        if (skipped.reason == scan::k_temp_file_reason) {
          found.push_back(file_on(m_cfg, side, skipped.path));
        }
      }
      if (found.empty()) {
        continue;
      }
      if (const auto swept = apply::sweep_temp_files(found, std::chrono::hours(1), m_clock); swept > 0) {
        log::info("removed leftover temp files of an earlier run",
                  {{"count", std::to_string(swept)},
                   {"folder", util::display_path(side_root(m_cfg, side))}});
      }
    }
  }

  // The journal's actions are made one at a time from the plan as they are
  // written (at 100,000 files a list of them would hold tens of MB).
  state::Journal begin_journal(const std::vector<const plan::Action*>& writes) {
    state::JournalRecord record;
    record.machine = m_cfg.identity.effective_machine_id;
    record.command = "sync";
    record.local_root = util::display_path(m_cfg.paths.local_state_dir);
    record.cloud_root = util::display_path(m_cfg.paths.cloud_root_dir);
    std::size_t count = 0;
    for (const auto* action : writes) {
      count += action->kind == plan::ActionKind::merge ? 2 : 1;  // a merge writes both sides
    }
    const auto feed = [&writes](const state::Journal::ActionSink& sink) {
      state::JournalAction a;
      for (const auto* action : writes) {
        a.kind = plan::kind_name(action->kind);
        a.path = action->path;
        a.destination = action->destination();
        a.existed = action->replaces_existing() || action->append_from.has_value();
        a.append_from = action->append_from;
        a.old_mtime_ns.reset();
        if (const auto& old = action->destination() == Side::local ? action->local : action->cloud;
            action->append_from && old) {
          a.old_mtime_ns = old->mtime_ns;
        }
        a.new_state.reset();
        if (action->kind == plan::ActionKind::copy_to_cloud) {
          a.new_state = action->local;
        } else if (action->kind == plan::ActionKind::copy_to_local) {
          a.new_state = action->cloud;
        }
        if (action->kind == plan::ActionKind::merge) {
          // Both sides get the union; what it will be is known once it is written.
          a.destination = Side::local;
          sink(a);
          a.destination = Side::cloud;
        }
        sink(a);
      }
    };
    return state::Journal::begin(m_cfg.paths.temp_dir, std::move(record), count, feed, m_clock);
  }

  void backup_existing(const std::vector<const plan::Action*>& writes, state::Journal& journal) {
    backup::SnapshotWriter snapshot(m_cfg.paths.backup_dir, m_cfg.identity.effective_machine_id,
                                    m_cfg.backup.compression == config::Compression::zip ? backup::Compression::zip
                                                                                         : backup::Compression::none,
                                    m_clock);
    for (const auto* action : writes) {
      if (!action->replaces_existing()) {
        continue;
      }
      const auto sides = action->kind == plan::ActionKind::merge ? std::vector<Side>{Side::local, Side::cloud}
                                                                  : std::vector<Side>{action->destination()};
      for (const auto side : sides) {
        const auto path = file_on(m_cfg, side, action->path);
        const auto entry = snapshot.add(side, action->path, path);
        log::file_action(log::Level::info, "backup", action->path, side_name(side), "backed up before it is replaced",
                         {{"snapshot", snapshot.name()}, {"sha256", entry.sha256}});
        ++m_report.backed_up;
        apply::fault_point("engine.backup_file");
      }
    }
    if (!snapshot.empty()) {
      snapshot.commit();
      m_report.snapshot = snapshot.name();
      journal.set_snapshot(snapshot.name());
    }
    journal.set_state(state::JournalState::backed_up);
  }

  // After each write carried out: progress, and the test fault point.
  void written() {
    ++m_progress.files_done;
    if (m_hooks.on_progress) {
      m_hooks.on_progress(m_progress);
    }
    apply::fault_point("engine.after_write");
  }

  // The losing version of each conflict a policy settled goes whole into the
  // conflict store before anything is replaced.
  void keep_losers(const std::vector<const plan::Action*>& writes) {
    for (const auto* action : writes) {
      if (!action->keep_loser) {
        continue;
      }
      const auto side = action->destination();
      const auto& loser = side == Side::local ? action->local : action->cloud;
      const auto& winner = side == Side::local ? action->cloud : action->local;
      if (!loser) {
        continue;
      }
      const auto entry = state::keep_conflict_loser(config::workspace_dir(m_cfg), m_cfg.identity.effective_machine_id,
                                                    file_on(m_cfg, side, action->path), action->path, side,
                                                    action->reason, loser->sha256,
                                                    winner ? winner->sha256 : std::nullopt, m_clock);
      log::file_action(log::Level::info, "conflict", action->path, side_name(side),
                       "the losing version is kept in the conflict store", {{"id", entry.id}});
      m_report.conflicts_kept.push_back({action->path, entry.id});
    }
  }

  // A merge-line file: both sides get the union of their lines.
  void carry_out_merge(const plan::Action& action) {
    if (!unchanged_since_plan(m_cfg, Side::local, action.path, action.local) ||
        !unchanged_since_plan(m_cfg, Side::cloud, action.path, action.cloud)) {
      log::file_action(log::Level::warning, "skip", action.path, "both",
                       "changed while this run was working; left for the next run");
      m_report.changed_meanwhile.push_back(action.path);
      return;
    }
    std::error_code ec;
    const auto local_text = util::read_file(file_on(m_cfg, Side::local, action.path), ec);
    const auto cloud_text = local_text ? util::read_file(file_on(m_cfg, Side::cloud, action.path), ec) : std::nullopt;
    if (!local_text || !cloud_text) {
      m_report.failed.push_back(fmt::format("{}: cannot read it to merge ({})", action.path, ec.message()));
      return;
    }
    const auto merged = merge::merge_lines(*local_text, *cloud_text);
    const auto staged = m_cfg.paths.temp_dir / "merge" / util::path_from_utf8(util::temp_suffix().substr(1));
    fs::create_directories(staged.parent_path(), ec);
    if (!ec) {
      util::write_file_atomic(staged, merged.text, ec);
    }
    if (ec) {
      m_report.failed.push_back(fmt::format("{}: cannot stage the merged lines in {} ({})", action.path,
                                            util::display_path(staged.parent_path()), ec.message()));
      return;
    }
    FileState state;
    try {
      state = apply::copy_file_atomic(staged, file_on(m_cfg, Side::local, action.path),
                                      apply::Expect::as_planned(action.local));
      state = apply::copy_file_atomic(staged, file_on(m_cfg, Side::cloud, action.path),
                                      apply::Expect::as_planned(action.cloud));
    } catch (const Error& e) {
      // A side written alone holds every line: the next run carries it over.
      std::error_code ignored;
      fs::remove(staged, ignored);
      log::file_action(log::Level::warning, "skip", action.path, "both", e.what());
      m_report.changed_meanwhile.push_back(action.path);
      return;
    }
    std::error_code ignored;
    fs::remove(staged, ignored);
    log::file_action(log::Level::info, "merge", action.path, "both",
                     fmt::format("merged: {} line(s) from here, {} from the cloud", merged.only_in_a, merged.only_in_b),
                     {{"reason", action.reason}});
    m_applied.copied[index_of(action)] = state;
    m_wrote_cloud = true;
    ++m_report.merged;
    written();
  }

  // Copies run on a few threads at once (the disk groups their fsyncs); the
  // other writes (deletions, merges) follow one by one in plan order.
  void carry_out_all(const std::vector<const plan::Action*>& writes) {
    std::vector<const plan::Action*> copies;
    std::vector<const plan::Action*> rest;
    for (const auto* action : writes) {
      const bool copy =
        action->kind == plan::ActionKind::copy_to_cloud || action->kind == plan::ActionKind::copy_to_local;
      (copy ? copies : rest).push_back(action);
    }
    const auto threads = copy_threads(copies.size());
    if (threads <= 1) {
      // One at a time: every write in plan order.
      for (const auto* action : writes) {
        carry_out(*action);
      }
      return;
    }
    util::parallel_for(copies.size(), threads, [&](std::size_t i) { carry_out(*copies[i]); });
    for (const auto* action : rest) {
      carry_out(*action);
    }
  }

  std::size_t copy_threads(std::size_t copies) const {
    if (m_cfg.sync.copy_threads > 0) {
      return static_cast<std::size_t>(m_cfg.sync.copy_threads);
    }
    return copies >= k_parallel_copies_from ? k_auto_copy_threads : 1;
  }

  // Keeps the midstates this run made, and the old ones whose content the
  // next baseline still shows; a point is only an aid, so a failure to save
  // is a warning (the next fast-forward reads the whole file).
  void save_resume_points(const state::BaselineFeed& next) {
    if (m_new_resume_points.empty()) {
      return;  // stale points are harmless: each is tied to its content's hash
    }
    auto points =
      m_prepared.resume_points_loaded ? m_prepared.resume_points : state::load_resume_points(m_prepared.baseline_file);
    std::set<std::string_view> shown;  // points whose content the next baseline shows
    next([&](const std::string& path, const BaselineEntry& entry) {
      const auto point = points.find(path);
      if (point == points.end()) {
        return;
      }
      const auto& side = point->second.side == Side::local ? entry.local : entry.cloud;
      if (side && side->sha256 == point->second.sha256) {
        shown.insert(point->first);
      }
    });
    std::erase_if(points, [&](const auto& item) { return shown.count(item.first) == 0U; });
    for (auto& [path, point] : m_new_resume_points) {
      points[path] = std::move(point);
    }
    try {
      state::save_resume_points(m_prepared.baseline_file, points);
    } catch (const RuntimeError& e) {
      log::warn(fmt::format("{}: the next fast-forward of a chat reads it whole", e.what()));
    }
  }

  // One write. Thread-safe: everything but the copy itself runs under m_mutex.
  void carry_out(const plan::Action& action) {
    std::unique_lock lock(m_mutex);
    if (action.kind == plan::ActionKind::merge) {
      carry_out_merge(action);
      return;
    }
    const auto dest_side = action.destination();
    const auto& planned_dest = dest_side == Side::local ? action.local : action.cloud;
    const bool is_delete =
      action.kind == plan::ActionKind::delete_local || action.kind == plan::ActionKind::delete_cloud;
    const auto& planned_source = dest_side == Side::local ? action.cloud : action.local;
    if (!unchanged_since_plan(m_cfg, dest_side, action.path, planned_dest) ||
        (!is_delete && !unchanged_since_plan(m_cfg, other(dest_side), action.path, planned_source))) {
      log::file_action(log::Level::warning, "skip", action.path, side_name(dest_side),
                       "changed while this run was working; left for the next run");
      m_report.changed_meanwhile.push_back(action.path);
      return;
    }
    if (action.replaces_existing()) {
      last_chance();
    }
    const auto dest = file_on(m_cfg, dest_side, action.path);
    if (is_delete) {
      try {
        apply::remove_file(dest, side_root(m_cfg, dest_side));
      } catch (const RuntimeError& e) {
        log::file_action(log::Level::error, "fail", action.path, side_name(dest_side), e.what());
        m_report.failed.push_back(fmt::format("{}: {}", action.path, e.what()));
        return;
      }
      log::file_action(log::Level::warning, "delete", action.path, side_name(dest_side),
                       "deleted (a verified copy is in the backup)", {{"reason", action.reason}});
      m_applied.deleted[index_of(action)] = true;
      if (dest_side == Side::cloud) {
        m_deleted_from_cloud.insert(action.path);
      }
      ++m_report.deleted;
    } else {
      const auto source = file_on(m_cfg, other(dest_side), action.path);
      // A chat's copy hands back the midstate of its hash for the next
      // fast-forward, which starts from the one the baseline vouches for.
      apply::HashResume resume;
      apply::HashResume* const resume_ptr =
        m_append_only.matches(action.path) || m_merge_lines.matches(action.path) ? &resume : nullptr;
      std::optional<state::ResumePoint> point;
      if (resume_ptr != nullptr && action.append_from && planned_dest) {
        point = detail::vouched_point(m_cfg, m_prepared.baseline, m_prepared.resume_points, action.path, dest_side,
                                      *planned_dest);
      }
      if (point) {
        resume.from = point->state;
        resume.from_file = detail::identity_of(*point);
      }
      bool appended_in_place = false;
      // What this run already read of the source, when it kept it (the copy
      // uses it only while the source is still that very file).
      const auto kept = m_prepared.preread.find(action.path);
      const apply::Preread* const preread = kept != m_prepared.preread.end() ? &kept->second : nullptr;
      try {
        // The destination must still be as planned when the copy replaces it:
        // a version that arrived meanwhile is never overwritten unseen.
        lock.unlock();  // the copy itself runs beside the others
        const auto state = [&] {
          try {
            if (action.append_from) {
              // Noted in the journal before its first byte: only such files are
              // ever cut back by the next run.
              const auto note = [this, &action, dest_side] { m_journal->note_append(dest_side, action.path); };
              auto done = apply::fast_forward(source, dest, *action.append_from,
                                              apply::Expect::as_planned(planned_dest), fast_forward_mode(),
                                              &m_folder_syncs, resume_ptr, preread, note);
              appended_in_place = done.in_place;
              return done.state;
            }
            return apply::copy_file_atomic(source, dest, apply::Expect::as_planned(planned_dest), &m_folder_syncs,
                                           resume_ptr, preread);
          } catch (...) {
            lock.lock();
            throw;
          }
        }();
        lock.lock();
        m_folder_syncs.add_up_to(dest.parent_path(), side_root(m_cfg, dest_side));
        m_applied.copied[index_of(action)] = state;
        m_wrote_cloud = m_wrote_cloud || dest_side == Side::cloud;
        if (resume.result && state.sha256 && state.size >= k_resume_point_min_bytes) {
          const auto& file = resume.result_file;
          m_new_resume_points[action.path] =
            state::ResumePoint{dest_side,   *state.sha256, *resume.result, file.device,
                               file.inode,  file.size,     file.mtime_ns,
                               resume.used_from && point ? point->resumes + 1 : 0};
        }
        m_report.tails_hashed_alone += resume.used_from ? 1 : 0;
      } catch (const FailSafeError& e) {
        // The source or the destination changed under the copy: the destination is untouched.
        log::file_action(log::Level::warning, "skip", action.path, side_name(dest_side), e.what());
        m_report.changed_meanwhile.push_back(action.path);
        return;
      } catch (const RuntimeError& e) {
        // This file cannot be written (permissions, a name the disk refuses):
        // the others still are; the run ends with exit 1 listing it.
        log::file_action(log::Level::error, "fail", action.path, side_name(dest_side), e.what());
        m_report.failed.push_back(fmt::format("{}: {}", action.path, e.what()));
        return;
      }
      log::file_action(log::Level::info,
                       action.append_from ? "append"
                       : planned_dest     ? "overwrite"
                                          : "copy",
                       action.path, side_name(dest_side),
                       appended_in_place    ? "fast-forwarded: the new tail appended to the file"
                       : action.append_from ? "fast-forwarded (the old content is the start of the new)"
                       : planned_dest     ? "replaced (the old version is in the backup)"
                                          : "copied",
                       {{"bytes", std::to_string(action.bytes())}, {"reason", action.reason}});
      if (action.append_from) {
        ++m_report.fast_forwarded;
      } else if (!planned_dest && dest_side == Side::local && m_append_only.matches(action.path) &&
                 is_transcript(action.path)) {
        ++m_report.new_chats;
      }
      ++m_report.copied;
      ++(dest_side == Side::cloud ? m_report.copied_to_cloud : m_report.copied_to_local);
      // A fast-forward moves only its tail.
      m_report.bytes_copied += action.bytes() - action.append_from.value_or(0);
      m_progress.bytes_done += action.bytes();
    }
    written();
  }

  // This machine's earlier unfinished runs are settled by this one: its plan
  // started from what they left, so the folders have converged.
  void settle_earlier_runs() {
    for (const auto& record : m_prepared.open_journals) {
      try {
        const auto by = m_report.journal_id.empty() ? std::string("a later run, which found nothing left to do")
                                                    : fmt::format("run {}, which converged from what this run left",
                                                                  m_report.journal_id);
        state::close_journal(record, state::JournalState::closed, "settled by " + by, m_clock);
        m_report.closed_journals.push_back(record.id);
      } catch (const std::exception& e) {
        log::warn(fmt::format("could not close the earlier run's journal: {}", e.what()), {{"journal", record.id}});
      }
    }
  }

  void prune() {
    std::set<std::string> keep;
    for (const auto& record : state::list_journals(m_cfg.paths.temp_dir)) {
      if (record.open() && !record.snapshot.empty()) {
        keep.insert(record.snapshot);  // an unfinished run may need it for a rollback
      }
    }
    if (!m_report.snapshot.empty()) {
      keep.insert(m_report.snapshot);
    }
    m_report.pruned_snapshots = backup::prune_snapshots(
      m_cfg.paths.backup_dir, m_cfg.identity.effective_machine_id, static_cast<int>(m_cfg.backup.retention_days),
      static_cast<int>(m_cfg.backup.max_backups), keep, m_clock);
    for (const auto& name : m_report.pruned_snapshots) {
      log::info("removed an old backup snapshot", {{"snapshot", name}});
    }
    state::prune_journals(m_cfg.paths.temp_dir, m_cfg.identity.effective_machine_id, k_finished_journals_kept);
  }

  const config::Config& m_cfg;
  const Prepared& m_prepared;
  const util::Clock& m_clock;
  const ApplyHooks& m_hooks;
  scan::GlobSet m_append_only;
  scan::GlobSet m_merge_lines;  // histories: a fast-forward of one resumes its hash too
  std::optional<state::RunLock> m_lock;
  state::Journal* m_journal = nullptr;  // this run's, while it writes
  plan::Applied m_applied;
  bool m_wrote_cloud = false;               // a copy or merge wrote to the mirror
  state::ResumePoints m_new_resume_points;  // midstates of the chats copied
  std::set<std::string> m_deleted_from_cloud;
  bool m_withdrawn = false;
  bool m_baseline_saved = false;  // this run wrote the baseline
  std::optional<state::DeliveryRecord> m_own_delivery;
  apply::FolderSyncs m_folder_syncs;
  std::mutex m_mutex;  // the run's bookkeeping, while copies run at once
  Progress m_progress;
  ApplyReport m_report;
};

// Lists the agent's folder on a thread of its own while `look` runs on this
// one (the baseline, then the mirror: the two trees are usually on different
// disks or caches). The scan asks which files the baseline vouches for only
// when its walk is done, and waits until `look` says the baseline is loaded.
// `look(loaded)` calls `loaded()` once p.baseline is final.
template <typename Look> void scan_local_while(const config::Config& cfg, Prepared& p, const Look& look) {
  std::promise<void> baseline_loaded;
  bool told = false;
  const auto loaded = [&] {
    baseline_loaded.set_value();
    told = true;
  };
  auto options = scan_options(cfg, p, Side::local);
  options.known_file = [known = std::move(options.known_file), ready = baseline_loaded.get_future().share()](
                         const std::string& path, std::uint64_t size, std::int64_t mtime_ns) {
    ready.get();  // rethrows what stopped `look`
    return known(path, size, mtime_ns);
  };
  auto local = std::async(std::launch::async, [&] { return scan::scan_tree(cfg.paths.local_state_dir, options); });
  try {
    look(loaded);
  } catch (...) {
    if (!told) {
      baseline_loaded.set_exception(std::current_exception());
    }
    local.wait();  // its result, or the error it rethrew, says nothing more
    throw;
  }
  p.local = local.get();
}

// What prepare_into does while the agent's folder is listed: the records of
// the workspace, the baseline (then `loaded()`), the journals, and the mirror
// (listed, or as the baseline saw it).
template <typename Loaded>
void look(const config::Config& cfg, const PrepareOptions& options, Prepared& p, const Loaded& loaded) {
  p.machines = state::read_machine_records(config::workspace_dir(cfg));
  detail::check_marker(cfg, options, p);
  p.options = plan::options_from(cfg);
  p.baseline_file = state::BaselineFile{
    .path = state::baseline_path(cfg.paths.temp_dir, cfg.state.manifest_file, cfg.identity.effective_machine_id),
    .machine = cfg.identity.effective_machine_id,
    .install_id = options.install_id,
    .local_root = cfg.paths.local_state_dir,
    .cloud_root = cfg.paths.cloud_root_dir};
  const auto before = detail::file_identity(p.baseline_file.path);
  p.baseline = state::load_baseline(p.baseline_file);
  p.baseline_identity = before == detail::file_identity(p.baseline_file.path) ? before : std::string();
  loaded();
  for (auto& record : state::list_journals(cfg.paths.temp_dir)) {
    // Only earlier syncs are settled by a sync; an interrupted restore or
    // rollback stays open for `recover`.
    if (record.open() && record.machine == cfg.identity.effective_machine_id && record.command == "sync") {
      p.open_journals.push_back(std::move(record));
    }
  }
  p.settled_stamp = detail::stamp_deliveries(cfg);  // before the mirror is looked at and the records read (or not)
  detail::decide_mirror_walk(cfg, options, p);
  if (p.mirror_walked) {
    p.cloud = scan::scan_tree(cfg.paths.cloud_root_dir, scan_options(cfg, p, Side::cloud));
  } else {
    p.cloud = detail::mirror_from_baseline(p.baseline.baseline);
    log::debug("the cloud mirror was not listed: " + p.mirror_note);
  }
}

void rest_of_prepare(const config::Config& cfg, const PrepareOptions& options, Prepared& p) {
  p.deliveries_settled = detail::deliveries_settled(options, p);
  if (!p.mirror_walked && p.deliveries_settled && !p.baseline.other_install) {
    // The agent's folder is as the baseline saw it (prepare_into), the mirror
    // taken so: when the rest is as it was on the last clean run, whose plan
    // was empty, this plan is too.
    p.quiet_key = detail::quiet_key(p);
    if (!p.quiet_key.empty() && p.quiet_key == p.remembered_quiet_key) {
      p.plan_reused = true;
      return;
    }
  }
  auto deliveries = p.deliveries_settled ? state::DeliveryListing{} : detail::read_deliveries(cfg);
  p.artefacts = scan::take_artefacts(p.local, p.cloud, p.baseline.baseline, known_hosts(p.machines.records),
                                     [&deliveries](const std::string& path) { return state::mentions(deliveries, path); });
  if (p.baseline.other_install) {
    throw FailSafeError(p.baseline.note + "; nothing was written");
  }
  if (p.adopting) {
    // Another cloud folder than the baseline describes: its history says
    // nothing about this one, so nothing may be deleted from it.
    p.baseline.baseline.clear();
    p.baseline.usable = false;
    p.baseline.note = "adopting this cloud folder (--adopt-workspace): a first sync with it";
  }
  if (!p.baseline.usable && p.baseline.note.rfind("first sync", 0) != 0) {
    log::warn(p.baseline.note);
  }
  hash_candidates(cfg, p);
  auto evidence = detail::gather_evidence(cfg, p.local, p.cloud, p.baseline.baseline, p.options);
  // Only a chat that grew needs a midstate; a run without one reads none.
  if (std::any_of(evidence.relations.begin(), evidence.relations.end(),
                  [](const auto& r) { return r.second != plan::Relation::diverged; })) {
    p.resume_points = state::load_resume_points(p.baseline_file);
    p.resume_points_loaded = true;
  }
  std::set<std::string> unavailable;  // evicted by iCloud: neither copied nor deleted
  for (const auto& artefact : p.artefacts) {
    if (artefact.placeholder && artefact.side == Side::cloud && !artefact.shadows.empty() &&
        p.cloud.find(artefact.shadows) == nullptr) {
      unavailable.insert(artefact.shadows);
    }
  }
  if (p.deliveries_settled) {
    evidence.cloud_deletions = std::set<std::string>{};  // the mirror lacks nothing the baseline saw
    evidence.unavailable = unavailable;
  } else {
    detail::check_deliveries(cfg, options, std::move(deliveries), unavailable, p, evidence);
  }
  p.plan = plan::make_plan(p.local, p.cloud, p.baseline.baseline, p.options, evidence);
  guard_secrets(cfg, p);
  p.deletion_stop = plan::deletion_guard(p.plan, p.local, p.cloud, p.baseline.baseline, cfg.sync.max_delete_percent,
                                         cfg.sync.max_delete_count);
}

void prepare_into(const config::Config& cfg, const PrepareOptions& options, Prepared& p) {
  check_roots(cfg);
  scan_local_while(cfg, p, [&](const auto& loaded) { look(cfg, options, p, loaded); });
  if (!p.mirror_walked && !detail::as_baseline_saw(p.local, p.baseline.baseline, Side::local)) {
    // Something changed here: the plan will not be empty, and a plan with
    // anything in it is made from a listing of the whole mirror.
    p.cloud = scan::scan_tree(cfg.paths.cloud_root_dir, scan_options(cfg, p, Side::cloud));
    p.mirror_walked = true;
    p.mirror_note.clear();
  }
  refuse_unreadable(p.local, Side::local);
  refuse_unreadable(p.cloud, Side::cloud);
  rest_of_prepare(cfg, options, p);
}

} // namespace

Prepared prepare(const config::Config& cfg, const PrepareOptions& options) {
  // The shortcut (the mirror taken as the baseline saw it) is for the no-op
  // only. A changed agent's folder lists the mirror at once (prepare_into); a
  // plan with anything else in it (a file held, kept apart or unsyncable) is
  // made again from a listing of the whole mirror, so what a run does or
  // reports is never planned from the shortcut.
  {
    Prepared p;
    prepare_into(cfg, options, p);
    if (p.mirror_walked || p.plan.actions.empty()) {
      return p;
    }
    log::debug("the plan is not empty: listing the whole cloud mirror before acting on it");
  }
  auto full = options;
  full.full_scan = true;
  Prepared p;
  prepare_into(cfg, full, p);
  return p;
}

ApplyReport apply(const config::Config& cfg, const Prepared& prepared, const util::Clock& clock,
                  const ApplyHooks& hooks) {
  return Runner(cfg, prepared, clock, hooks).run();
}

} // namespace codexsync::engine
