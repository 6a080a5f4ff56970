#include "support/catch.hpp"

#include <codexsync/scan/artefacts.hpp>

#include <set>
#include <string>
#include <vector>

using namespace codexsync;
using scan::Artefact;
using scan::classify_artefact;

namespace {

// Every name a row's sibling check may find.
const std::set<std::string> k_listing{
    "notes.md", "skills/review/SKILL.md", "a.tar.gz", "notes", ".hidden", "x.md", "report.md", "y.md",
    "d/z.md", "x-desk.md", "b.c-desk.md", "b-desk.c.md",
};

const std::vector<std::string> k_hosts{"Laptop-7", "desk"};

bool in_listing(std::string_view path) { return k_listing.count(std::string(path)) != 0; }

struct Row {
  const char* path;
  const char* provider; // "" = not an artefact
  const char* what;
  const char* shadows;
  bool placeholder;
};

const Row k_rows[] = {
    // Dropbox conflict copies: the user's or (older clients) the computer's name, a date, maybe a number.
    {"notes (Alice's conflicted copy 2026-11-20).md", "Dropbox", "conflict copy", "notes.md", false},
    {"skills/review/SKILL (DESKTOP-1's conflicted copy 2025-01-02).md", "Dropbox", "conflict copy",
     "skills/review/SKILL.md", false},
    {"notes (Alice's conflicted copy 2026-11-20 (1)).md", "Dropbox", "conflict copy", "notes.md", false},
    {"notes (conflicted copy 2026-11-20).md", "Dropbox", "conflict copy", "notes.md", false},
    {"notes (Case Conflict).md", "Dropbox", "conflict copy", "notes.md", false},
    {"notes (Case Conflict 1).md", "Dropbox", "conflict copy", "notes.md", false},
    {"notes (Unicode Encoding Conflict).md", "Dropbox", "conflict copy", "notes.md", false},
    {"notes (Alice's conflicted copy 2026-11-20)", "Dropbox", "conflict copy", "notes", false},
    {"a (Alice's conflicted copy 2026-11-20).tar.gz", "Dropbox", "conflict copy", "a.tar.gz", false},
    {".hidden (Alice's conflicted copy 2026-11-20)", "Dropbox", "conflict copy", ".hidden", false},
    {"d/never-seen (Bob's conflicted copy 2026-11-20).md", "Dropbox", "conflict copy", "d/never-seen.md",
     false},
    // Editors' lock and temp files that Dropbox never syncs.
    {"d/~$report.docx", "Dropbox", "temporary file", "", false},
    {".~lock.report.odt#", "Dropbox", "temporary file", "", false},
    {"d/~wrl0001.tmp", "Dropbox", "temporary file", "", false},
    // OneDrive "keep both": -HOST of a known computer, beside the original, any case.
    {"x-Laptop-7.md", "OneDrive", "conflict copy", "x.md", false},
    {"x-laptop-7.md", "OneDrive", "conflict copy", "x.md", false},
    {"d/z-DESK.md", "OneDrive", "conflict copy", "d/z.md", false},
    {"notes-desk", "OneDrive", "conflict copy", "notes", false},
    {"a-desk.tar.gz", "OneDrive", "conflict copy", "a.tar.gz", false},
    {"a.tar-desk.gz", "OneDrive", "conflict copy", "a.tar.gz", false},
    {"x-desk-desk.md", "OneDrive", "conflict copy", "x-desk.md", false},  // the dash that ends with the host
    {"b-desk.c-desk.md", "OneDrive", "conflict copy", "b.c-desk.md", false},  // the first that fits
    {"b-desk.c-desk.md.txt", "", "", "", false},
    // Google Drive: a number beside the original; its transfers in progress.
    {"notes (1).md", "Google Drive", "duplicate", "notes.md", false},
    {"notes (12).md", "Google Drive", "duplicate", "notes.md", false},
    {"notes (1)", "Google Drive", "duplicate", "notes", false},
    {"a (1).tar.gz", "Google Drive", "duplicate", "a.tar.gz", false},
    {".hidden (2)", "Google Drive", "duplicate", ".hidden", false},
    {"d/z (3).md", "Google Drive", "duplicate", "d/z.md", false},
    {"d/x.md.tmp.drivedownload", "Google Drive", "temporary file", "", false},
    {"x.md.tmp.driveupload", "Google Drive", "temporary file", "", false},
    // Syncthing: conflict copies with the date and the device's short id; downloads in progress.
    {"notes.sync-conflict-20261120-101500-ABCDEF7.md", "Syncthing", "conflict copy", "notes.md", false},
    {"skills/review/SKILL.sync-conflict-20250102-030405-Q2W3E4R.md", "Syncthing", "conflict copy",
     "skills/review/SKILL.md", false},
    {"notes.sync-conflict-20261120-101500-ABCDEF7", "Syncthing", "conflict copy", "notes", false},
    {"a.tar.sync-conflict-20261120-101500-ABCDEF7.gz", "Syncthing", "conflict copy", "a.tar.gz", false},
    {".sync-conflict-20261120-101500-ABCDEF7.hidden", "Syncthing", "conflict copy", ".hidden", false},
    {"d/.syncthing.z.md.tmp", "Syncthing", "temporary file", "d/z.md", false},
    {"d/~syncthing~z.md.tmp", "Syncthing", "temporary file", "d/z.md", false},
    // iCloud: an evicted file's stub.
    {"d/.z.md.icloud", "iCloud", "placeholder (not downloaded)", "d/z.md", true},
    {".notes.icloud", "iCloud", "placeholder (not downloaded)", "notes", true},
    {"..hidden.icloud", "iCloud", "placeholder (not downloaded)", ".hidden", true},

    // Look-alikes: ordinary files.
    {"report (final).md", "", "", "", false},
    {"report (conflict notes) draft.md", "", "", "", false},
    {"notes (Case Conflicts).md", "", "", "", false},
    {"missing (1).md", "", "", "", false}, // no sibling "missing.md"
    {"d/notes (1).md", "", "", "", false}, // the sibling must be in the same folder
    {"notes (1a).md", "", "", "", false},
    {"notes(1).md", "", "", "", false},
    {"notes (1) draft.md", "", "", "", false},
    {"x-HOST.md", "", "", "", false},   // unknown computer
    {"x-laptop.md", "", "", "", false}, // only part of a known name
    {"y-Laptop-7s.md", "", "", "", false},
    {"sync-conflict.md", "", "", "", false},
    {"notes.sync-conflict-2026112-101500-ABCDEF7.md", "", "", "", false},
    {"notes.sync-conflict-20261120-101500-abcdef7.md", "", "", "", false},
    {"notes.sync-conflict-20261120-101500-ABCDEF.md", "", "", "", false},
    {"notes.sync-conflict-20261120-101500-ABCDEF78.md", "", "", "", false},
    {"a.icloud", "", "", "", false},
    {".icloud", "", "", "", false},
    {"d/.icloud", "", "", "", false},
    {".syncthing.tmp", "", "", "", false},
    {"notes.tmp", "", "", "", false},
    {"~", "", "", "", false},
    {"~.tmp", "", "", "", false},
    {"history~.md", "", "", "", false},
    {".hidden", "", "", "", false},
    {"a.tar.gz", "", "", "", false},
};

} // namespace

