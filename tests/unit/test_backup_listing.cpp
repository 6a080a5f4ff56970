#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/backup/snapshot.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::backup;
using codexsync::test::read_text;
using codexsync::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::chrono::system_clock::time_point day(int d) {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / d} + hours{10};
}

// Commits a one-file snapshot of `machine` taken at the clock's time.
std::string make_snapshot(const TempDir& dir, const std::string& machine, const util::Clock& clock,
                          Compression compression = Compression::none) {
  SnapshotWriter writer(dir / "backups", machine, compression, clock);
  writer.add(Side::local, "a.md", dir.write("src/a.md", "alpha"));
  writer.commit();
  return writer.name();
}

std::vector<std::string> names_of(const std::vector<SnapshotInfo>& list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& info : list) {
    out.push_back(info.name);
  }
  return out;
}

bool exists_any(const TempDir& dir, const std::string& name) {
  return fs::exists(dir / ("backups/" + name)) || fs::exists(dir / ("backups/" + name + ".zip")) ||
         fs::exists(dir / ("backups/" + name + ".manifest.json"));
}

} // namespace

TEST_CASE("list_snapshots of a missing folder is empty and creates nothing", "[backup]") {
  TempDir dir;
  CHECK(list_snapshots(dir / "no/such/backups").empty());
  CHECK_FALSE(fs::exists(dir / "no"));
}

