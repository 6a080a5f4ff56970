#include "support/catch.hpp"
#include "support/hashes.hpp"

#include <codexsync/plan/plan.hpp>

// The decision table's rows for append-only files (chats) and merge-line files
// (prompt histories): one row per case, with the evidence the engine read.
using namespace codexsync;
using namespace codexsync::plan;
using config::ConflictPolicy;
using config::DeletePolicy;
using config::Direction;

namespace {

constexpr std::int64_t k_s = 1'000'000'000;
const std::string k_chat = "sessions/2026/11/24/rollout-1.jsonl";
const std::string k_history = "history.jsonl";

// `hash`: a label for test::digest_of.
FileState st(std::uint64_t size, std::int64_t seconds, std::optional<std::string> hash = std::nullopt) {
  return FileState{size, seconds * k_s, hash ? util::OptionalSha256(test::digest_of(*hash)) : std::nullopt};
}

struct Row {
  std::string name;
  std::string path;
  std::optional<FileState> base_local;
  std::optional<FileState> base_cloud;
  std::optional<FileState> local;
  std::optional<FileState> cloud;
  std::optional<Relation> relation;
  std::optional<MergeOutcome> merge;
  std::optional<ActionKind> expected;
  std::string reason;
  std::optional<std::uint64_t> append_from = std::nullopt;
  bool keep_loser = false;
  ConflictPolicy policy = ConflictPolicy::manual_abort;
  DeletePolicy deletes = DeletePolicy::never;
  Direction direction = Direction::bidirectional;
};

Plan plan_row(const Row& row) {
  Index local;
  Index cloud;
  Baseline baseline;
  if (row.local) {
    local.files[row.path] = *row.local;
  }
  if (row.cloud) {
    cloud.files[row.path] = *row.cloud;
  }
  // Other files keep the include roots populated on both sides.
  for (const auto* other : {"sessions/2026/11/01/rollout-0.jsonl", "skills/x.md"}) {
    local.files[other] = st(1, 1);
    cloud.files[other] = st(1, 1);
  }
  if (row.base_local || row.base_cloud) {
    baseline[row.path] = BaselineEntry{row.base_local, row.base_cloud};
  }
  Options options;
  options.conflict_policy = row.policy;
  options.delete_policy = row.deletes;
  options.direction = row.direction;
  options.include_roots = {"sessions", "history.jsonl", "skills"};
  options.append_only_globs = {"sessions/**/*.jsonl"};
  options.merge_line_globs = {"history.jsonl"};
  Evidence evidence;
  if (row.relation) {
    evidence.relations[row.path] = *row.relation;
  }
  if (row.merge) {
    evidence.merges[row.path] = *row.merge;
  }
  return make_plan(local, cloud, baseline, options, evidence);
}

void check_row(const Row& row) {
  INFO("row: " << row.name);
  const auto plan = plan_row(row);
  if (!row.expected) {
    CHECK(plan.actions.empty());
    return;
  }
  REQUIRE(plan.actions.size() == 1);
  const auto& action = plan.actions.front();
  CHECK(kind_name(action.kind) == kind_name(*row.expected));
  CHECK_THAT(action.reason, CS_CONTAINS(row.reason));
  CHECK(action.append_from == row.append_from);
  CHECK(action.keep_loser == row.keep_loser);
}

} // namespace

