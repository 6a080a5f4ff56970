#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/backup/snapshot.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using namespace codexsync;
using namespace codexsync::backup;
using codexsync::test::read_text;
using codexsync::test::TempDir;
namespace fs = std::filesystem;

namespace {

void overwrite(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// One committed snapshot of local:a.md ("alpha") and local:dir/b.md (`b`).
std::string make_snapshot(const TempDir& dir, Compression compression, const std::string& b = "bravo") {
  SnapshotWriter writer(dir / "backups", "laptop", compression);
  writer.add(Side::local, "a.md", dir.write("src/a.md", "alpha"));
  writer.add(Side::local, "dir/b.md", dir.write("src/b.md", b));
  writer.commit();
  return writer.name();
}

std::string manifest_path(const std::string& name) { return "backups/" + name + ".manifest.json"; }

// Returns whether constructing a reader throws FailSafeError with `text` in its message.
void require_refused(const TempDir& dir, const std::string& name, const std::string& text) {
  try {
    const SnapshotReader reader(dir / "backups", name);
    FAIL("the reader accepted snapshot " << name);
  } catch (const FailSafeError& e) {
    CHECK_THAT(e.what(), CS_CONTAINS(text));
  }
}

} // namespace

TEST_CASE("a tampered copy in a folder snapshot fails extract and leaves no file", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  overwrite(dir / "backups" / name / "local/a.md", "ALPHA"); // same size
  const SnapshotReader reader(dir / "backups", name);
  const auto dest = dir / "restored.md";
  try {
    reader.extract(reader.entries().at(0), dest);
    FAIL("extract accepted a tampered copy");
  } catch (const FailSafeError& e) {
    CHECK_THAT(e.what(), CS_CONTAINS("does not match"));
  }
  CHECK_FALSE(fs::exists(dest));
  reader.extract(reader.entries().at(1), dest); // the untouched one still restores
  CHECK(read_text(dest) == "bravo");
}

TEST_CASE("a zip entry whose recorded sha256 is wrong fails extract", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::zip);
  auto manifest = nlohmann::json::parse(read_text(dir / manifest_path(name)));
  manifest["entries"][0]["sha256"] = util::sha256_hex("something else");
  dir.write(manifest_path(name), manifest.dump());
  const SnapshotReader reader(dir / "backups", name);
  CHECK_THROWS_AS(reader.extract(reader.entries().at(0), dir / "restored.md"), FailSafeError);
  CHECK_FALSE(fs::exists(dir / "restored.md"));
}

TEST_CASE("a flipped byte inside a zip entry fails extract", "[backup]") {
  TempDir dir;
  std::mt19937 engine(42);
  std::string noise(std::size_t{64} * 1024, '\0');
  for (auto& c : noise) {
    c = static_cast<char>(engine() & 0xffU);
  }
  const auto name = make_snapshot(dir, Compression::zip, noise);
  const auto zip_path = dir / "backups" / (name + ".zip");
  auto bytes = read_text(zip_path);
  // Random bytes do not deflate, so they are stored as they are.
  const auto at = bytes.find(noise.substr(30000, 64));
  REQUIRE(at != std::string::npos);
  bytes[at + 10] = static_cast<char>(bytes[at + 10] ^ 0x01);
  overwrite(zip_path, bytes);
  const SnapshotReader reader(dir / "backups", name);
  reader.extract(reader.entries().at(0), dir / "a.md");
  CHECK(read_text(dir / "a.md") == "alpha");
  CHECK_THROWS_AS(reader.extract(reader.entries().at(1), dir / "b.md"), FailSafeError);
  CHECK_FALSE(fs::exists(dir / "b.md"));
}

TEST_CASE("hand-written manifests with unsafe entries are refused", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  const auto path =
      GENERATE(std::string("../evil.md"), std::string("/etc/passwd"), std::string("a/../../x"),
               std::string("a//b.md"), std::string("a\\b.md"), std::string(""), std::string("C:/Windows/x"));
  TempDir dir;
  const auto name = make_snapshot(dir, compression);
  auto manifest = nlohmann::json::parse(read_text(dir / manifest_path(name)));
  manifest["entries"][0]["path"] = path;
  dir.write(manifest_path(name), manifest.dump());
  require_refused(dir, name, "unsafe path");
  const auto listed = list_snapshots(dir / "backups");
  REQUIRE(listed.size() == 1);
  CHECK_FALSE(listed[0].complete());
  CHECK_THAT(listed[0].problems.at(0), CS_CONTAINS("damaged:"));
}

TEST_CASE("a manifest entry with an unknown side is refused", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  auto manifest = nlohmann::json::parse(read_text(dir / manifest_path(name)));
  manifest["entries"][0]["side"] = "elsewhere";
  dir.write(manifest_path(name), manifest.dump());
  require_refused(dir, name, "side");
}