TEST_CASE("classify_artefact: names each provider makes, and look-alikes that stay ordinary", "[scan]") {
  for (const auto& row : k_rows) {
    const std::string path = row.path;
    INFO(path);
    const auto found = classify_artefact(path, in_listing, k_hosts);
    if (std::string(row.provider).empty()) {
      CHECK_FALSE(found.has_value());
      continue;
    }
    REQUIRE(found.has_value());
    CHECK(found->path == path);
    CHECK(found->provider == row.provider);
    CHECK(found->what == row.what);
    CHECK(found->shadows == row.shadows);
    CHECK(found->placeholder == row.placeholder);
  }
}

TEST_CASE("classify_artefact: -HOST needs a known computer and the original beside it", "[scan]") {
  CHECK(classify_artefact("report-desk.md", in_listing, k_hosts).has_value());
  CHECK_FALSE(classify_artefact("report-desk.md", in_listing, {}).has_value());
  CHECK_FALSE(classify_artefact("report-desk.md", in_listing, {""}).has_value());
  CHECK_FALSE(classify_artefact(
                  "report-desk.md", [](std::string_view) { return false; }, k_hosts)
                  .has_value());
  // The unmistakable names need no sibling.
  const auto none = [](std::string_view) { return false; };
  CHECK(classify_artefact("x (Bob's conflicted copy 2026-01-01).md", none, {}).has_value());
  CHECK(classify_artefact("x.sync-conflict-20260101-000000-AAAAAAA.md", none, {}).has_value());
  CHECK(classify_artefact(".x.icloud", none, {}).has_value());
}

namespace {

Index index_of(const std::vector<std::string>& paths) {
  Index index;
  for (const auto& path : paths) {
    index.files[path] = FileState{1, 1, std::nullopt};
  }
  return index;
}

std::vector<std::string> paths_of(const Index& index) {
  std::vector<std::string> paths;
  for (const auto& [path, state] : index.files) {
    paths.push_back(path);
  }
  return paths;
}

} // namespace