TEST_CASE("decision table: append-only files on both sides", "[plan]") {
  const auto v1 = st(100, 100);
  const std::vector<Row> rows{
    {"continued here: fast-forward to the cloud, whatever the times", k_chat, v1, v1, st(150, 50), v1,
     Relation::cloud_prefix_of_local, {}, ActionKind::copy_to_cloud, "fast-forward: the local copy is the cloud one plus 50 more bytes",
     100},
    {"continued elsewhere: fast-forward to here", k_chat, v1, v1, v1, st(180, 90), Relation::local_prefix_of_cloud,
     {}, ActionKind::copy_to_local, "fast-forward: the cloud copy is the local one plus 80 more bytes", 100},
    {"no history and the cloud copy is longer: still a fast-forward, never a conflict", k_chat, {}, {},
     st(100, 500), st(300, 100), Relation::local_prefix_of_cloud, {}, ActionKind::copy_to_local, "fast-forward",
     100},
    {"both changed but one is a prefix of the other (a run that died before its baseline): fast-forward", k_chat,
     v1, v1, st(120, 200), st(160, 300), Relation::local_prefix_of_cloud, {}, ActionKind::copy_to_local,
     "fast-forward", 120},
    {"continued on both sides: conflict under manual_abort", k_chat, v1, v1, st(150, 200), st(170, 300),
     Relation::diverged, {}, ActionKind::conflict, "neither copy starts with the other"},
    {"continued on both sides, prefer_cloud: the local copy is kept in the conflict store", k_chat, v1, v1,
     st(150, 200), st(170, 300), Relation::diverged, {}, ActionKind::copy_to_local, "conflict store", {}, true,
     ConflictPolicy::prefer_cloud},
    {"continued on both sides, prefer_local", k_chat, v1, v1, st(150, 200), st(170, 300), Relation::diverged, {},
     ActionKind::copy_to_cloud, "conflict.policy = prefer_local", {}, true, ConflictPolicy::prefer_local},
    {"continued on both sides, prefer_newer_mtime", k_chat, v1, v1, st(150, 200), st(170, 300), Relation::diverged,
     {}, ActionKind::copy_to_local, "the cloud copy is newer", {}, true, ConflictPolicy::prefer_newer_mtime},
    {"diverged with no history: a conflict, not the newer time", k_chat, {}, {}, st(150, 900), st(170, 300),
     Relation::diverged, {}, ActionKind::conflict, "neither copy starts with the other"},
    {"rewritten here only (an agent migrating the file): that side wins, backed up", k_chat, v1, v1, st(140, 200),
     v1, Relation::diverged, {}, ActionKind::copy_to_cloud, "rewritten here since the last sync"},
    {"rewritten in the cloud only", k_chat, v1, v1, v1, st(90, 200), Relation::diverged, {},
     ActionKind::copy_to_local, "rewritten in the cloud since the last sync"},
    {"same size, different bytes, both changed: diverged", k_chat, v1, v1, st(120, 200, "aa"), st(120, 300, "bb"),
     {}, {}, ActionKind::conflict, "neither copy starts with the other"},
    {"identical: nothing to do", k_chat, v1, v1, v1, v1, {}, {}, std::nullopt, ""},
    {"a fast-forward held by direction keeps no offset", k_chat, v1, v1, v1, st(180, 90),
     Relation::local_prefix_of_cloud, {}, ActionKind::held, "direction = to_cloud", {}, false,
     ConflictPolicy::manual_abort, DeletePolicy::never, Direction::to_cloud},
    {"no evidence (not read): the ordinary rules", k_chat, v1, v1, st(150, 200), v1, {}, {},
     ActionKind::copy_to_cloud, "changed here since the last sync"},
    {"not append-only: a longer cloud copy is an ordinary change", "skills/x2.md", v1, v1, st(150, 200),
     st(170, 300), Relation::local_prefix_of_cloud, {}, ActionKind::conflict, "conflict.policy = manual_abort"},
    {"an ordinary conflict settled by policy keeps the loser too", "skills/x2.md", v1, v1, st(150, 200),
     st(170, 300), {}, {}, ActionKind::copy_to_cloud, "kept in the conflict store", {}, true,
     ConflictPolicy::prefer_local},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
}

TEST_CASE("decision table: deletions of append-only files", "[plan]") {
  const auto v1 = st(100, 100);
  const std::vector<Row> rows{
    {"pruned here (Claude's 30-day clean-up), propagate: not carried to the cloud", k_chat, v1, v1, {}, v1, {}, {},
     ActionKind::kept_apart, "deletions of append-only files (chats an agent prunes) are not carried over", {},
     false, ConflictPolicy::manual_abort, DeletePolicy::propagate},
    {"deleted in the cloud, propagate: the local chat stays", k_chat, v1, v1, v1, {}, {}, {}, ActionKind::kept_apart,
     "the local copy stays", {}, false, ConflictPolicy::manual_abort, DeletePolicy::propagate},
    {"propagate_all carries the deletion", k_chat, v1, v1, {}, v1, {}, {}, ActionKind::delete_cloud,
     "deleted here since the last sync", {}, false, ConflictPolicy::manual_abort, DeletePolicy::propagate_all},
    {"never puts it back, as for any file", k_chat, v1, v1, {}, v1, {}, {}, ActionKind::copy_to_local,
     "delete_policy = never puts it back"},
    {"propagate still deletes ordinary files", "skills/x2.md", v1, v1, {}, v1, {}, {}, ActionKind::delete_cloud,
     "deleted here since the last sync", {}, false, ConflictPolicy::manual_abort, DeletePolicy::propagate},
    {"a new chat is copied", k_chat, {}, {}, {}, v1, {}, {}, ActionKind::copy_to_local, "new in the cloud"},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
}

TEST_CASE("decision table: merge-line files", "[plan]") {
  const auto v1 = st(100, 100);
  const std::vector<Row> rows{
    {"the cloud lacks lines, this side has all: copy to the cloud", k_history, v1, v1, st(150, 200), st(120, 300),
     {}, MergeOutcome::local_has_all, ActionKind::copy_to_cloud, "every line of the cloud copy is here too"},
    {"this side lacks lines: copy here", k_history, v1, v1, st(150, 400), st(180, 300), {},
     MergeOutcome::cloud_has_all, ActionKind::copy_to_local, "every line here is in the cloud copy too"},
    {"both lack lines: merge, never a conflict", k_history, v1, v1, st(150, 200), st(170, 300), {},
     MergeOutcome::both_lack, ActionKind::merge, "both get the union"},
    {"both lack lines, no history: merge", k_history, {}, {}, st(150, 200), st(170, 300), {},
     MergeOutcome::both_lack, ActionKind::merge, "both get the union"},
    {"a one-way run holds a merge", k_history, v1, v1, st(150, 200), st(170, 300), {}, MergeOutcome::both_lack,
     ActionKind::held, "merging writes both", {}, false, ConflictPolicy::manual_abort, DeletePolicy::never,
     Direction::to_cloud},
    {"only here: copied as usual", k_history, {}, {}, v1, {}, {}, {}, ActionKind::copy_to_cloud, "new here"},
    {"lines appended here: only they go to the cloud", k_history, v1, v1, st(150, 200), v1,
     Relation::cloud_prefix_of_local, MergeOutcome::local_has_all, ActionKind::copy_to_cloud,
     "line merge: the local copy is the cloud one plus 50 more bytes (lines appended; only they are copied)", 100},
    {"lines appended in the cloud: only they come here", k_history, v1, v1, v1, st(130, 300),
     Relation::local_prefix_of_cloud, MergeOutcome::cloud_has_all, ActionKind::copy_to_local,
     "line merge: the cloud copy is the local one plus 30 more bytes", 100},
    {"appended lines, no history: still only they", k_history, {}, {}, st(100, 900), st(130, 300),
     Relation::local_prefix_of_cloud, MergeOutcome::cloud_has_all, ActionKind::copy_to_local,
     "plus 30 more bytes", 100},
    {"a one-way run holds an appending copy the other way", k_history, v1, v1, v1, st(130, 300),
     Relation::local_prefix_of_cloud, MergeOutcome::cloud_has_all, ActionKind::held, "", {}, false,
     ConflictPolicy::manual_abort, DeletePolicy::never, Direction::to_cloud},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
}

TEST_CASE("a merge writes both sides and backs both up; a fast-forward needs no backup", "[plan]") {
  Action merge;
  merge.kind = ActionKind::merge;
  merge.local = st(10, 1);
  merge.cloud = st(12, 2);
  CHECK(merge.writes());
  CHECK(merge.replaces_existing());

  Action forward;
  forward.kind = ActionKind::copy_to_local;
  forward.local = st(10, 1);
  forward.cloud = st(15, 2);
  forward.append_from = 10;
  CHECK(forward.writes());
  CHECK_FALSE(forward.replaces_existing());
  CHECK(forward.bytes() == 15);
}

TEST_CASE("hash candidates: compare = hash compares every equal-size pair by content", "[plan]") {
  Index local;
  Index cloud;
  local.files["a"] = st(5, 1);
  cloud.files["a"] = st(5, 1);
  Options options;
  CHECK(hash_candidates(local, cloud, {}, options).empty());
  options.compare = config::Compare::hash;
  CHECK(hash_candidates(local, cloud, {}, options) == std::vector<std::string>{"a"});
}
