#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

// The planner: a pure function of (local index, cloud index, this machine's
// baseline, options) -> actions, each with a reason. No I/O, no clock, no
// logging. The decision table is in docs/architecture.md and in plan.cpp.
namespace codexsync::plan {

enum class ActionKind {
  copy_to_cloud,  // local -> cloud (new file or overwrite)
  copy_to_local,  // cloud -> local
  delete_cloud,   // deleted locally since the last sync, proven: delete the cloud copy
  delete_local,   // deleted in the cloud since the last sync, proven: delete the local copy
  conflict,       // left open by the policy: nothing is written while any exists
  held,           // would write the side `direction` protects; kept for a later two-way run
  kept_apart,     // differs with equal times and equal_mtime_action = "skip", or an append-only
                  // file deleted on one side that delete_policy does not carry over: left as it is
  merge,          // a merge-line file with lines missing on both sides: both get the union
  withheld,       // a copy to the cloud stopped by the secret guard ([secrets] on_detect = "skip")
  unsyncable,     // a name another OS cannot hold (reserved, illegal, too long, colliding): left where it is
};

// "copy → cloud", "conflict", ...: the word the plan output shows.
std::string_view kind_label(ActionKind kind);
// "copy_to_cloud", ...: the name used in --json and logs.
std::string_view kind_name(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::conflict;
  SharedPath path;
  std::string reason;
  std::optional<FileState> local;  // the current states, as scanned
  std::optional<FileState> cloud;
  // For `held` and `withheld`: what it would have done.
  std::optional<ActionKind> held_kind;
  // A fast-forward of an append-only file: the destination's first
  // `*append_from` bytes were verified to equal the source's; only the rest is
  // copied (no backup is needed: the old content is a prefix of the new).
  std::optional<std::uint64_t> append_from;
  // A divergence decided by conflict.policy: the destination's version (the
  // loser) is kept whole in the conflict store before it is replaced.
  bool keep_loser = false;

  // True for copies and deletes (the actions apply carries out).
  bool writes() const;
  // The side written by a copy or delete.
  Side destination() const;
  // The side read by a copy.
  Side source() const { return other(destination()); }
  // True when a copy replaces an existing file, a delete removes one or a
  // merge rewrites one: such a file is backed up first (fast-forwards excepted).
  bool replaces_existing() const;
  // Bytes a copy moves (0 for the rest).
  std::uint64_t bytes() const;
};

struct Options {
  config::Direction direction = config::Direction::bidirectional;
  config::Compare compare = config::Compare::mtime;
  std::int64_t tolerance_ns = 0;
  config::EqualMtimeAction equal_mtime_action = config::EqualMtimeAction::skip;
  config::DeletePolicy delete_policy = config::DeletePolicy::never;
  config::ConflictPolicy conflict_policy = config::ConflictPolicy::manual_abort;
  std::vector<std::string> include_roots;  // to tell a vanished root from a deletion
  std::vector<std::string> append_only_globs;
  std::vector<std::string> merge_line_globs;
  bool portable_names = true;  // names Windows or macOS cannot hold are unsyncable (collisions always are)
};

// How the two sides of an append-only file relate, as the engine found by
// reading them (the planner does no I/O).
enum class Relation {
  local_prefix_of_cloud,  // the cloud copy is this one plus more: fast-forward to local
  cloud_prefix_of_local,  // fast-forward to the cloud
  diverged,               // neither starts with the other: a real divergence
};

// What a merge of a merge-line file's two sides would give.
enum class MergeOutcome {
  local_has_all,  // every line of the cloud copy is here: the union is this copy
  cloud_has_all,  // the union is the cloud copy
  both_lack,      // each side lacks lines of the other: both get the union
};

// Facts about file contents the engine read for the planner.
struct Evidence {
  std::map<std::string, Relation> relations;  // append-only paths present on both sides with different sizes
  std::map<std::string, MergeOutcome> merges; // merge-line paths present on both sides, contents differing
  // Paths gone from the cloud mirror that a peer's delivery record says it
  // deleted. nullopt: every absence the baseline explains is a deletion (no
  // records consulted, or --accept-undelivered); otherwise an absence not
  // listed here is never carried over as a deletion.
  std::optional<std::set<std::string>> cloud_deletions;
  // Paths the cloud client has not downloaded here (an iCloud placeholder
  // stands in for them): neither copied nor deleted.
  std::set<std::string> unavailable;
  // Paths a peer's unfinished sync was appending to (path -> why): kept
  // apart, neither copied nor deleted, until that peer settles them.
  std::map<std::string, std::string> in_flux;
};

// Returns the planner options a config asks for.
Options options_from(const config::Config& cfg);

struct Plan {
  std::vector<Action> actions;  // sorted by path