TEST_CASE("list_snapshots orders newest first by the time in the name, then by mtime", "[backup]") {
  TempDir dir;
  util::ManualClock clock(day(10));
  const auto middle = make_snapshot(dir, "laptop", clock);
  clock.set(day(2));
  const auto oldest = make_snapshot(dir, "desk", clock, Compression::zip);
  clock.set(day(20));
  const auto newest = make_snapshot(dir, "laptop", clock);
  CHECK(names_of(list_snapshots(dir / "backups")) == std::vector<std::string>{newest, middle, oldest});

  // Two snapshots from the same second: the one written later comes first.
  const auto twin = make_snapshot(dir, "laptop", clock);
  std::error_code ec;
  const std::int64_t base = 1'700'000'000'000'000'000;
  for (const auto& [name, offset] : {std::pair{newest, 0}, std::pair{twin, 1'000'000'000}}) {
    util::set_mtime_ns(dir / ("backups/" + name), base + offset, ec);
    util::set_mtime_ns(dir / ("backups/" + name + ".manifest.json"), base + offset, ec);
  }
  auto list = names_of(list_snapshots(dir / "backups"));
  CHECK(list == std::vector<std::string>{twin, newest, middle, oldest});
  for (const auto& [name, offset] : {std::pair{newest, 2'000'000'000}, std::pair{twin, 0}}) {
    util::set_mtime_ns(dir / ("backups/" + name), base + offset, ec);
    util::set_mtime_ns(dir / ("backups/" + name + ".manifest.json"), base + offset, ec);
  }
  list = names_of(list_snapshots(dir / "backups"));
  CHECK(list == std::vector<std::string>{newest, twin, middle, oldest});
}

TEST_CASE("list_snapshots reports what is wrong and skips what is not a snapshot", "[backup]") {
  TempDir dir;
  const util::ManualClock clock(day(24));
  const auto good = make_snapshot(dir, "laptop", clock);
  const auto good_zip = make_snapshot(dir, "laptop", clock, Compression::zip);
  const auto damaged = make_snapshot(dir, "laptop", clock);
  dir.write("backups/" + damaged + ".manifest.json", "{");
  const auto wrong_format = make_snapshot(dir, "laptop", clock);
  auto manifest = nlohmann::json::parse(read_text(dir / ("backups/" + wrong_format + ".manifest.json")));
  manifest["format"] = "codexsync-backup-v1";
  dir.write("backups/" + wrong_format + ".manifest.json", manifest.dump());
  const auto misnamed = make_snapshot(dir, "laptop", clock);
  manifest = nlohmann::json::parse(read_text(dir / ("backups/" + misnamed + ".manifest.json")));
  manifest["name"] = good;
  dir.write("backups/" + misnamed + ".manifest.json", manifest.dump());
  const auto bad_entry = make_snapshot(dir, "laptop", clock);
  manifest = nlohmann::json::parse(read_text(dir / ("backups/" + bad_entry + ".manifest.json")));
  manifest["entries"][0]["sha256"] = "not a hash";
  dir.write("backups/" + bad_entry + ".manifest.json", manifest.dump());
  const auto orphan = make_snapshot(dir, "laptop", clock);
  fs::remove_all(dir / ("backups/" + orphan));
  const auto orphan_zip = make_snapshot(dir, "laptop", clock, Compression::zip);
  fs::remove(dir / ("backups/" + orphan_zip + ".zip"));
  const auto incomplete = make_snapshot(dir, "laptop", clock);
  fs::remove(dir / ("backups/" + incomplete + ".manifest.json"));
  // Not snapshots.
  dir.write("backups/notes.txt", "hello");
  dir.write("backups/laptop-20261124T100000Z-0123456789ab", "a stray file with a snapshot name");
  dir.write("backups/x.manifest.json", "{}");
  dir.write("backups/.laptop-20261124T100000Z-0123456789ab.zip.tmp-abcdef", "temp");
  dir.write("backups/laptop-20261124T100000Z-0123456789ab.tmp", "temp");
  dir.write("backups/laptop-20261324T100000Z-0123456789ab.manifest.json", "{}"); // month 13
  dir.mkdir("backups/random-folder");

  std::map<std::string, SnapshotInfo> by_name;
  for (const auto& info : list_snapshots(dir / "backups")) {
    by_name[info.name] = info;
  }
  REQUIRE(by_name.size() == 9);
  CHECK(by_name[good].complete());
  CHECK(by_name[good_zip].complete());
  CHECK(by_name[good_zip].zip);
  const auto problem = [&](const std::string& name) {
    REQUIRE(by_name[name].problems.size() == 1);
    return by_name[name].problems[0];
  };
  CHECK_THAT(problem(damaged), CS_CONTAINS("damaged: the manifest is not valid JSON"));
  CHECK_THAT(problem(wrong_format), CS_CONTAINS("damaged: unknown manifest format"));
  CHECK_THAT(problem(misnamed), CS_CONTAINS("damaged: the manifest names snapshot"));
  CHECK_THAT(problem(bad_entry), CS_CONTAINS("damaged: entry 1"));
  CHECK(problem(orphan) == "payload missing");
  CHECK(problem(orphan_zip) == "payload missing");
  CHECK(problem(incomplete) == "incomplete: no manifest");
}

TEST_CASE("prune removes this machine's snapshots older than the retention", "[backup]") {
  TempDir dir;
  util::ManualClock clock(day(1));
  const auto old = make_snapshot(dir, "laptop", clock);
  clock.set(day(8));
  const auto recent = make_snapshot(dir, "laptop", clock, Compression::zip);
  clock.set(day(11));
  const auto current = make_snapshot(dir, "laptop", clock);
  const auto removed = prune_snapshots(dir / "backups", "laptop", 7, 0, {}, clock);
  CHECK(removed == std::vector<std::string>{old});
  CHECK_FALSE(exists_any(dir, old));
  CHECK(names_of(list_snapshots(dir / "backups")) == std::vector<std::string>{current, recent});
  clock.set(day(16));
  CHECK(prune_snapshots(dir / "backups", "laptop", 7, 0, {}, clock) == std::vector<std::string>{recent});
  CHECK_FALSE(exists_any(dir, recent));
  CHECK(prune_snapshots(dir / "backups", "laptop", 0, 0, {}, clock).empty()); // no limits
}

TEST_CASE("prune keeps the newest max_backups", "[backup]") {
  TempDir dir;
  util::ManualClock clock(day(1));
  std::vector<std::string> made;
  for (int d = 1; d <= 4; ++d) {
    clock.set(day(d));
    made.push_back(make_snapshot(dir, "laptop", clock, d % 2 == 0 ? Compression::zip : Compression::none));
  }
  const auto removed = prune_snapshots(dir / "backups", "laptop", 0, 2, {}, clock);
  CHECK(removed == std::vector<std::string>{made[1], made[0]});
  CHECK(names_of(list_snapshots(dir / "backups")) == std::vector<std::string>{made[3], made[2]});
}

TEST_CASE("prune never touches other machines, kept, incomplete or damaged snapshots", "[backup]") {
  TempDir dir;
  util::ManualClock clock(day(1));
  const auto mine_old = make_snapshot(dir, "machine-a", clock);
  const auto kept = make_snapshot(dir, "machine-a", clock);
  const auto longer_name = make_snapshot(dir, "machine-a-x", clock);
  const auto shorter_name = make_snapshot(dir, "machine", clock);
  const auto incomplete = make_snapshot(dir, "machine-a", clock);
  fs::remove(dir / ("backups/" + incomplete + ".manifest.json"));
  const auto damaged = make_snapshot(dir, "machine-a", clock);
  dir.write("backups/" + damaged + ".manifest.json", "{");
  clock.set(day(30));
  const auto mine_new = make_snapshot(dir, "machine-a", clock);

  const auto removed = prune_snapshots(dir / "backups", "machine-a", 7, 1, {kept}, clock);
  CHECK(removed == std::vector<std::string>{mine_old});
  for (const auto& name : {kept, longer_name, shorter_name, incomplete, damaged, mine_new}) {
    CHECK(exists_any(dir, name));
  }
  CHECK_FALSE(exists_any(dir, mine_old));
}
