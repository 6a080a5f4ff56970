#pragma once

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/plan/plan.hpp>
#include <codexsync/scan/artefacts.hpp>
#include <codexsync/secrets/scanner.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/state/delivery.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/state/machines.hpp>
#include <codexsync/state/workspace_marker.hpp>
#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

// One sync run: look (scan, hash what must be compared, plan), then act
// (journal, verified backups, atomic copies and deletes, baseline last).
namespace codexsync::engine {

struct Prepared {
  Index local;
  Index cloud;
  state::BaselineFile baseline_file;
  state::LoadedBaseline baseline;
  // Midstates of the chats' hashes (state::load_resume_points): a fast-forward
  // of a chat the baseline vouches for hashes only its new tail. Read only
  // when a chat grew (resume_points_loaded).
  state::ResumePoints resume_points;
  bool resume_points_loaded = false;
  plan::Options options;
  plan::Plan plan;
  std::vector<state::JournalRecord> open_journals;  // this machine's unfinished runs
  bool volatile_plan = false;  // made while the agent was running: it may change before it is applied
  // What the secret guard found in each file it withheld (guard_secrets), in
  // line order; findings that [secrets] allow accepts are not listed.
  std::map<std::string, std::vector<secrets::Finding>> secret_findings;
  // The bytes this run read of a file it will copy (the secret guard, of a
  // file going to the cloud folder; the delivery check, of a peer's file
  // arriving), for the copy to take instead of reading them again
  // (apply::Preread, used only while the source is still the very file read).
  // Kept only when all of them are small (new tails, a few new files; not a
  // first sync).
  std::map<std::string, apply::Preread, std::less<>> preread;