  std::size_t count(ActionKind kind) const;
  std::uint64_t bytes_to(Side side) const;
  bool has_conflicts() const { return count(ActionKind::conflict) > 0; }
  bool has_writes() const;
};

// Paths whose contents must be hashed on both sides before make_plan can
// decide them: present on both sides with equal sizes, and either their times
// differ beyond the tolerance (identical content is then "in sync", not a
// conflict or a copy), or both sides changed since the baseline (two edits
// that look alike are only "identical" when their bytes are), or compare =
// "mtime_hash_fallback" (equal times are then confirmed by content); also any
// path one of whose sides kept its baseline size but not its time, when the
// baseline knows that side's hash (a cloud client that rewrites mtimes). The
// caller fills FileState::sha256 for these (the side that exists), reusing the
// baseline's hash where size and mtime still match it.
std::vector<std::string> hash_candidates(const Index& local, const Index& cloud, const Baseline& baseline,
                                         const Options& options);

// Builds the plan. Paths in sync produce no action.
Plan make_plan(const Index& local, const Index& cloud, const Baseline& baseline, const Options& options,
               const Evidence& evidence = {});

// What apply carried out, action by action (the index into Plan::actions:
// no path is copied again, a first sync of 100,000 files writes them all).
struct Applied {
  Applied() = default;
  explicit Applied(const Plan& plan) : copied(plan.actions.size()), deleted(plan.actions.size(), false) {}

  // What a copy or merge left on both sides (sha256 of the content, the
  // copied mtime); nullopt where nothing was copied.
  std::vector<std::optional<FileState>> copied;
  std::vector<bool> deleted;  // the path is gone from both sides

  const FileState* copied_state(std::size_t action) const {
    return action < copied.size() && copied[action] ? &*copied[action] : nullptr;
  }
  bool was_deleted(std::size_t action) const { return action < deleted.size() && deleted[action]; }
};

// The baseline to save after a run: paths in sync take their current states
// (keeping the hash the old entry recorded while size and mtime are the same,
// so that hashes are computed once per change), applied copies the copied state, applied deletions disappear, and every
// conflict, held, kept-apart or not-applied path keeps its old entry (so the
// next run sees the same difference again).
Baseline next_baseline(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                       const Applied& applied);

// The same entry by entry, in path order, without building the baseline:
// `emit(path, entry)` for each (a first sync of 100,000 files would hold
// tens of MB for it).
using EmitEntry = std::function<void(const std::string& path, const BaselineEntry& entry)>;
void for_each_next_entry(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                         const Applied& applied, const EmitEntry& emit);

// True when next_baseline would return `old` unchanged (a run that changed
// nothing need not rewrite it), without building a second baseline.
bool baseline_unchanged(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                        const Applied& applied);

// The deletion guard: why the plan deletes too much to be carried out without
// --force-deletes, or nullopt. Per side: more deletions than `max_count` (0 =
// no limit); more than one deletion and over `max_percent` of the files the
// baseline saw on that side (100 = off); or any deletion while the other side
// holds no file at all although the baseline saw files there (an emptied or
// unmounted side is a stop, not a wipe).
std::optional<std::string> deletion_guard(const Plan& plan, const Index& local, const Index& cloud,
                                          const Baseline& baseline, std::int64_t max_percent,
                                          std::int64_t max_count);

// Groups of two or more paths (across both sides) that differ only in letter
// case or Unicode normalisation, which a case-insensitive or normalising
// filesystem would store as one file.
std::vector<std::vector<std::string>> name_collisions(const Index& local, const Index& cloud);

} // namespace codexsync::plan
