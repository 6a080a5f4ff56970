#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/backup/snapshot.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::backup;
using codexsync::test::read_text;
using codexsync::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::chrono::system_clock::time_point at(int day, int hour) {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / day} + hours{hour};
}

std::int64_t mtime_of(const fs::path& path) {
  std::error_code ec;
  const auto st = util::stat_no_follow(path, ec);
  REQUIRE(st);
  return st->mtime_ns;
}

void set_mtime(const fs::path& path, std::int64_t ns) {
  std::error_code ec;
  util::set_mtime_ns(path, ns, ec);
  REQUIRE_FALSE(ec);
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    out.push_back(util::display_path(item.path().filename()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Binary content larger than one 1 MiB read, with NUL bytes.
std::string big_content() {
  std::string out;
  for (int i = 0; i < 1024 * 1024 + 4099; ++i) {
    out.push_back(static_cast<char>((i * 31 + i / 7) & 0xff));
  }
  return out;
}

} // namespace

TEST_CASE("snapshot_name carries the machine, the UTC second and the hex suffix", "[backup]") {
  using namespace std::chrono;
  const auto time = sys_days{year{2026} / 1 / 2} + hours{3} + minutes{4} + seconds{5} + milliseconds{678};
  CHECK(snapshot_name("laptop", time, "0123456789ab") == "laptop-20260102T030405Z-0123456789ab");
  CHECK(snapshot_name("machine-a-x", time, "ffffffffffff") == "machine-a-x-20260102T030405Z-ffffffffffff");

  TempDir dir;
  const util::ManualClock clock(at(24, 10));
  SnapshotWriter writer(dir / "backups", "desk-1", Compression::none, clock);
  CHECK_THAT(writer.name(), CS_CONTAINS("desk-1-20261124T100000Z-"));
  CHECK(writer.name().size() == std::string("desk-1-20261124T100000Z-").size() + 12);
}

TEST_CASE("a machine id that is not a safe file name is refused", "[backup]") {
  TempDir dir;
  CHECK_THROWS_AS(SnapshotWriter(dir / "backups", "a/b", Compression::none), RuntimeError);
  CHECK_THROWS_AS(SnapshotWriter(dir / "backups", "", Compression::zip), RuntimeError);
}

TEST_CASE("snapshots round-trip files byte for byte in both modes", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  const auto backups = dir / "backups";
  const std::string big = big_content();
  const std::string utf8_path = "notes/d\xc3\xad"
                                "a uno/\xe6\x97\xa5\xe6\x9c\xac file.md";
  struct Source {
    Side side;
    std::string path;
    std::string content;
  };
  const std::vector<Source> sources = {
      {Side::local, "rules/a.md", "alpha\n"},
      {Side::cloud, "sessions/big.bin", big},
      {Side::local, utf8_path, "utf-8 and spaces"},
      {Side::cloud, "rules/a.md", "the cloud's alpha\n"},
      {Side::local, "empty.txt", ""},
  };
  // A multiple of 100 ns: NTFS keeps file times in 100 ns steps.
  const std::int64_t mtime = 1'790'000'000'123'456'700;
  const util::ManualClock clock(at(24, 10));
  SnapshotWriter writer(backups, "laptop", compression, clock);
  CHECK(writer.empty());
  std::uint64_t total = 0;
  for (const auto& source : sources) {
    const auto file = dir.write(std::string(side_name(source.side)) + "/" + source.path, source.content);
    set_mtime(file, mtime);
    const auto entry = writer.add(source.side, source.path, file);
    CHECK(entry.side == source.side);
    CHECK(entry.path == source.path);
    CHECK(entry.size == source.content.size());
    CHECK(entry.mtime_ns == mtime);
    CHECK(entry.sha256 == util::sha256_hex(source.content));
    total += source.content.size();
  }
  CHECK_FALSE(writer.empty());
  writer.commit();

  const auto listed = list_snapshots(backups);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].name == writer.name());
  CHECK(listed[0].machine == "laptop");
  CHECK(listed[0].complete());
  CHECK(listed[0].zip == (compression == Compression::zip));
  CHECK(listed[0].files == sources.size());
  CHECK(listed[0].bytes == total);
  REQUIRE(listed[0].created);
  CHECK(*listed[0].created == at(24, 10));

  const auto manifest = nlohmann::json::parse(read_text(backups / (writer.name() + ".manifest.json")));
  CHECK(manifest["format"] == "codexsync-snapshot-v1");
  CHECK(manifest["name"] == writer.name());
  CHECK(manifest["machine"] == "laptop");
  CHECK(manifest["created"] == "2026-11-24T10:00:00.000Z");
  CHECK(manifest["compression"] == (compression == Compression::zip ? "zip" : "none"));
  CHECK(manifest["entries"].size() == sources.size());
  CHECK(manifest["entries"][0]["side"] == "local");
  CHECK(manifest["entries"][0]["path"] == "rules/a.md");
  CHECK(manifest["entries"][0]["size"] == 6);
  CHECK(manifest["entries"][0]["mtime_ns"] == mtime);
  CHECK(manifest["entries"][0]["sha256"] == util::sha256_hex("alpha\n"));

  if (compression == Compression::zip) {
    CHECK(names_in(backups) ==
          std::vector<std::string>{writer.name() + ".manifest.json", writer.name() + ".zip"});
  } else {
    CHECK(names_in(backups) == std::vector<std::string>{writer.name(), writer.name() + ".manifest.json"});
    const auto copy = backups / writer.name() / "local" / "rules" / "a.md";
    CHECK(read_text(copy) == "alpha\n");
    CHECK(mtime_of(copy) == mtime);
    CHECK(read_text(backups / writer.name() / util::path_from_utf8("local/" + utf8_path)) ==
          "utf-8 and spaces");
  }

  const SnapshotReader reader(backups, writer.name());
  CHECK(reader.name() == writer.name());
  REQUIRE(reader.entries().size() == sources.size());
  dir.mkdir("out");
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& entry = reader.entries()[i];
    CHECK(entry.path == sources[i].path);
    const auto dest = dir / ("out/" + std::to_string(i));
    reader.extract(entry, dest);
    CHECK(read_text(dest) == sources[i].content);
    CHECK(mtime_of(dest) == mtime);
  }
}

