#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/baseline_store.hpp>

using namespace codexsync;
using namespace codexsync::state;

namespace {

BaselineFile file_in(const test::TempDir& dir, std::string machine = "machine-a", std::string install = "") {
  return BaselineFile{.path = dir / "state/baseline.json",
                      .machine = std::move(machine),
                      .install_id = std::move(install),
                      .local_root = dir / "local",
                      .cloud_root = dir / "cloud"};
}

} // namespace

TEST_CASE("baseline: save then load gives the same entries", "[state]") {
  test::TempDir dir;
  Baseline baseline;
  baseline["skills/a.md"] = BaselineEntry{FileState{3, 1'700'000'000'123'456'789, "ab"}, FileState{3, 5, {}}};
  baseline["sessions/x.jsonl"] = BaselineEntry{std::nullopt, FileState{9, 7, "cd"}};
  save_baseline(file_in(dir), baseline);
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  REQUIRE(loaded.baseline.size() == 2);
  const auto& a = loaded.baseline.at("skills/a.md");
  CHECK(a.local->mtime_ns == 1'700'000'000'123'456'789);
  CHECK(a.local->sha256 == "ab");
  CHECK_FALSE(a.cloud->sha256.has_value());
  CHECK_FALSE(loaded.baseline.at("sessions/x.jsonl").local.has_value());
}

TEST_CASE("baseline: missing, damaged or foreign files mean a first sync", "[state]") {
  test::TempDir dir;
  CHECK_THAT(load_baseline(file_in(dir)).note, CS_CONTAINS("first sync"));

  dir.write("state/baseline.json", "{ not json");
  auto loaded = load_baseline(file_in(dir));
  CHECK_FALSE(loaded.usable);
  CHECK(loaded.baseline.empty());
  CHECK_THAT(loaded.note, CS_CONTAINS("is damaged"));

  Baseline one{{"a", BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}}}};
  save_baseline(file_in(dir, "machine-b"), one);
  loaded = load_baseline(file_in(dir, "machine-a"));
  CHECK_FALSE(loaded.usable);
  CHECK(loaded.baseline.empty());
  CHECK_THAT(loaded.note, CS_CONTAINS("written by machine \"machine-b\""));

  auto other_roots = file_in(dir, "machine-b");
  other_roots.cloud_root = dir / "elsewhere";
  loaded = load_baseline(other_roots);
  CHECK_FALSE(loaded.usable);
  CHECK_THAT(loaded.note, CS_CONTAINS("describes other folders"));
}

TEST_CASE("baseline: a malformed entry is dropped, the rest kept", "[state]") {
  test::TempDir dir;
  const auto f = file_in(dir);
  dir.write("state/baseline.json",
            R"({"format":"codexsync-baseline-v1","machine":"machine-a","local_root":")" +
              (dir / "local").generic_string() + R"(","cloud_root":")" + (dir / "cloud").generic_string() +
              R"(","files":{"good":{"local":{"size":1,"mtime_ns":2},"cloud":null},)"
              R"("bad":{"local":{"size":"x"}},"worse":7}})");
  const auto loaded = load_baseline(f);
  REQUIRE(loaded.usable);
  CHECK(loaded.baseline.size() == 1);
  CHECK(loaded.baseline.count("good") == 1);
}

TEST_CASE("baseline path: beside the manifest, else in temp_dir", "[state]") {
  CHECK(baseline_path("/w/.tmp", std::filesystem::path("/w/state/manifest.json"), "m") ==
        std::filesystem::path("/w/state/manifest.m.json"));
  CHECK(baseline_path("/w/.tmp", std::nullopt, "m") == std::filesystem::path("/w/.tmp/state/baseline.m.json"));
}

TEST_CASE("baseline: another computer using the same machine id is told apart", "[state]") {
  test::TempDir dir;
  const Baseline one{{"a", BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}}}};
  save_baseline(file_in(dir, "machine-a", "install-1"), one);
  CHECK(load_baseline(file_in(dir, "machine-a", "install-1")).usable);
  const auto other = load_baseline(file_in(dir, "machine-a", "install-2"));
  CHECK(other.other_install);
  CHECK_FALSE(other.usable);
  CHECK_THAT(other.note, CS_CONTAINS("another computer that uses the machine id \"machine-a\""));
}

TEST_CASE("install id: made once, then the same", "[state]") {
  test::TempDir dir;
  const auto first = install_id(dir / "state");
  CHECK(first.size() == 32);
  CHECK(install_id(dir / "state") == first);
  CHECK(install_id(std::nullopt).empty());
}

TEST_CASE("install id: two first runs at once agree on one id", "[state]") {
  test::TempDir dir;
  // The second caller finds the first one's file and takes its id.
  const auto first = install_id(dir / "state");
  const auto second = install_id(dir / "state");
  CHECK(first == second);
  // No candidate files are left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "state")) {
    ++entries;
  }
  CHECK(entries == 1);
}