CS_POSIX_ONLY("a link inside a folder snapshot is refused",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
CS_POSIX_ONLY("a link swapped into a folder snapshot after it was opened is not followed",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
CS_POSIX_ONLY("a folder snapshot whose payload folder is a link is refused",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
#ifndef _WIN32
TEST_CASE("a link inside a folder snapshot is refused", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  const auto copy = dir / "backups" / name / "local/a.md";
  const auto elsewhere = dir.write("elsewhere.md", "alpha");
  fs::remove(copy);
  fs::create_symlink(elsewhere, copy);
  require_refused(dir, name, "link");
}

TEST_CASE("a link swapped into a folder snapshot after it was opened is not followed", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  const SnapshotReader reader(dir / "backups", name);
  const auto copy = dir / "backups" / name / "local/a.md";
  fs::remove(copy);
  fs::create_symlink(dir.write("elsewhere.md", "alpha"), copy);
  CHECK_THROWS_AS(reader.extract(reader.entries().at(0), dir / "restored.md"), FailSafeError);
  CHECK_FALSE(fs::exists(dir / "restored.md"));
}

TEST_CASE("a folder snapshot whose payload folder is a link is refused", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  fs::rename(dir / "backups" / name, dir / "moved");
  fs::create_directory_symlink(dir / "moved", dir / "backups" / name);
  require_refused(dir, name, "link");
}
#endif

TEST_CASE("a zip entry marked as a symlink is refused", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::zip);
  const auto zip_path = dir / "backups" / (name + ".zip");
  auto bytes = read_text(zip_path);
  const std::string central_header("PK\x01\x02", 4);
  const auto at = bytes.find(central_header);
  REQUIRE(at != std::string::npos);
  REQUIRE(static_cast<unsigned char>(bytes[at + 5]) == 3); // made by Unix
  const std::uint32_t attributes = 0120777U << 16U;
  for (int i = 0; i < 4; ++i) {
    bytes[at + 38 + static_cast<std::size_t>(i)] = static_cast<char>((attributes >> (8 * i)) & 0xffU);
  }
  overwrite(zip_path, bytes);
  require_refused(dir, name, "is a link");
}

TEST_CASE("a payload that differs from its manifest is refused", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  const auto name = make_snapshot(dir, compression);
  auto manifest = nlohmann::json::parse(read_text(dir / manifest_path(name)));

  SECTION("the manifest lists a file the payload lacks") {
    auto extra = manifest["entries"][0];
    extra["path"] = "missing.md";
    manifest["entries"].push_back(extra);
    dir.write(manifest_path(name), manifest.dump());
    require_refused(dir, name, "lacks files");
  }
  SECTION("the payload holds a file the manifest does not list") {
    manifest["entries"].erase(0);
    dir.write(manifest_path(name), manifest.dump());
    require_refused(dir, name, "does not list");
  }
  SECTION("a recorded size differs") {
    manifest["entries"][0]["size"] = 999;
    dir.write(manifest_path(name), manifest.dump());
    require_refused(dir, name, "size");
  }
}

TEST_CASE("incomplete, missing, misnamed and damaged snapshots are refused", "[backup]") {
  TempDir dir;
  const auto name = make_snapshot(dir, Compression::none);
  require_refused(dir, "laptop-20261124T100000Z-000000000000", "no manifest");
  require_refused(dir, "../" + name, "not a snapshot name");
  require_refused(dir, "laptop", "not a snapshot name");

  SECTION("invalid JSON") {
    dir.write(manifest_path(name), "{");
    require_refused(dir, name, "not valid JSON");
  }
  SECTION("another snapshot's manifest") {
    auto manifest = nlohmann::json::parse(read_text(dir / manifest_path(name)));
    manifest["name"] = "laptop-20200101T000000Z-000000000000";
    dir.write(manifest_path(name), manifest.dump());
    require_refused(dir, name, "names snapshot");
  }
  SECTION("the payload is gone") {
    fs::remove_all(dir / "backups" / name);
    require_refused(dir, name, "missing");
  }
}

TEST_CASE("extract never overwrites an existing file", "[backup]") {
  const auto compression = GENERATE(Compression::none, Compression::zip);
  TempDir dir;
  const auto name = make_snapshot(dir, compression);
  const auto dest = dir.write("existing.md", "keep me");
  const SnapshotReader reader(dir / "backups", name);
  CHECK_THROWS_AS(reader.extract(reader.entries().at(0), dest), RuntimeError);
  CHECK(read_text(dest) == "keep me");
  SnapshotEntry stranger;
  stranger.path = "not-there.md";
  CHECK_THROWS_AS(reader.extract(stranger, dir / "x.md"), RuntimeError);
  CHECK_FALSE(fs::exists(dir / "x.md"));
}