TEST_CASE("an empty snapshot writes nothing", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  SnapshotWriter writer(dir / "backups", "laptop", compression);
  writer.commit();
  CHECK(writer.empty());
  CHECK_FALSE(fs::exists(dir / "backups"));
}

TEST_CASE("the manifest is written last, at commit", "[backup]") {
  TempDir dir;
  const auto backups = dir / "backups";
  const auto file = dir.write("local/a.md", "alpha");

  SECTION("a folder snapshot is incomplete until commit") {
    SnapshotWriter writer(backups, "laptop", Compression::none);
    writer.add(Side::local, "a.md", file);
    auto listed = list_snapshots(backups);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].name == writer.name());
    CHECK_FALSE(listed[0].complete());
    CHECK(listed[0].problems == std::vector<std::string>{"incomplete: no manifest"});
    CHECK_THROWS_AS(SnapshotReader(backups, writer.name()), FailSafeError);
    writer.commit();
    listed = list_snapshots(backups);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].complete());
  }
  SECTION("a zip snapshot shows nothing until commit") {
    SnapshotWriter writer(backups, "laptop", Compression::zip);
    writer.add(Side::local, "a.md", file);
    CHECK(list_snapshots(backups).empty());
    CHECK(names_in(backups).empty());
    writer.commit();
    const auto listed = list_snapshots(backups);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].complete());
  }
  SECTION("an uncommitted folder snapshot is left incomplete, not deleted") {
    std::string name;
    {
      SnapshotWriter writer(backups, "laptop", Compression::none);
      writer.add(Side::local, "a.md", file);
      name = writer.name();
    }
    CHECK(read_text(backups / name / "local" / "a.md") == "alpha");
    const auto listed = list_snapshots(backups);
    REQUIRE(listed.size() == 1);
    CHECK_FALSE(listed[0].complete());
  }
}

TEST_CASE("a source that vanished before add is refused and nothing is recorded", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  SnapshotWriter writer(dir / "backups", "laptop", compression);
  try {
    writer.add(Side::cloud, "gone.md", dir / "cloud/gone.md");
    FAIL("add() accepted a missing file");
  } catch (const FailSafeError& e) {
    CHECK_THAT(e.what(), CS_CONTAINS("cloud:gone.md"));
    CHECK_THAT(e.what(), CS_CONTAINS("no longer exists"));
  }
  CHECK(writer.empty());
  CHECK_FALSE(fs::exists(dir / "backups"));
}

