#include "support/catch.hpp"
#include "support/hashes.hpp"

#include <codexsync/plan/plan.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::plan;
using config::ConflictPolicy;
using config::DeletePolicy;
using config::Direction;
using config::EqualMtimeAction;

namespace {

constexpr std::int64_t k_s = 1'000'000'000;

// A file state: size, mtime in seconds, optional hash (a label for test::digest_of).
FileState st(std::uint64_t size, std::int64_t seconds, std::optional<std::string> hash = std::nullopt) {
  return FileState{size, seconds * k_s, hash ? util::OptionalSha256(test::digest_of(*hash)) : std::nullopt};
}

// The index in `plan` of the action on `path` (what apply records by).
std::size_t action_at(const Plan& plan, const std::string& path) {
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    if (plan.actions[i].path == path) {
      return i;
    }
  }
  FAIL("no action on " << path);
  return 0;
}

struct Row {
  std::string name;
  std::optional<FileState> base_local;   // baseline; no entry when both are empty
  std::optional<FileState> base_cloud;
  std::optional<FileState> local;        // current
  std::optional<FileState> cloud;
  std::optional<ActionKind> expected;    // nullopt: in sync, no action
  std::string reason;                    // a piece of the expected reason
  ConflictPolicy policy = ConflictPolicy::manual_abort;
  EqualMtimeAction equal = EqualMtimeAction::skip;
  DeletePolicy deletes = DeletePolicy::never;
  Direction direction = Direction::bidirectional;
  std::int64_t tolerance_s = 0;
};

Plan plan_one(const Row& row, const std::string& path = "skills/a.md") {
  Index local;
  Index cloud;
  Baseline baseline;
  if (row.local) {
    local.files[path] = *row.local;
  }
  if (row.cloud) {
    cloud.files[path] = *row.cloud;
  }
  // Another file keeps the include root populated on both sides.
  local.files["skills/other.md"] = st(1, 1);
  cloud.files["skills/other.md"] = st(1, 1);
  if (row.base_local || row.base_cloud) {
    baseline[path] = BaselineEntry{row.base_local, row.base_cloud};
  }
  Options options;
  options.conflict_policy = row.policy;
  options.equal_mtime_action = row.equal;
  options.delete_policy = row.deletes;
  options.direction = row.direction;
  options.tolerance_ns = row.tolerance_s * k_s;
  options.include_roots = {"skills"};
  return make_plan(local, cloud, baseline, options);
}

void check_row(const Row& row) {
  INFO("row: " << row.name);
  const auto plan = plan_one(row);
  if (!row.expected) {
    CHECK(plan.actions.empty());
    return;
  }
  REQUIRE(plan.actions.size() == 1);
  const auto& action = plan.actions.front();
  CHECK(kind_name(action.kind) == kind_name(*row.expected));
  CHECK_THAT(action.reason, CS_CONTAINS(row.reason));
}

} // namespace

