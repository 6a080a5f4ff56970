#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/plan/plan.hpp>
#include <codexsync/util/clock.hpp>

#include <map>
#include <set>
#include <string>

// The cloud folder as an untrusted transport: the workspace marker and the
// delivery records, for prepare() and apply().
namespace codexsync::engine::detail {

// Judges the workspace marker against what this machine remembers; sets
// p.marker and p.adopting. Throws FailSafeError naming the marker when it is
// missing or different, unless `options.adopt_workspace`.
void check_marker(const config::Config& cfg, const PrepareOptions& options, Prepared& p);

// Reads the peers' delivery records and compares the mirror with them
// (hashing, once, mirror files whose size matches a claim and whose hash the
// baseline does not vouch for); fills p.undelivered, p.delivery_problems,
// p.own_delivery and the evidence the planner needs about absent files.
// `listing` is read_deliveries(cfg).
void check_deliveries(const config::Config& cfg, const PrepareOptions& options, state::DeliveryListing listing,
                      const std::set<std::string>& unavailable, Prepared& p, plan::Evidence& evidence);

// The delivery records of this config's mirror.
state::DeliveryListing read_deliveries(const config::Config& cfg);

// The scheduled no-op's shortcut: true when the mirror was not walked
// (decide_mirror_walk found the stamp remembered), or when p.settled_stamp (the record
// files and the sync scope, see stamp_deliveries) is what the last clean run
// remembered and the mirror is exactly as the baseline saw it (same paths,
// sizes and mtimes). The
// check would then find what it found after that run (nothing undelivered,
// nothing absent), so the records are not read at all. Never with
// --accept-undelivered or --adopt-workspace.
bool deliveries_settled(const PrepareOptions& options, const Prepared& p);

// The record files as they are now (name, size, mtime, ctime, inode) and what
// this machine syncs (roots and filters): taken before the records are read,
// into p.settled_stamp, and again at the end of the run. "" when the folder
// cannot be listed (never settled).
std::string stamp_deliveries(const config::Config& cfg);

// After a clean run (nothing failed or left for later): remembers the record
// files as they are now, beside the baseline, for deliveries_settled and
// decide_mirror_walk, with the time of the last full walk of the mirror (now,
// when this run walked it); forgets them instead when a peer's record changed
// since p.settled_stamp was taken (it arrived during the run and was not read:
// the next run reads it). Writes only when they changed. Never throws.
// With p.quiet_key when this run took the mirror as the baseline saw it, its
// plan was empty, it found no cloud client's files and it did not rewrite the
// baseline (`baseline_saved` false): the next run with the same key reuses the
// empty plan (Prepared::plan_reused).
void remember_settled_deliveries(const config::Config& cfg, const Prepared& p, bool baseline_saved);

// The identity of the file at `path` (device, file id, size, mtime, ctime) as
// text; "" when it cannot be read. A file replaced by a rename has another.
std::string file_identity(const std::filesystem::path& path);

// The inputs of a plan made on the shortcut (mirror and agent's folder as the
// baseline saw them) besides those: the baseline file's identity, what the
// scan skipped in the agent's folder, the machines' host names (OneDrive
// copies), as a SHA-256 in hex. "" without a baseline identity. The planning
// settings and the program's version are in p.settled_stamp, which the
// shortcut requires unchanged.
std::string quiet_key(const Prepared& p);

// After a run that was not clean (a write failed, a file was not as planned,
// an error): the next run reads the records and walks the mirror. Never throws.
void forget_settled_deliveries(const Prepared& p);

// Before the scan: sets p.mirror_walked = false (and p.mirror_note) when the
// mirror need not be walked: p.settled_stamp is what the last clean run
// remembered, that run or an earlier one walked the whole mirror less than
// [sync] full_scan_hours ago, the baseline is usable and not empty, and no
// earlier run of this machine is unfinished (p.open_journals). Never with
// --full-scan, --accept-undelivered or --adopt-workspace. Sets
// p.last_mirror_walk from the remembered file.
void decide_mirror_walk(const config::Config& cfg, const PrepareOptions& options, Prepared& p);

// The mirror as the baseline saw it: each path with a cloud side, its size
// and mtime (no hash, as a scan gives).
Index mirror_from_baseline(const Baseline& baseline);

// This machine's record as last published, read now; an empty one when it has
// none. Throws FailSafeError when its file is there but cannot be read (a
// cloud client's placeholder, damage): starting over from an empty record
// would drop every claim it makes.
state::DeliveryRecord own_record_or_stop(const config::Config& cfg);

// At the start of apply: makes the marker (first sync) or remembers the one
// found, as p.marker says.
void settle_marker(const config::Config& cfg, const Prepared& p, const util::Clock& clock);

// Before the first write of apply: publishes this machine's record with a
// pending claim (newest, vouching for nothing) on every file the run is about
// to write or delete in the mirror, so that a run cut short never leaves peers
// waiting for a version that will not come. A fast-forward's pending claim
// carries the size it appends from (Claim::appending_from): a peer takes that
// file only while it still has that size, never a partly appended tail.
// `paths`: sorted by path, no repeats (views, e.g. of the plan's paths).
// Returns true when it published.
struct Withdrawal {
  std::string_view path;
  std::uint64_t appending_from = 0;  // a fast-forward from this size; 0 otherwise
};
bool withdraw_claims(const config::Config& cfg, const state::DeliveryRecord& own,
                     const std::vector<Withdrawal>& paths, const util::Clock& clock);
// The same for a run that did not prepare a sync (restore, rollback): reads
// this machine's record first.
bool withdraw_own_claims(const config::Config& cfg, const std::set<std::string>& paths, const util::Clock& clock);

// After a restore or rollback wrote to the mirror: this machine vouches for
// what it put there (claims) and what it removed (tombstones). Never throws.
void claim_own(const config::Config& cfg, const std::map<std::string, FileState>& written,
               const std::set<std::string>& removed, const util::Clock& clock);

// This machine's record in <workspace>/state/machines: at the start of a run
// that writes (the sync has begun: peers see it as running for their lease,
// with the clock offset measured through the cloud folder), and at its end
// with the exit code. Never throw: a record that cannot be written is logged.
void record_sync_start(const config::Config& cfg, const util::Clock& clock);
void record_sync_end(const config::Config& cfg, const util::Clock& clock, int exit_code);

// At the end of apply, last: publishes this machine's delivery record (`own`
// as it was before the run) when it changed, or always when `withdrawn`
// (withdraw_claims published one after `own`: the generation counts that one too). Never throws: a record
// that cannot be written is logged (peers then cannot check the files;
// nothing is lost).
void publish_delivery(const config::Config& cfg, const Prepared& p, const state::DeliveryRecord& own,
                      const std::string& run, const state::WrittenFiles& written_to_cloud,
                      const std::set<std::string>& deleted_from_cloud, const util::Clock& clock,
                      bool withdrawn = false);

} // namespace codexsync::engine::detail
