#include "support/catch.hpp"

#include <codexsync/plan/plan.hpp>

// The decision table's rows for the cloud folder as a transport: absences
// that only a tombstone makes deletions, placeholders (not available), and
// the deletion guard.
using namespace codexsync;
using namespace codexsync::plan;
using config::DeletePolicy;

namespace {

constexpr std::int64_t k_s = 1'000'000'000;

FileState st(std::uint64_t size, std::int64_t seconds) { return FileState{size, seconds * k_s, std::nullopt}; }

struct AbsenceRow {
  std::string name;
  DeletePolicy deletes;
  std::optional<std::set<std::string>> tombstones;  // nullopt: records not consulted
  std::set<std::string> unavailable;
  ActionKind expected;
  std::string reason;
};

} // namespace

TEST_CASE("plan: a file gone from the cloud is a deletion only with a tombstone (table)", "[plan]") {
  const std::string path = "skills/a.md";
  const std::vector<AbsenceRow> rows{
    {"no records consulted: the baseline proves it", DeletePolicy::propagate, std::nullopt, {},
     ActionKind::delete_local, "deleted in the cloud since the last sync"},
    {"a peer's tombstone", DeletePolicy::propagate, std::set<std::string>{path}, {}, ActionKind::delete_local,
     "deleted in the cloud since the last sync"},
    {"no tombstone: kept, never deleted", DeletePolicy::propagate, std::set<std::string>{}, {},
     ActionKind::kept_apart, "no machine's delivery record says it deleted it"},
    {"a tombstone for another path", DeletePolicy::propagate, std::set<std::string>{"skills/b.md"}, {},
     ActionKind::kept_apart, "--accept-undelivered"},
    {"never: put back, tombstone or not", DeletePolicy::never, std::set<std::string>{}, {},
     ActionKind::copy_to_cloud, "delete_policy = never puts it back"},
    {"a placeholder: not available, nothing happens", DeletePolicy::propagate, std::nullopt, {path},
     ActionKind::kept_apart, "holds only a placeholder"},
    {"a placeholder beats a tombstone", DeletePolicy::propagate, std::set<std::string>{path}, {path},
     ActionKind::kept_apart, "not downloaded on this computer"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    Index local;
    Index cloud;
    local.files[path] = st(5, 10);
    local.files["skills/keep.md"] = st(1, 1);
    cloud.files["skills/keep.md"] = st(1, 1);
    Baseline baseline{{path, BaselineEntry{st(5, 10), st(5, 10)}},
                      {"skills/keep.md", BaselineEntry{st(1, 1), st(1, 1)}}};
    Options options;
    options.delete_policy = row.deletes;
    options.include_roots = {"skills"};
    Evidence evidence;
    evidence.cloud_deletions = row.tombstones;
    evidence.unavailable = row.unavailable;
    const auto plan = make_plan(local, cloud, baseline, options, evidence);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].kind == row.expected);
    CHECK_THAT(plan.actions[0].reason, CS_CONTAINS(row.reason));
  }
}

TEST_CASE("plan: a local-only deletion needs no tombstone", "[plan]") {
  Index local;
  Index cloud;
  cloud.files["skills/a.md"] = st(5, 10);
  local.files["skills/keep.md"] = st(1, 1);
  cloud.files["skills/keep.md"] = st(1, 1);
  Baseline baseline{{"skills/a.md", BaselineEntry{st(5, 10), st(5, 10)}},
                    {"skills/keep.md", BaselineEntry{st(1, 1), st(1, 1)}}};
  Options options;
  options.delete_policy = DeletePolicy::propagate;
  options.include_roots = {"skills"};
  Evidence evidence;
  evidence.cloud_deletions = std::set<std::string>{};
  const auto plan = make_plan(local, cloud, baseline, options, evidence);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::delete_cloud);
}

namespace {

struct GuardRow {
  std::string name;
  int files = 10;          // on both sides at the last sync
  int deleted_local = 0;   // deletions planned on the local side
  int deleted_cloud = 0;
  bool local_empty = false;
  std::int64_t percent = 50;
  std::int64_t count = 0;
  std::optional<std::string> stop;  // a piece of the message, or nullopt
};

} // namespace

TEST_CASE("plan: the deletion guard (table)", "[plan]") {
  const std::vector<GuardRow> rows{
    {"nothing deleted", 10, 0, 0, false, 50, 0, std::nullopt},
    {"half is not more than half", 10, 5, 0, false, 50, 0, std::nullopt},
    {"six of ten", 10, 6, 0, false, 50, 0, "deletes 6 of the 10 file(s) the last sync saw here (60%)"},
    {"the cloud side counts alike", 10, 0, 8, false, 50, 0, "in the cloud folder (80%)"},
    {"one file is never a mass deletion", 1, 1, 0, false, 50, 0, std::nullopt},
    {"two of two", 2, 2, 0, false, 50, 0, "deletes 2 of the 2"},
    {"100 turns the share off", 10, 9, 0, false, 100, 0, std::nullopt},
    {"a count limit", 100, 6, 0, false, 50, 5, "more than max_delete_count = 5"},
    {"at the count limit", 100, 5, 0, false, 50, 5, std::nullopt},
    {"an empty side facing a baseline is a stop", 1, 0, 1, true, 100, 0, "the local side holds no file at all"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    Index local;
    Index cloud;
    Baseline baseline;
    Plan plan;
    for (int i = 0; i < row.files; ++i) {
      const auto path = "skills/f" + std::to_string(i) + ".md";
      baseline[path] = BaselineEntry{st(1, 1), st(1, 1)};
      if (!row.local_empty) {
        local.files[path] = st(1, 1);
      }
      cloud.files[path] = st(1, 1);
      Action action;
      action.path = path;
      if (i < row.deleted_local) {
        action.kind = ActionKind::delete_local;
        plan.actions.push_back(action);
      } else if (i < row.deleted_local + row.deleted_cloud) {
        action.kind = ActionKind::delete_cloud;
        plan.actions.push_back(action);
      }
    }
    const auto stop = deletion_guard(plan, local, cloud, baseline, row.percent, row.count);
    if (row.stop) {
      REQUIRE(stop);
      CHECK_THAT(*stop, CS_CONTAINS(*row.stop));
    } else {
      CHECK_FALSE(stop);
    }
  }
}