TEST_CASE("take_artefacts: moves them out of both indexes, local first, by path", "[scan]") {
  auto local = index_of({"skills/a.md", "skills/a.sync-conflict-20261120-101500-ABCDEF7.md", ".b.md.icloud"});
  auto cloud = index_of({"skills/a.md", "skills/a (Alice's conflicted copy 2026-11-20).md",
                         "skills/.syncthing.a.md.tmp", "skills/a (1).md", "skills/a-DESK.md", "z.md"});
  const auto taken = scan::take_artefacts(local, cloud, {}, {"desk"});
  CHECK(paths_of(local) == std::vector<std::string>{"skills/a.md"});
  CHECK(paths_of(cloud) == std::vector<std::string>{"skills/a.md", "z.md"});
  REQUIRE(taken.size() == 6);
  CHECK(taken[0].side == Side::local);
  CHECK(taken[0].path == ".b.md.icloud");
  CHECK(taken[0].placeholder);
  CHECK(taken[0].shadows == "b.md");
  CHECK(taken[1].side == Side::local);
  CHECK(taken[1].path == "skills/a.sync-conflict-20261120-101500-ABCDEF7.md");
  CHECK(taken[2].side == Side::cloud);
  CHECK(taken[2].path == "skills/.syncthing.a.md.tmp");
  CHECK(taken[3].path == "skills/a (1).md");
  CHECK(taken[3].provider == "Google Drive");
  CHECK(taken[4].path == "skills/a (Alice's conflicted copy 2026-11-20).md");
  CHECK(taken[5].path == "skills/a-DESK.md");
  CHECK(taken[5].provider == "OneDrive");
  for (std::size_t i = 1; i < taken.size(); ++i) {
    INFO(taken[i].path);
    CHECK(taken[i].shadows == "skills/a.md");
  }
}

TEST_CASE("take_artefacts: a look-alike is the user's file when the other side or the baseline has it",
          "[scan]") {
  const std::vector<std::string> hosts{"desk"};
  SECTION("only in the cloud and never synced: taken") {
    auto local = index_of({"a.md"});
    auto cloud = index_of({"a.md", "a (1).md", "a-desk.md"});
    CHECK(scan::take_artefacts(local, cloud, {}, hosts).size() == 2);
    CHECK(paths_of(cloud) == std::vector<std::string>{"a.md"});
  }
  SECTION("the local side has it too: left") {
    auto local = index_of({"a.md", "a (1).md", "a-desk.md"});
    auto cloud = index_of({"a.md", "a (1).md", "a-desk.md"});
    CHECK(scan::take_artefacts(local, cloud, {}, hosts).empty());
    CHECK(paths_of(cloud).size() == 3);
    CHECK(paths_of(local).size() == 3);
  }
  SECTION("only on the local side: the agent's folder has no cloud client, left") {
    auto local = index_of({"a.md", "a (1).md", "a-desk.md"});
    auto cloud = index_of({});
    CHECK(scan::take_artefacts(local, cloud, {}, hosts).empty());
    CHECK(paths_of(local).size() == 3);
  }
  SECTION("the baseline knows it (deleted locally since): left, so the deletion is seen") {
    auto local = index_of({"a.md"});
    auto cloud = index_of({"a.md", "a (1).md", "a-desk.md"});
    Baseline baseline;
    baseline["a (1).md"] = BaselineEntry{FileState{1, 1, std::nullopt}, FileState{1, 1, std::nullopt}};
    const auto taken = scan::take_artefacts(local, cloud, baseline, hosts);
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].path == "a-desk.md");
    CHECK(paths_of(cloud) == std::vector<std::string>{"a (1).md", "a.md"});
  }
  SECTION("a delivery record claims it (a peer's file of that name): left") {
    auto local = index_of({"a.md"});
    auto cloud = index_of({"a.md", "a (1).md", "a-desk.md"});
    const auto taken = scan::take_artefacts(local, cloud, {}, hosts,
                                            [](const std::string& path) { return path == "a-desk.md"; });
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].path == "a (1).md");
    CHECK(paths_of(cloud) == std::vector<std::string>{"a-desk.md", "a.md"});
  }
  SECTION("unmistakable names are taken even when the baseline knows them") {
    auto local = index_of({"a (Bob's conflicted copy 2026-11-20).md"});
    auto cloud = index_of({"a (Bob's conflicted copy 2026-11-20).md"});
    Baseline baseline;
    baseline["a (Bob's conflicted copy 2026-11-20).md"] = BaselineEntry{};
    CHECK(scan::take_artefacts(local, cloud, baseline, hosts).size() == 2);
    CHECK(local.files.empty());
    CHECK(cloud.files.empty());
  }
  SECTION("an original that is itself taken still counts for its siblings") {
    auto local = index_of({});
    auto cloud = index_of({"a.md", "a (1).md"});
    CHECK(scan::take_artefacts(local, cloud, {}, hosts).size() == 1);
  }
}