TEST_CASE("decision table: files present on both sides", "[plan]") {
  const auto v1 = st(10, 100);
  const std::vector<Row> rows{
    {"identical on both sides", v1, v1, v1, v1, std::nullopt, ""},
    {"identical, no history", {}, {}, v1, v1, std::nullopt, ""},
    {"only local changed", v1, v1, st(12, 200), v1, ActionKind::copy_to_cloud, "changed here since the last sync"},
    {"only cloud changed", v1, v1, v1, st(12, 200), ActionKind::copy_to_local, "changed in the cloud since"},
    {"clock skew: the local change is older than the cloud copy, still wins", v1, v1, st(12, 50), v1,
     ActionKind::copy_to_cloud, "changed here since the last sync"},
    {"clock skew: the cloud change is older, still wins", v1, v1, v1, st(12, 50), ActionKind::copy_to_local,
     "changed in the cloud since"},
    {"same size, new time only locally: content decides (hash differs)", st(10, 100, "aa"), st(10, 100, "aa"),
     st(10, 300, "bb"), st(10, 100, "aa"), ActionKind::copy_to_cloud, "changed here"},
    {"both changed to identical content: just recorded", v1, v1, st(12, 200, "cc"), st(12, 300, "cc"),
     std::nullopt, ""},
    {"both changed, manual_abort", v1, v1, st(12, 200), st(13, 300), ActionKind::conflict,
     "changed on both sides since the last sync (here 12 bytes, cloud 13 bytes); conflict.policy = manual_abort"},
    {"both changed, prefer_local", v1, v1, st(12, 200), st(13, 300), ActionKind::copy_to_cloud, "prefer_local",
     ConflictPolicy::prefer_local},
    {"both changed, prefer_cloud", v1, v1, st(12, 300), st(13, 200), ActionKind::copy_to_local, "prefer_cloud",
     ConflictPolicy::prefer_cloud},
    {"both changed, prefer_newer_mtime, local newer", v1, v1, st(12, 300), st(13, 200),
     ActionKind::copy_to_cloud, "this copy is newer", ConflictPolicy::prefer_newer_mtime},
    {"both changed, prefer_newer_mtime, cloud newer", v1, v1, st(12, 200), st(13, 300),
     ActionKind::copy_to_local, "the cloud copy is newer", ConflictPolicy::prefer_newer_mtime},
    {"both changed, prefer_newer_mtime, same time: conflict", v1, v1, st(12, 300), st(13, 300),
     ActionKind::conflict, "cannot tell which is newer", ConflictPolicy::prefer_newer_mtime},
    {"no history: local newer", {}, {}, st(12, 300), st(13, 200), ActionKind::copy_to_cloud,
     "no sync history for it; this copy is newer"},
    {"no history: cloud newer", {}, {}, st(12, 200), st(13, 300), ActionKind::copy_to_local,
     "the cloud copy is newer"},
    {"no history: times within tolerance, skip keeps them apart", {}, {}, st(12, 300), st(13, 301),
     ActionKind::kept_apart, "equal_mtime_action = skip", ConflictPolicy::manual_abort, EqualMtimeAction::skip,
     DeletePolicy::never, Direction::bidirectional, 2},
    {"no history: beyond tolerance, newer wins", {}, {}, st(12, 300), st(13, 303), ActionKind::copy_to_local,
     "the cloud copy is newer", ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::never,
     Direction::bidirectional, 2},
    {"no history: equal times, prefer_local", {}, {}, st(12, 300), st(13, 300), ActionKind::copy_to_cloud,
     "equal_mtime_action = prefer_local", ConflictPolicy::manual_abort, EqualMtimeAction::prefer_local},
    {"no history: equal times, prefer_cloud", {}, {}, st(12, 300), st(13, 300), ActionKind::copy_to_local,
     "equal_mtime_action = prefer_cloud", ConflictPolicy::manual_abort, EqualMtimeAction::prefer_cloud},
    {"no history: equal times, manual_abort", {}, {}, st(12, 300), st(13, 300), ActionKind::conflict,
     "equal_mtime_action = manual_abort", ConflictPolicy::manual_abort, EqualMtimeAction::manual_abort},
    {"neither changed yet they differ (after a held run): decided as if new", v1, st(13, 300), v1, st(13, 300),
     ActionKind::copy_to_local, "the cloud copy is newer"},
    {"tolerance hides a time-only change", v1, v1, st(10, 101), v1, std::nullopt, "", ConflictPolicy::manual_abort,
     EqualMtimeAction::skip, DeletePolicy::never, Direction::bidirectional, 2},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
}

TEST_CASE("decision table: a file on one side only", "[plan]") {
  const auto v1 = st(10, 100);
  const auto v2 = st(12, 200);
  const std::vector<Row> rows{
    {"new locally", {}, {}, v1, {}, ActionKind::copy_to_cloud, "new here"},
    {"new in the cloud", {}, {}, {}, v1, ActionKind::copy_to_local, "new in the cloud"},
    {"baseline saw only the local side: the cloud never had it", v1, {}, v1, {}, ActionKind::copy_to_cloud,
     "new here"},
    {"deleted in the cloud, delete_policy = never: put back", v1, v1, v1, {}, ActionKind::copy_to_cloud,
     "delete_policy = never puts it back"},
    {"deleted locally, delete_policy = never: put back", v1, v1, {}, v1, ActionKind::copy_to_local,
     "delete_policy = never puts it back"},
    {"deleted in the cloud with proof: delete locally", v1, v1, v1, {}, ActionKind::delete_local,
     "deleted in the cloud since the last sync, unchanged on the other side", ConflictPolicy::manual_abort,
     EqualMtimeAction::skip, DeletePolicy::propagate},
    {"deleted locally with proof: delete in the cloud", v1, v1, {}, v1, ActionKind::delete_cloud,
     "deleted here since the last sync", ConflictPolicy::manual_abort, EqualMtimeAction::skip,
     DeletePolicy::propagate},
    {"deleted in the cloud but changed locally: the change wins", v1, v1, v2, {}, ActionKind::copy_to_cloud,
     "the change wins", ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::propagate},
    {"deleted locally but changed in the cloud: the change wins", v1, v1, {}, v2, ActionKind::copy_to_local,
     "the change wins", ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::propagate},
    {"propagate, but the baseline never saw the cloud side: a copy, not a delete", v1, {}, v1, {},
     ActionKind::copy_to_cloud, "new here", ConflictPolicy::manual_abort, EqualMtimeAction::skip,
     DeletePolicy::propagate},
    {"propagate, first sync (no baseline): a copy", {}, {}, v1, {}, ActionKind::copy_to_cloud, "new here",
     ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::propagate},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
}

TEST_CASE("decision table: direction holds writes to the protected side", "[plan]") {
  const auto v1 = st(10, 100);
  const std::vector<Row> rows{
    {"to_cloud holds a pull", v1, v1, v1, st(12, 200), ActionKind::held, "direction = to_cloud leaves the local",
     ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::never, Direction::to_cloud},
    {"to_cloud still pushes", v1, v1, st(12, 200), v1, ActionKind::copy_to_cloud, "changed here",
     ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::never, Direction::to_cloud},
    {"to_local holds a push", v1, v1, st(12, 200), v1, ActionKind::held, "direction = to_local leaves the cloud",
     ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::never, Direction::to_local},
    {"to_local holds a cloud deletion", v1, v1, {}, v1, ActionKind::held, "leaves the cloud side alone",
     ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::propagate, Direction::to_local},
    {"to_cloud keeps a conflict a conflict", v1, v1, st(12, 200), st(13, 300), ActionKind::conflict,
     "manual_abort", ConflictPolicy::manual_abort, EqualMtimeAction::skip, DeletePolicy::never,
     Direction::to_cloud},
  };
  for (const auto& row : rows) {
    check_row(row);
  }
  Row held{"held", v1, v1, v1, st(12, 200), ActionKind::held, "", ConflictPolicy::manual_abort,
           EqualMtimeAction::skip, DeletePolicy::never, Direction::to_cloud};
  const auto plan = plan_one(held);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].held_kind == ActionKind::copy_to_local);
  CHECK_FALSE(plan.actions[0].writes());
  CHECK_FALSE(plan.has_writes());
}

