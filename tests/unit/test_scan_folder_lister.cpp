#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include "../../src/scan/folder_lister.hpp"

#include <codexsync/scan/scanner.hpp>
#include <codexsync/util/fs.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace codexsync;
using codexsync::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Folder name -> the names listed in it, from `count` folders of a few files.
std::map<std::string, std::set<std::string>> list_all(unsigned threads, const TempDir& dir, int count) {
  scan::detail::FolderLister lister(threads);
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    names.push_back("f" + std::to_string(i));
    lister.submit(names.size() - 1, dir / names.back());
  }
  std::map<std::string, std::set<std::string>> out;
  while (auto listed = lister.take()) {
    REQUIRE(listed->token < names.size());
    CHECK_FALSE(listed->error);
    auto& seen = out[names[listed->token]];
    CHECK(seen.empty());  // each folder comes back once
    for (const auto& entry : listed->entries) {
      seen.insert(scan::detail::entry_name(entry.name).utf8);
      CHECK(entry.stat.has_value());
    }
  }
  return out;
}

} // namespace

TEST_CASE("folders listed on threads come back once each, whole, with the token they were given", "[scan]") {
  TempDir dir;
  constexpr int k_folders = 40;
  std::map<std::string, std::set<std::string>> expected;
  for (int i = 0; i < k_folders; ++i) {
    const auto folder = "f" + std::to_string(i);
    for (int k = 0; k <= i % 5; ++k) {
      dir.write(folder + "/file" + std::to_string(k), "x");
      expected[folder].insert("file" + std::to_string(k));
    }
  }
  for (const unsigned threads : {0U, 1U, 3U}) {
    INFO(threads << " threads");
    CHECK(list_all(threads, dir, k_folders) == expected);
  }
}

TEST_CASE("a folder that cannot be listed comes back with its error", "[scan]") {
  TempDir dir;
  dir.write("here/a", "x");
  scan::detail::FolderLister lister(2);
  lister.submit(7, dir / "missing");
  lister.submit(8, dir / "here");
  std::map<std::size_t, bool> failed;
  while (auto listed = lister.take()) {
    failed[listed->token] = static_cast<bool>(listed->error);
  }
  CHECK(failed == std::map<std::size_t, bool>{{7, true}, {8, false}});
}

TEST_CASE("a lister ended with folders still queued stops without listing them", "[scan]") {
  TempDir dir;
  for (int i = 0; i < 200; ++i) {
    dir.mkdir("f" + std::to_string(i));
  }
  {
    scan::detail::FolderLister lister(2);
    for (int i = 0; i < 200; ++i) {
      lister.submit(static_cast<std::size_t>(i), dir / ("f" + std::to_string(i)));
    }
    CHECK(lister.take().has_value());
  }  // the destructor must return (joined threads), not wait for the queue
  SUCCEED("ended");
}

TEST_CASE("a scan of many folders finds every file whatever order the listings come in", "[scan]") {
  TempDir dir;
  std::set<std::string> expected;
  for (int a = 0; a < 12; ++a) {
    for (int b = 0; b < 12; ++b) {
      const auto path = "sessions/" + std::to_string(a) + "/" + std::to_string(b) + "/chat.jsonl";
      dir.write(path, "{}\n");
      expected.insert(path);
    }
  }
  dir.write("sessions/5/link-target-less/empty/.keep", "");
  expected.insert("sessions/5/link-target-less/empty/.keep");
  scan::ScanOptions options;
  options.include_roots = {"sessions"};
  for (int round = 0; round < 5; ++round) {
    const auto index = scan::scan_tree(dir.path(), options);
    std::set<std::string> found;
    for (const auto& [path, state] : index.files) {
      found.insert(path);
    }
    CHECK(found == expected);
  }
}
