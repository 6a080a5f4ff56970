#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/state/machines.hpp>
#include <codexsync/util/clock.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::state;
using namespace std::chrono;

namespace {

const system_clock::time_point k_now = sys_days{2026y / November / 24} + 15h;

std::string at(system_clock::duration from_now) { return util::utc_timestamp(k_now + from_now); }

MachineRecord record(std::string machine) {
  MachineRecord r;
  r.machine = std::move(machine);
  r.hostname = "HOST-" + r.machine;
  r.os = "linux";
  r.version = "0.5.0";
  r.sync_started = at(-2h - 1min);
  r.sync_finished = at(-2h);
  r.last_exit_code = 0;
  r.clock_offset_seconds = 0;
  r.written = at(-2h);
  return r;
}

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

} // namespace

TEST_CASE("machines: a record written is read back the same", "[state]") {
  test::TempDir dir;
  auto r = record("laptop-a");
  r.profile = "claude";
  r.last_exit_code = 2;
  r.clock_offset_seconds = -75;
  write_machine_record(dir.path(), r);
  CHECK(std::filesystem::is_regular_file(dir / "state/machines/laptop-a.json"));
  CHECK(machines_dir(dir.path()) == dir / "state/machines");
  CHECK_THAT(test::read_text(dir / "state/machines/laptop-a.json"), CS_CONTAINS("\"format\": 1"));

  const auto back = read_machine_record(dir.path(), "laptop-a");
  REQUIRE(back.has_value());
  CHECK(back->machine == "laptop-a");
  CHECK(back->hostname == "HOST-laptop-a");
  CHECK(back->os == "linux");
  CHECK(back->version == "0.5.0");
  CHECK(back->profile == "claude");
  CHECK(back->sync_started == r.sync_started);
  CHECK(back->sync_finished == r.sync_finished);
  CHECK(back->last_exit_code == 2);
  CHECK(back->clock_offset_seconds == std::optional<std::int64_t>(-75));
  CHECK(back->written == r.written);

  r.clock_offset_seconds.reset();
  r.sync_finished.clear();
  write_machine_record(dir.path(), r);  // replaces the record
  const auto again = read_machine_record(dir.path(), "laptop-a");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->clock_offset_seconds.has_value());
  CHECK(again->syncing());
  CHECK(names_in(dir / "state/machines") == std::vector<std::string>{"laptop-a.json"});  // no temp file left

  CHECK_FALSE(read_machine_record(dir.path(), "laptop-b").has_value());
  CHECK_FALSE(read_machine_record(dir.path(), "../x").has_value());
  auto bad = record("a/b");
  CHECK_THROWS_AS(write_machine_record(dir.path(), bad), RuntimeError);
}

TEST_CASE("machines: writing where a file blocks the folder names the path", "[state]") {
  test::TempDir dir;
  dir.write("state", "not a folder");
  try {
    write_machine_record(dir.path(), record("laptop-a"));
    FAIL("no error");
  } catch (const RuntimeError& e) {
    CHECK_THAT(e.what(), CS_CONTAINS("laptop-a.json"));
    CHECK_THAT(e.what(), CS_CONTAINS("writable"));
  }
}

TEST_CASE("machines: syncing() compares the start with the end", "[state]") {
  auto r = record("a");
  CHECK_FALSE(r.syncing());
  r.sync_started = at(-1min);
  CHECK(r.syncing());
  r.sync_finished.clear();
  CHECK(r.syncing());
  r.sync_started.clear();
  CHECK_FALSE(r.syncing());
}