TEST_CASE("an include root missing entirely on one side is a conflict, not deletions", "[plan]") {
  Index local;
  Index cloud;
  Baseline baseline;
  for (const auto* name : {"skills/a.md", "skills/b.md"}) {
    local.files[name] = st(1, 1);
    baseline[name] = BaselineEntry{st(1, 1), st(1, 1)};
  }
  Options options;
  options.delete_policy = DeletePolicy::propagate;
  options.include_roots = {"skills"};
  auto plan = make_plan(local, cloud, baseline, options);
  REQUIRE(plan.actions.size() == 2);
  for (const auto& action : plan.actions) {
    CHECK(action.kind == ActionKind::conflict);
    CHECK_THAT(action.reason, CS_CONTAINS("the whole of \"skills\" is missing in the cloud"));
  }
  // One file deleted inside a populated root is a deletion.
  cloud.files["skills/b.md"] = st(1, 1);
  plan = make_plan(local, cloud, baseline, options);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::delete_local);
  CHECK(plan.actions[0].path == "skills/a.md");
}

TEST_CASE("name_collisions groups every spelling once, across both sides", "[plan]") {
  Index local;
  Index cloud;
  local.files["README.md"] = st(1, 1);
  local.files["readme.md"] = st(1, 1);
  cloud.files["Readme.md"] = st(1, 1);
  cloud.files["readme.md"] = st(1, 1);  // on both sides: one member
  local.files["notes/a.md"] = st(1, 1);
  cloud.files["notes/b.md"] = st(1, 1);  // plain names never collide with each other
  local.files["x/cafe\xCC\x81"] = st(1, 1);  // NFD, already its own key
  cloud.files["x/caf\xC3\xA9"] = st(1, 1);   // NFC
  cloud.files["x/CAF\xC3\x89"] = st(1, 1);   // upper-case NFC
  const auto groups = name_collisions(local, cloud);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0] == std::vector<std::string>{"README.md", "Readme.md", "readme.md"});
  CHECK(groups[1] == std::vector<std::string>{"x/CAF\xC3\x89", "x/cafe\xCC\x81", "x/caf\xC3\xA9"});  // byte order
}