  // The cloud folder as a transport.
  state::MachineListing machines;  // <workspace>/state/machines, read once
  std::optional<std::filesystem::path> user_state_dir;      // where this machine remembers the workspace id
  state::MarkerVerdict marker = state::MarkerVerdict::ok;   // what apply does with the workspace marker
  bool adopting = false;  // --adopt-workspace took over a missing or different marker: planned as a first sync
  // Files a peer's delivery record claims that the mirror does not hold yet
  // (empty with --accept-undelivered); a sync stops on them with exit 5.
  std::vector<state::Undelivered> undelivered;
  std::vector<std::string> delivery_problems;  // records that could not be read
  bool in_flux_seen = false;  // a peer's unfinished in-place append kept a file apart (plan::Evidence::in_flux)
  state::DeliveryRecord own_delivery;          // this machine's last record (empty when none)
  // The records were not read: they and the mirror are as the last clean run
  // left them (detail::deliveries_settled); own_delivery is then read on demand.
  bool deliveries_settled = false;
  // The record files (name, size, mtime, ctime, inode) and the sync scope,
  // taken before the mirror was scanned (detail::stamp_deliveries).
  std::string settled_stamp;
  // False when the mirror was not walked (detail::decide_mirror_walk): no
  // delivery record changed since the last clean run and the last full walk
  // is recent, so `cloud` is what the baseline saw there. Every write to the
  // mirror still checks the file it replaces or deletes first, and a run that
  // finds one different is not clean: the next run walks the mirror.
  bool mirror_walked = true;
  // Why the mirror was not walked, for the plan output ("" when it was).
  std::string mirror_note;
  // When a clean run last walked the whole mirror (Unix seconds), if known.
  std::optional<std::int64_t> last_mirror_walk;
  // When this run decided whether to walk the mirror (Unix seconds): the time
  // a clean run that walked it remembers.
  std::int64_t looked_at = 0;
  // The scheduled no-op's second shortcut (detail::quiet_key): on a run that
  // took the mirror as the baseline saw it and found the agent's folder so
  // too, what the plan was made from beyond that: the baseline file (its
  // identity), what the scan skipped here, the machines' host names. The last
  // clean run remembers it when its plan was empty and it rewrote no
  // baseline; "" when it cannot be made.
  std::string quiet_key;
  std::string remembered_quiet_key;  // what the last clean run remembered ("" if none)
  // The baseline file as loaded (device, file id, size, mtime, ctime); ""
  // when it was missing or replaced while it was read.
  std::string baseline_identity;
  // The plan was not made again: quiet_key is what the last clean run, whose
  // plan was empty, remembered; the plan is empty, the baseline stays as it is.
  bool plan_reused = false;
  // With --accept-undelivered: the paths that were not as the records say;
  // apply vouches for them as they are.
  std::set<std::string> accepted;
  // Why the plan deletes too much (plan::deletion_guard); a sync stops on it
  // with exit 5 unless --force-deletes.
  std::optional<std::string> deletion_stop;
  // Files a cloud client made (conflict copies, temporary files, iCloud
  // placeholders), taken out of `local` and `cloud` before planning: never
  // copied, never a deletion (scan::take_artefacts).
  std::vector<scan::Artefact> artefacts;
};

struct PrepareOptions {
  // This computer's install (state::install_id); "" skips the check that the
  // baseline was written here.
  std::string install_id;
  std::optional<std::filesystem::path> user_state_dir;  // util::user_state_dir
  bool accept_undelivered = false;  // --accept-undelivered: files missing from the mirror may count as deleted
  bool adopt_workspace = false;     // --adopt-workspace
  bool full_scan = false;           // --full-scan: walk the mirror even when the records say it is settled
  const util::Clock* clock = nullptr;  // "now" for the age of the last full walk; nullptr: the system clock
};

// The computer names that may mark a OneDrive copy ("name-HOST.ext") in the
// cloud folder: this computer's host name and those of the machines whose
// records are in <workspace>/state/machines, each also without its domain
// part. Sorted, without repeats.
std::vector<std::string> known_hosts(const config::Config& cfg);
// The same from machine records already read.
std::vector<std::string> known_hosts(const std::vector<state::MachineRecord>& records);

// Scans both sides, hashes the planner's candidates (reusing the baseline's
// hash where size and mtime still match it) and builds the plan. Reads only.
// Throws FailSafeError when the cloud root and the agent folder overlap, or
// when a side cannot be read.
// Before scanning, it checks the workspace marker (FailSafeError when it is
// missing or different and `options.adopt_workspace` is not set); after
// planning, the peers' delivery records (Prepared::undelivered) and the
// deletion guard (Prepared::deletion_stop), which the command acts on.
Prepared prepare(const config::Config& cfg, const PrepareOptions& options);

// The secret guard, the last step of prepare(): scans the local file of every
// action that would write it to the cloud folder (a copy to the cloud from
// the first byte, or from the line holding `append_from` for a fast-forward;
// a merge; a pull with keep_loser, whose local loser goes to the conflict
// store) and turns each whose file holds a secret that [secrets] allow does
// not accept into `withheld` (held_kind = what it would have done), with the
// findings in `prepared.secret_findings`. Whether a withheld file stops the
// run ([secrets] on_detect) is the command's decision. Throws RuntimeError
// naming a file that cannot be read, FailSafeError when one vanished.
void guard_secrets(const config::Config& cfg, Prepared& prepared);

struct Progress {
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};

struct ApplyReport {
  std::string journal_id;
  std::string snapshot;                    // "" when nothing had to be backed up
  std::size_t copied = 0;                  // copied_to_cloud + copied_to_local
  std::size_t copied_to_cloud = 0;
  std::size_t copied_to_local = 0;
  std::size_t deleted = 0;
  std::size_t fast_forwarded = 0;          // append-only files that got only their new tail
  std::size_t tails_hashed_alone = 0;      // of those, hashed from the baseline's midstate (start not read)
  std::size_t merged = 0;                  // merge-line files whose sides got the union
  std::size_t new_chats = 0;               // chat transcripts (append-only *.jsonl) new here
  std::size_t backed_up = 0;
  std::uint64_t bytes_copied = 0;
  std::vector<std::string> changed_meanwhile;  // left for the next run
  std::vector<std::string> failed;             // "path: why" for writes that failed (the rest went on)
  std::vector<std::string> closed_journals;    // earlier unfinished runs this one settled
  struct KeptConflict {
    std::string path;
    std::string id;  // in the conflict store
  };
  std::vector<KeptConflict> conflicts_kept;    // losers of policy-settled conflicts
  std::vector<std::string> pruned_snapshots;
};

// Carries out a prepared plan that has no conflicts. Every replaced or deleted
// file is first copied into one verified snapshot; each write re-checks that
// both sides still look as planned. Throws FailSafeError (exit 5) when free
// space is short, a backup cannot be verified, or the lock is held; throws
// RuntimeError on I/O failures. Either way every file is wholly old or wholly
// new, and the journal says how far the run got.
struct ApplyHooks {
  std::function<void(const Progress&)> on_progress;  // after each write
  // Before the first write and before each write that replaces or deletes a
  // file: the last chance to stop (throws to stop; nothing further is written).
  std::function<void()> before_write;
};

ApplyReport apply(const config::Config& cfg, const Prepared& prepared, const util::Clock& clock,
                  const ApplyHooks& hooks = {});

// The first step of `sync --apply` (and of `recover rollback --apply`, for
// its run), before anything is looked at: every file one of this machine's
// unfinished syncs (its open journals, with this config's folders) began to
// append to in place (Journal::note_append) is checked with
// apply::repair_append, under the run lock, each by the newest run that
// began on it. A partial tail (the run was killed while it appended) is cut
// back, so the file is wholly old again and the plan makes the fast-forward
// anew. Returns a note per file cut back (logged too). Throws FailSafeError
// (exit 5) naming the files that hold bytes after their old content that are
// not the source's (nothing is changed then: a person must look, then
// `recover close`), and when the lock is held. `only_run`: that run's
// journal alone.
std::vector<std::string> repair_interrupted_appends(const config::Config& cfg, const util::Clock& clock,
                                                    const std::optional<std::string>& only_run = std::nullopt);

} // namespace codexsync::engine