TEST_CASE("machines: read_machine_records lists good records, names the bad, skips temp files", "[state]") {
  test::TempDir dir;
  CHECK(read_machine_records(dir.path()).records.empty());  // no folder yet: nothing, no problem
  CHECK(read_machine_records(dir.path()).problems.empty());

  write_machine_record(dir.path(), record("zeta"));
  write_machine_record(dir.path(), record("alpha"));
  dir.write("state/machines/broken.json", "{ \"format\": 1, \"machine\": ");
  dir.write("state/machines/newer.json", R"({"format": 2, "machine": "newer"})");
  dir.write("state/machines/other.json", R"({"format": 1, "machine": "zeta"})");
  dir.write("state/machines/badtime.json", R"({"format": 1, "machine": "badtime", "sync_started": "yesterday"})");
  dir.write("state/machines/badtype.json", R"({"format": 1, "machine": "badtype", "last_exit_code": "0"})");
  dir.write("state/machines/notes.txt", "hello");
  dir.write("state/machines/.zeta.json.codexsync-tmp-0123456789ab", "{ half");
  dir.write("state/machines/.clock-probe-alpha", "");
  dir.write("state/machines/.DS_Store", "");
  dir.mkdir("state/machines/folder.json");

  const auto listing = read_machine_records(dir.path());
  REQUIRE(listing.records.size() == 2);
  CHECK(listing.records[0].machine == "alpha");
  CHECK(listing.records[1].machine == "zeta");
  REQUIRE(listing.problems.size() == 7);
  const auto problem_for = [&](const std::string& name) {
    for (const auto& p : listing.problems) {
      if (p.find("/state/machines/" + name + ":") != std::string::npos) {
        return p;
      }
    }
    return std::string("(none for " + name + ")");
  };
  CHECK_THAT(problem_for("broken.json"), CS_CONTAINS("not valid JSON"));
  CHECK_THAT(problem_for("broken.json"), CS_CONTAINS("delete it"));
  CHECK_THAT(problem_for("newer.json"), CS_CONTAINS("newer codexsync (format 2)"));
  CHECK_THAT(problem_for("other.json"), CS_CONTAINS("holds the record of machine \"zeta\""));
  CHECK_THAT(problem_for("badtime.json"), CS_CONTAINS("\"sync_started\" is not a UTC time"));
  CHECK_THAT(problem_for("badtype.json"), CS_CONTAINS("\"last_exit_code\" is not a whole number"));
  CHECK_THAT(problem_for("notes.txt"), CS_CONTAINS("not a machine record"));
  CHECK_THAT(problem_for("folder.json"), CS_CONTAINS("not a regular file"));
}

TEST_CASE("machines: a file where the machines folder should be is a problem", "[state]") {
  test::TempDir dir;
  dir.write("state/machines", "x");
  const auto listing = read_machine_records(dir.path());
  CHECK(listing.records.empty());
  REQUIRE(listing.problems.size() == 1);
  CHECK_THAT(listing.problems[0], CS_CONTAINS("state/machines: is not a folder"));
}