CS_POSIX_ONLY("a source that is a link is refused",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
#ifndef _WIN32
TEST_CASE("a source that is a link is refused", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  const auto target = dir.write("outside/secret.txt", "secret");
  dir.mkdir("local");
  fs::create_symlink(target, dir / "local/link.md");
  SnapshotWriter writer(dir / "backups", "laptop", compression);
  CHECK_THROWS_AS(writer.add(Side::local, "link.md", dir / "local/link.md"), FailSafeError);
  CHECK(writer.empty());
}
#endif

TEST_CASE("a zip source that changes between add and commit fails the commit", "[backup]") {
  const auto replacement = GENERATE(std::string("BRAVO"), std::string("bravo and more"), std::string("b"));
  TempDir dir;
  const auto backups = dir / "backups";
  const auto a = dir.write("local/a.md", "alpha");
  const auto b = dir.write("local/b.md", "bravo");
  SnapshotWriter writer(backups, "laptop", Compression::zip);
  writer.add(Side::local, "a.md", a);
  writer.add(Side::local, "b.md", b);
  dir.write("local/b.md", replacement);
  try {
    writer.commit();
    FAIL("commit() stored a file that changed after add()");
  } catch (const FailSafeError& e) {
    CHECK_THAT(e.what(), CS_CONTAINS("local:b.md"));
    CHECK_THAT(e.what(), CS_CONTAINS("after add()"));
  }
  CHECK(names_in(backups).empty()); // no archive, no manifest, no temp file
  CHECK(list_snapshots(backups).empty());
  CHECK_THROWS_AS(writer.commit(), FailSafeError);
  CHECK_THROWS_AS(writer.add(Side::local, "a.md", a), FailSafeError);
}

TEST_CASE("a zip source removed between add and commit fails the commit", "[backup]") {
  TempDir dir;
  const auto backups = dir / "backups";
  const auto a = dir.write("local/a.md", "alpha");
  SnapshotWriter writer(backups, "laptop", Compression::zip);
  writer.add(Side::local, "a.md", a);
  fs::remove(a);
  CHECK_THROWS_AS(writer.commit(), FailSafeError);
  CHECK(names_in(backups).empty());
}

TEST_CASE("a folder snapshot keeps the content seen at add", "[backup]") {
  TempDir dir;
  const auto backups = dir / "backups";
  const auto a = dir.write("local/a.md", "old");
  SnapshotWriter writer(backups, "laptop", Compression::none);
  writer.add(Side::local, "a.md", a);
  dir.write("local/a.md", "new content");
  writer.commit();
  const SnapshotReader reader(backups, writer.name());
  reader.extract(reader.entries().at(0), dir / "restored.md");
  CHECK(read_text(dir / "restored.md") == "old");
}

TEST_CASE("adding the same file twice keeps the first copy only while it is unchanged", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  const auto a = dir.write("local/a.md", "alpha");
  SnapshotWriter writer(dir / "backups", "laptop", compression);
  const auto first = writer.add(Side::local, "a.md", a);
  const auto again = writer.add(Side::local, "a.md", a);
  CHECK(again.sha256 == first.sha256);
  dir.write("local/a.md", "changed");
  CHECK_THROWS_AS(writer.add(Side::local, "a.md", a), FailSafeError);
  dir.write("local/a.md", "alpha");
  writer.commit();
  const auto listed = list_snapshots(dir / "backups");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].files == 1);
}

TEST_CASE("unsafe entry paths are refused at add", "[backup]") {
  const auto path = GENERATE(std::string(""), std::string("../x.md"), std::string("/abs.md"),
                             std::string("a//b.md"), std::string("a\\b.md"), std::string("a/./b.md"),
                             std::string("C:/x.md"), std::string("bad\xff.md"));
  TempDir dir;
  const auto file = dir.write("local/a.md", "alpha");
  SnapshotWriter writer(dir / "backups", "laptop", Compression::none);
  CHECK_THROWS_AS(writer.add(Side::local, path, file), FailSafeError);
  CHECK(writer.empty());
  CHECK_FALSE(fs::exists(dir / "backups"));
}

TEST_CASE("a committed snapshot takes no more files", "[backup]") {
  TempDir dir;
  const auto file = dir.write("local/a.md", "alpha");
  SnapshotWriter writer(dir / "backups", "laptop", Compression::zip);
  writer.add(Side::local, "a.md", file);
  writer.commit();
  writer.commit(); // a second commit changes nothing
  CHECK_THROWS_AS(writer.add(Side::local, "b.md", file), RuntimeError);
  CHECK(list_snapshots(dir / "backups").size() == 1);
}

TEST_CASE("two thousand files go into one zip archive", "[backup]") {
  constexpr int k_files = 2000;
  TempDir dir;
  const auto backups = dir / "backups";
  SnapshotWriter writer(backups, "laptop", Compression::zip);
  for (int i = 0; i < k_files; ++i) {
    const auto rel = "sessions/" + std::to_string(i % 10) + "/file " + std::to_string(i) + ".jsonl";
    writer.add(Side::local, rel, dir.write("local/" + rel, "line " + std::to_string(i) + "\n"));
  }
  writer.commit();
  CHECK(names_in(backups) ==
        std::vector<std::string>{writer.name() + ".manifest.json", writer.name() + ".zip"});
  const auto listed = list_snapshots(backups);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].files == k_files);
  const SnapshotReader reader(backups, writer.name());
  REQUIRE(reader.entries().size() == k_files);
  reader.extract(reader.entries().back(), dir / "last.jsonl");
  CHECK(read_text(dir / "last.jsonl") == "line 1999\n");
}