TEST_CASE("name collisions are found wherever the folded letters fall in a long path", "[plan]") {
  // The key is hashed eight ASCII bytes at a time until the first other
  // byte: the same key must meet whichever way each path was taken.
  for (std::size_t offset = 0; offset < 20; ++offset) {
    INFO("offset " << offset);
    const std::string upper(offset, 'Q');
    const std::string lower(offset, 'q');
    Index local;
    Index cloud;
    local.files["sessions/" + upper + "CAF\xC3\x89-Notes.md"] = st(1, 1);  // CAFÉ, NFC, upper case
    cloud.files["sessions/" + lower + "cafe\xCC\x81-notes.md"] = st(1, 1);  // café, NFD
    cloud.files["sessions/" + lower + "cafe-notes.md"] = st(1, 1);          // another name
    local.files["Sessions/" + upper + "ABCDEFGHIJKLMNOPQRSTUVWXYZ.md"] = st(1, 1);
    cloud.files["sessions/" + lower + "abcdefghijklmnopqrstuvwxyz.md"] = st(1, 1);
    cloud.files["sessions/" + lower + "abcdefghijklmnopqrstuvwxyz.mdx"] = st(1, 1);
    const auto groups = name_collisions(local, cloud);
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].size() == 2);
    CHECK(groups[1].size() == 2);
    for (const auto& group : groups) {
      for (const auto& path : group) {
        CHECK(path.find("cafe-notes") == std::string::npos);
        CHECK_FALSE(path.ends_with(".mdx"));
      }
    }
  }
}

TEST_CASE("names that differ only in case or Unicode form are unsyncable; the rest syncs", "[plan]") {
  Index local;
  Index cloud;
  local.files["rules/A.md"] = st(1, 1);
  cloud.files["rules/a.md"] = st(1, 1);
  local.files["skills/caf\xC3\xA9.md"] = st(1, 1);   // NFC é
  cloud.files["skills/cafe\xCC\x81.md"] = st(1, 1);  // NFD e + U+0301
  local.files["skills/plain.md"] = st(1, 1);
  const auto plan = make_plan(local, cloud, {}, Options{});
  REQUIRE(plan.actions.size() == 5);
  CHECK(plan.count(ActionKind::unsyncable) == 4);
  CHECK_FALSE(plan.has_conflicts());
  for (const auto& action : plan.actions) {
    if (action.path == "skills/plain.md") {
      CHECK(action.kind == ActionKind::copy_to_cloud);  // unaffected
    } else {
      CHECK(action.kind == ActionKind::unsyncable);
      CHECK_FALSE(action.writes());
      CHECK_THAT(action.reason, CS_CONTAINS("differ only in letter case or Unicode form"));
    }
  }
  CHECK(name_collisions(local, cloud).size() == 2);
}