TEST_CASE("machines: peer_findings, one row per case", "[state]") {
  struct Row {
    std::string name;
    std::vector<MachineRecord> records;
    std::int64_t lease = 900;
    std::int64_t warn = 60;
    // Expected findings in order: machine, running, pieces of the message.
    struct Want {
      std::string machine;
      bool running;
      std::vector<std::string> pieces;
    };
    std::vector<Want> want;
  };
  const auto with = [](std::string machine, auto change) {
    auto r = record(std::move(machine));
    change(r);
    return r;
  };
  const auto started = [](system_clock::duration ago) {
    return [ago](MachineRecord& r) {
      r.sync_finished = at(-ago - 1h);  // the sync before
      r.sync_started = at(-ago);
      r.written = at(-ago);
    };
  };
  const std::vector<Row> rows = {
    {"finished peer: nothing", {record("me"), record("b")}, 900, 60, {}},
    {"running within the lease",
     {record("me"), with("b", started(2min))},
     900,
     60,
     {{"b",
       true,
       {"machine b began a sync 2 min ago and has not finished", "still be arriving in the cloud folder",
        "Wait for it, or run again later"}}}},
    {"running, never finished before",
     {with("b",
           [](MachineRecord& r) {
             r.sync_started = at(-30s);
             r.sync_finished.clear();
           })},
     900,
     60,
     {{"b", true, {"began a sync 30 s ago"}}}},
    {"just inside the lease", {with("b", started(899s))}, 900, 60, {{"b", true, {"14 min ago"}}}},
    {"at the lease: stale", {with("b", started(900s))}, 900, 60, {{"b", false, {"never recorded its end"}}}},
    {"stale beyond the lease",
     {with("b", started(3h))},
     900,
     60,
     {{"b", false, {"machine b began a sync 3 h ago and never recorded its end (interrupted?)"}}}},
    {"self is never running", {with("me", started(2min))}, 900, 60, {}},
    {"self stale is not reported", {with("me", started(3h))}, 900, 60, {}},
    {"lease 0: never running", {with("b", started(2min))}, 0, 60, {}},
    {"lease 0: no stale message either", {with("b", started(3h))}, 0, 60, {}},
    {"future clock: written",
     {with("b", [](MachineRecord& r) { r.written = at(5min); })},
     900,
     60,
     {{"b", false, {"machine b's clock is at least 5 min ahead of this one's", "automatic time sync"}}}},
    {"future clock: finished",
     {with("b", [](MachineRecord& r) { r.sync_finished = at(2h); })},
     900,
     60,
     {{"b", false, {"at least 2 h ahead"}}}},
    {"a clock far ahead holds nobody up: only the skew is reported",
     {with("b",
           [](MachineRecord& r) {
             r.sync_started = at(10min);
             r.written = at(10min);
           })},
     900,
     60,
     {{"b", false, {"at least 10 min ahead"}}}},
    {"a start slightly in the future (within the skew allowed) is running",
     {with("b",
           [](MachineRecord& r) {
             r.sync_started = at(30s);
             r.written = at(30s);
           })},
     900,
     60,
     {{"b", true, {"began a sync just now"}}}},
    {"future clock within the threshold", {with("b", [](MachineRecord& r) { r.written = at(60s); })}, 900, 60, {}},
    {"future clock of self is not reported",
     {with("me", [](MachineRecord& r) { r.written = at(1h); })},
     900,
     60,
     {}},
    {"offset over the threshold, peer",
     {with("b", [](MachineRecord& r) { r.clock_offset_seconds = 61; })},
     900,
     60,
     {{"b", false, {"the cloud folder's clock differs from machine b's by 61 s (the folder's is ahead)",
                    "automatic time sync on that machine"}}}},
    {"offset over the threshold, self, behind",
     {with("me", [](MachineRecord& r) { r.clock_offset_seconds = -120; })},
     900,
     60,
     {{"me", false, {"differs from this machine's (me) by 120 s (the folder's is behind)", "on this machine"}}}},
    {"offset at the threshold", {with("b", [](MachineRecord& r) { r.clock_offset_seconds = -60; })}, 900, 60, {}},
    {"offset unknown", {with("b", [](MachineRecord& r) { r.clock_offset_seconds.reset(); })}, 900, 60, {}},
    {"several machines in order",
     {with("a", started(1min)), record("me"), with("z", [](MachineRecord& r) { r.clock_offset_seconds = 500; })},
     900,
     60,
     {{"a", true, {"machine a began"}}, {"z", false, {"by 500 s"}}}},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    const auto findings = peer_findings(row.records, "me", k_now, row.lease, row.warn);
    for (const auto& f : findings) {
      UNSCOPED_INFO("finding: " << f.machine << ": " << f.message);
    }
    REQUIRE(findings.size() == row.want.size());
    for (std::size_t i = 0; i < findings.size(); ++i) {
      CHECK(findings[i].machine == row.want[i].machine);
      CHECK(findings[i].running == row.want[i].running);
      for (const auto& piece : row.want[i].pieces) {
        CHECK_THAT(findings[i].message, CS_CONTAINS(piece));
      }
    }
  }
}

TEST_CASE("machines: the clock offset of a local folder is about 0 and leaves no file", "[state]") {
  test::TempDir dir;
  const auto offset = measure_clock_offset(dir.path(), "laptop-a", util::system_clock());
  REQUIRE(offset.has_value());
  CHECK(*offset >= -2);
  CHECK(*offset <= 2);
  CHECK(names_in(dir.path()).empty());

  // A clock an hour fast sees the folder an hour behind.
  util::ManualClock fast(system_clock::now() + 1h);
  const auto behind = measure_clock_offset(dir.path(), "laptop-a", fast);
  REQUIRE(behind.has_value());
  CHECK(*behind <= -3598);
  CHECK(*behind >= -3602);
  CHECK(names_in(dir.path()).empty());

  CHECK_FALSE(measure_clock_offset(dir / "missing", "laptop-a", util::system_clock()).has_value());
}