TEST_CASE("name collisions: accents are not case, other scripts fold their case", "[plan]") {
  Index local;
  Index cloud;
  local.files["skills/resume.md"] = st(1, 1);
  cloud.files["skills/r\xC3\xA9sum\xC3\xA9.md"] = st(1, 1);        // résumé: another name
  local.files["notes/\xD0\x9F\xD1\x80\xD0\xB8.md"] = st(1, 1);  // При
  cloud.files["notes/\xD0\xBF\xD1\x80\xD0\xB8.md"] = st(1, 1);  // при: the same on Windows and macOS
  local.files["docs/CAF\xC3\x89.md"] = st(1, 1);                   // CAFÉ
  cloud.files["docs/cafe\xCC\x81.md"] = st(1, 1);                  // café in NFD
  const auto groups = name_collisions(local, cloud);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0][0].rfind("docs/", 0) == 0);
  CHECK(groups[1][0].rfind("notes/", 0) == 0);
}

TEST_CASE("hash candidates: equal sizes with different times, or all equal sizes under hash fallback", "[plan]") {
  Index local;
  Index cloud;
  local.files["same"] = st(5, 100);
  cloud.files["same"] = st(5, 100);
  local.files["moved-time"] = st(5, 100);
  cloud.files["moved-time"] = st(5, 200);
  local.files["other-size"] = st(5, 100);
  cloud.files["other-size"] = st(6, 200);
  local.files["one-side"] = st(5, 100);
  Options options;
  CHECK(hash_candidates(local, cloud, {}, options) == std::vector<std::string>{"moved-time"});
  options.compare = config::Compare::mtime_hash_fallback;
  CHECK(hash_candidates(local, cloud, {}, options) == std::vector<std::string>{"moved-time", "same"});
}

TEST_CASE("hash candidates: two edits that look alike are compared by content", "[plan]") {
  Index local;
  Index cloud;
  // Both sides changed since the baseline to the same size and time (two
  // writes in one clock tick): only their bytes can tell.
  local.files["skills/a.md"] = st(10, 200);
  cloud.files["skills/a.md"] = st(10, 200);
  const Baseline baseline{{"skills/a.md", BaselineEntry{st(6, 100), st(6, 100)}}};
  CHECK(hash_candidates(local, cloud, baseline, Options{}) == std::vector<std::string>{"skills/a.md"});
  // With the hashes filled in and differing, it is a conflict, not "in sync".
  local.files["skills/a.md"].sha256 = test::digest_of("aa");
  cloud.files["skills/a.md"].sha256 = test::digest_of("bb");
  const auto plan = make_plan(local, cloud, baseline, Options{});
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::conflict);
  // Unchanged on one side: no need to hash.
  const Baseline one_side{{"skills/a.md", BaselineEntry{st(10, 200), st(6, 100)}}};
  local.files["skills/a.md"].sha256.reset();
  CHECK(hash_candidates(local, cloud, one_side, Options{}).empty());
}

TEST_CASE("mtime_hash_fallback: equal times but different hashes differ", "[plan]") {
  Index local;
  Index cloud;
  local.files["skills/a.md"] = st(5, 100, "aa");
  cloud.files["skills/a.md"] = st(5, 100, "bb");
  Options options;
  options.compare = config::Compare::mtime_hash_fallback;
  options.equal_mtime_action = EqualMtimeAction::manual_abort;
  const auto plan = make_plan(local, cloud, {}, options);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::conflict);
}

TEST_CASE("actions report destination, replacement and bytes", "[plan]") {
  Index local;
  Index cloud;
  local.files["skills/new.md"] = st(7, 100);
  local.files["skills/changed.md"] = st(9, 300);
  cloud.files["skills/changed.md"] = st(4, 100);
  Baseline baseline{{"skills/changed.md", BaselineEntry{st(4, 100), st(4, 100)}}};
  const auto plan = make_plan(local, cloud, baseline, Options{});
  REQUIRE(plan.actions.size() == 2);
  const auto& changed = plan.actions[0];
  const auto& created = plan.actions[1];
  CHECK(changed.path == "skills/changed.md");
  CHECK(changed.destination() == Side::cloud);
  CHECK(changed.replaces_existing());
  CHECK(changed.bytes() == 9);
  CHECK(created.path == "skills/new.md");
  CHECK_FALSE(created.replaces_existing());
  CHECK(plan.bytes_to(Side::cloud) == 16);
  CHECK(plan.bytes_to(Side::local) == 0);
  CHECK(plan.count(ActionKind::copy_to_cloud) == 2);
}

TEST_CASE("next_baseline: in-sync paths, applied copies and deletions, kept entries", "[plan]") {
  Index local;
  Index cloud;
  local.files["in-sync"] = st(1, 1);
  cloud.files["in-sync"] = st(1, 1);
  local.files["copied"] = st(2, 2);
  local.files["conflict"] = st(3, 3);
  cloud.files["conflict"] = st(4, 4);
  local.files["not-applied"] = st(5, 5);
  Baseline old{{"conflict", BaselineEntry{st(9, 9), st(9, 9)}},
               {"deleted", BaselineEntry{st(6, 6), st(6, 6)}},
               {"gone-both", BaselineEntry{st(7, 7), st(7, 7)}}};
  cloud.files["deleted"] = st(6, 6);
  Options options;
  options.delete_policy = DeletePolicy::propagate;
  const auto plan = make_plan(local, cloud, old, options);
  Applied applied(plan);
  applied.copied[action_at(plan, "copied")] = st(2, 2, "hh");
  applied.deleted[action_at(plan, "deleted")] = true;
  const auto next = next_baseline(local, cloud, old, plan, applied);
  CHECK(next.at("in-sync").local->size == 1);
  CHECK(next.at("copied").cloud->sha256 == test::digest_of("hh"));
  CHECK(next.at("conflict").local->size == 9);  // old entry kept: the difference stays visible
  CHECK(next.count("deleted") == 0);
  CHECK(next.count("gone-both") == 0);
  CHECK(next.count("not-applied") == 0);        // planned but not done: no history invented
}

TEST_CASE("next_baseline keeps a recorded hash while size and mtime are unchanged", "[plan]") {
  Index local;
  Index cloud;
  local.files["same"] = st(1, 1);
  cloud.files["same"] = st(1, 1);
  local.files["grown"] = st(2, 2);
  cloud.files["grown"] = st(2, 2);
  local.files["rehashed"] = st(3, 3, "new");
  cloud.files["rehashed"] = st(3, 3, "new");
  Baseline old{{"same", BaselineEntry{st(1, 1, "l1"), st(1, 1, "c1")}},
               {"grown", BaselineEntry{st(1, 1, "l2"), st(2, 9, "c2")}},
               {"rehashed", BaselineEntry{st(3, 3, "old"), st(3, 3, "old")}}};
  const auto plan = make_plan(local, cloud, old, Options{});
  const auto next = next_baseline(local, cloud, old, plan, Applied{});
  CHECK(next.at("same").local->sha256 == test::digest_of("l1"));  // the hash cache: computed once per change
  CHECK(next.at("same").cloud->sha256 == test::digest_of("c1"));
  CHECK_FALSE(next.at("grown").local->sha256.has_value());  // other size: the old hash says nothing
  CHECK_FALSE(next.at("grown").cloud->sha256.has_value());  // other mtime: neither
  CHECK(next.at("rehashed").local->sha256 == test::digest_of("new"));  // a hash read this run wins
  CHECK(next == next_baseline(local, cloud, next, plan, Applied{}));  // stable: a no-op run rewrites nothing
  CHECK(baseline_unchanged(local, cloud, next, plan, Applied{}));
  CHECK_FALSE(baseline_unchanged(local, cloud, old, plan, Applied{}));  // "grown" and "rehashed" changed
  Baseline longer = next;
  longer["zz-forgotten"] = BaselineEntry{st(1, 1), st(1, 1)};  // gone from both sides: dropped
  CHECK_FALSE(baseline_unchanged(local, cloud, longer, plan, Applied{}));
  local.files["zz-new"] = st(1, 1, "n");
  const auto with_copy = make_plan(local, cloud, next, Options{});
  Applied copied(with_copy);
  CHECK(baseline_unchanged(local, cloud, next, with_copy, copied));  // not carried out: no entry yet
  copied.copied[action_at(with_copy, "zz-new")] = st(1, 1, "n");
  CHECK_FALSE(baseline_unchanged(local, cloud, next, with_copy, copied));  // the copy's state on both sides
}

TEST_CASE("next_baseline finds what apply did by the action's place in the plan", "[plan]") {
  // Actions on paths before, between and after paths in sync, and one on a
  // path no index or baseline has (the cursor steps over it).
  Index local;
  Index cloud;
  for (const auto* path : {"b-sync", "d-sync", "f-sync"}) {
    local.files[path] = st(1, 1);
    cloud.files[path] = st(1, 1);
  }
  for (const auto* path : {"a-new", "c-new", "e-new", "g-new"}) {
    local.files[path] = st(2, 2);
  }
  auto plan = make_plan(local, cloud, Baseline{}, Options{});
  REQUIRE(plan.actions.size() == 4);
  Action ghost;
  ghost.kind = ActionKind::conflict;
  ghost.path = "cc-ghost";
  plan.actions.insert(plan.actions.begin() + 2, ghost);
  Applied applied(plan);
  applied.copied[action_at(plan, "c-new")] = st(2, 2, "c");
  applied.copied[action_at(plan, "g-new")] = st(2, 2, "g");
  const auto next = next_baseline(local, cloud, Baseline{}, plan, applied);
  CHECK(next.size() == 5);
  CHECK(next.at("c-new").cloud->sha256 == test::digest_of("c"));
  CHECK(next.at("g-new").local->sha256 == test::digest_of("g"));
  CHECK(next.count("a-new") == 0);  // planned, not carried out: no history invented
  CHECK(next.count("e-new") == 0);
  CHECK(next.count("cc-ghost") == 0);
  CHECK(next.at("d-sync").local->size == 1);
}

TEST_CASE("a path that is a file on one side and a folder on the other is a conflict", "[plan]") {
  Index local;
  Index cloud;
  local.files["skills/x"] = st(1, 1);
  cloud.files["skills/x/SKILL.md"] = st(2, 2);
  cloud.files["skills/x-other.md"] = st(3, 3);  // sorts between "skills/x" and "skills/x/": unaffected
  const auto plan = make_plan(local, cloud, {}, Options{});
  REQUIRE(plan.actions.size() == 3);
  CHECK(plan.count(ActionKind::conflict) == 2);
  for (const auto& action : plan.actions) {
    if (action.path == "skills/x-other.md") {
      CHECK(action.kind == ActionKind::copy_to_local);
    } else {
      CHECK(action.kind == ActionKind::conflict);
      CHECK_THAT(action.reason, CS_CONTAINS("is a file on one side and a folder"));
    }
  }
}

TEST_CASE("a file-folder clash is found past any number of names that sort between", "[plan]") {
  // "P-..." and "P+x" sort between "P" and "P/...": the search for "P/" must
  // step over however many there are. Checked against every pair, on random
  // short paths over letters that sort around '/'.
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    Index local;
    Index cloud;
    const auto count = 1 + random() % 60;
    for (unsigned i = 0; i < count; ++i) {
      std::string path = "a";
      const auto length = random() % 6;
      for (unsigned k = 0; k < length; ++k) {
        path.push_back("a-+/"[random() % 4]);
      }
      if (path.back() == '/' || path.find("//") != std::string::npos) {
        continue;
      }
      (random() % 2 == 0 ? local : cloud).files[path] = st(1, 1);
    }
    std::set<std::string> expected;
    std::vector<std::string> all;
    for_each_path(local, cloud, [&](const std::string& path, const FileState*, const FileState*) { all.push_back(path); });
    for (const auto& file : all) {
      for (const auto& other : all) {
        if (other.size() > file.size() && other.compare(0, file.size() + 1, file + "/") == 0) {
          expected.insert(file);
          if (std::none_of(all.begin(), all.end(), [&](const std::string& between) {
                return between > file + "/" && between < other && between.compare(0, file.size() + 1, file + "/") == 0;
              })) {
            expected.insert(other);  // the first path below the file is named with it
          }
        }
      }
    }
    std::set<std::string> found;
    for (const auto& action : make_plan(local, cloud, {}, Options{}).actions) {
      if (action.kind == ActionKind::conflict) {
        found.insert(action.path);
      }
    }
    INFO("round " << round);
    CHECK(found == expected);
  }
}

TEST_CASE("a path the scan skipped on one side is never a deletion", "[plan]") {
  // A file became a symlink (dotfiles) on this machine: the scan skips it, so
  // it looks gone here, but it was not deleted.
  Index local;
  Index cloud;
  local.skipped.push_back({"skills/review/SKILL.md", "symlink: not followed"});
  local.files["skills/other.md"] = st(1, 1);
  cloud.files["skills/other.md"] = st(1, 1);
  cloud.files["skills/review/SKILL.md"] = st(5, 100);
  local.skipped.push_back({"rules", "symlink: not followed"});
  cloud.files["rules/a.md"] = st(5, 100);
  const Baseline baseline{{"skills/review/SKILL.md", BaselineEntry{st(5, 100), st(5, 100)}},
                          {"rules/a.md", BaselineEntry{st(5, 100), st(5, 100)}}};
  Options options;
  options.delete_policy = DeletePolicy::propagate;
  options.include_roots = {"skills", "rules"};
  const auto plan = make_plan(local, cloud, baseline, options);
  REQUIRE(plan.actions.size() == 2);
  for (const auto& action : plan.actions) {
    CHECK(action.kind == ActionKind::conflict);
    CHECK_THAT(action.reason, CS_CONTAINS("symlink: not followed"));
  }
}

TEST_CASE("a cloud copy whose time was rewritten but whose bytes are the same is unchanged", "[plan]") {
  // The cloud client re-stamped the file; this machine edited its copy.
  Index local;
  Index cloud;
  local.files["skills/a.md"] = st(12, 300);
  cloud.files["skills/a.md"] = st(10, 500);
  const Baseline baseline{{"skills/a.md", BaselineEntry{st(10, 100, "v0"), st(10, 100, "v0")}}};
  Options options;
  options.conflict_policy = ConflictPolicy::prefer_newer_mtime;
  CHECK(hash_candidates(local, cloud, baseline, options) == std::vector<std::string>{"skills/a.md"});
  // What the engine finds when it hashes the cloud side:
  cloud.files["skills/a.md"].sha256 = test::digest_of("v0");
  const auto plan = make_plan(local, cloud, baseline, options);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::copy_to_cloud);  // not "the cloud copy is newer"
  CHECK_THAT(plan.actions[0].reason, CS_CONTAINS("changed here since the last sync"));
}

TEST_CASE("a single-file include root deleted with proof is an ordinary deletion", "[plan]") {
  Index local;
  Index cloud;
  cloud.files["session_index.jsonl"] = st(5, 100);
  const Baseline baseline{{"session_index.jsonl", BaselineEntry{st(5, 100), st(5, 100)}}};
  Options options;
  options.delete_policy = DeletePolicy::propagate;
  options.include_roots = {"session_index.jsonl"};
  const auto plan = make_plan(local, cloud, baseline, options);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::delete_cloud);
}
