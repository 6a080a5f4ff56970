#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include "../../src/scan/platform.hpp"

#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace codexsync;
using codexsync::test::TempDir;

namespace {

using Names = std::set<fs::path::string_type>;

std::string describe(const util::FileStat& stat) {
  return "type " + std::to_string(static_cast<int>(stat.type)) + ", size " + std::to_string(stat.size) + ", mtime " +
         std::to_string(stat.mtime_ns) + ", change " + std::to_string(stat.change_ns) + ", device " +
         std::to_string(stat.device) + ", inode " + std::to_string(stat.inode) +
         (stat.read_only ? ", read-only" : "");
}

// Lists `folder` with scan::detail::list_dir and compares each entry's stat
// with util::stat_no_follow of its path, field by field (the identities the
// scanner records are compared with those later). Returns the names listed.
Names check_listing(const fs::path& folder) {
  std::error_code ec;
  const auto entries = scan::detail::list_dir(folder, ec);
  CHECK_FALSE(ec);
  Names names;
  std::vector<std::string> differing;
  for (const auto& entry : entries) {
    const auto name = scan::detail::entry_name(entry.name).utf8;
    names.insert(entry.name);
    std::error_code stat_ec;
    const auto expected = util::stat_no_follow(folder / entry.name, stat_ec);
    if (!entry.stat || !expected) {
      differing.push_back(name + ": listed " + (entry.stat ? "with" : "without") + " a stat (" +
                          entry.stat_error.message() + "), stat_no_follow " + (expected ? "with" : "without") +
                          " one (" + stat_ec.message() + ")");
      continue;
    }
    if (describe(*entry.stat) != describe(*expected)) {
      differing.push_back(name + ": listed " + describe(*entry.stat) + "; stat_no_follow " + describe(*expected));
    }
  }
  INFO(differing.size() << " of " << entries.size() << " entries differ; the first: "
                        << (differing.empty() ? std::string("none") : differing.front()));
  CHECK(differing.empty());
  return names;
}

void write_bytes(const fs::path& path, std::size_t size, char fill) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string content(size, fill);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  REQUIRE(out.good());
}

} // namespace

TEST_CASE("list_dir gives each entry the stat stat_no_follow gives its path", "[scan]") {
  TempDir dir;
  const auto folder = dir.mkdir("folder");
  write_bytes(folder / "empty.txt", 0, 'x');
  write_bytes(folder / "small.md", 5, 's');
  write_bytes(folder / "mid.bin", 70'000, 'm');
  write_bytes(folder / "large.bin", 3 * 1024 * 1024 + 7, 'l');
  // Written long ago: its mtime is not its change or creation time.
  const auto old_file = folder / "old.md";
  write_bytes(old_file, 10, 'o');
  std::error_code ec;
  util::set_mtime_ns(old_file, 1'000'000'000'000'000'000LL, ec);  // 2001-09-09
  REQUIRE_FALSE(ec);
  // Changed after it was made: its change time is past its creation time
  // (on file systems that keep both).
  write_bytes(folder / "changed.md", 10, 'c');
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  {
    std::ofstream more(folder / "changed.md", std::ios::binary | std::ios::app);
    more << "more";
  }
  const auto read_only = folder / "read-only.txt";
  write_bytes(read_only, 12, 'r');
  fs::permissions(read_only, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  dir.write("folder/sub/inner.md", "inside");
  const auto non_ascii = util::path_from_utf8("café-日本-😀.md");
  write_bytes(folder / non_ascii, 3, 'n');

  const auto names = check_listing(folder);
  const Names expected{fs::path("empty.txt").native(),  fs::path("small.md").native(),
                       fs::path("mid.bin").native(),    fs::path("large.bin").native(),
                       fs::path("old.md").native(),     fs::path("changed.md").native(),
                       fs::path("read-only.txt").native(), fs::path("sub").native(),
                       non_ascii.native()};
  CHECK(names == expected);
#ifdef _WIN32
  // The read-only attribute is there to be compared.
  const auto listed = util::stat_no_follow(read_only, ec);
  REQUIRE(listed);
  CHECK(listed->read_only);
#endif
  fs::permissions(read_only, fs::perms::owner_write, fs::perm_options::add);
}

TEST_CASE("list_dir lists a folder whose path is longer than MAX_PATH", "[scan]") {
  TempDir dir;
  fs::path deep = dir.path();
  const std::string part(60, 'd');
  for (int i = 0; deep.native().size() <= 300; ++i) {
    deep /= part + std::to_string(i);
  }
  std::error_code ec;
  fs::create_directories(util::os_long_path(deep / "sub"), ec);
  REQUIRE_FALSE(ec);
  write_bytes(util::os_long_path(deep / "file.md"), 42, 'f');
  write_bytes(util::os_long_path(deep / "sub" / "inner.md"), 1, 'i');

  const auto names = check_listing(deep);
  CHECK(names == Names{fs::path("file.md").native(), fs::path("sub").native()});
  CHECK(check_listing(deep / "sub") == Names{fs::path("inner.md").native()});
  // Removed bottom up: std::filesystem's remove_all lists folders through the
  // C runtime, which takes no `\\?\` path (TempDir's would leave them).
  for (const auto& file : {deep / "sub" / "inner.md", deep / "sub", deep / "file.md"}) {
    fs::remove(util::os_long_path(file), ec);
  }
  for (auto folder = deep; folder != dir.path(); folder = folder.parent_path()) {
    fs::remove(util::os_long_path(folder), ec);
  }
  CHECK_FALSE(ec);
}

TEST_CASE("list_dir lists a folder of more entries than one batch holds", "[scan]") {
  // Windows reads a folder in 64 KiB batches of about 100 bytes and the name
  // per entry: 3,000 entries take several.
  TempDir dir;
  const auto folder = dir.mkdir("many");
  Names expected;
  for (int i = 0; i < 3'000; ++i) {
    const auto name = fs::path("entry-" + std::to_string(i) + "-with-a-name-long-enough-to-fill-batches.jsonl");
    write_bytes(folder / name, static_cast<std::size_t>(i % 7), 'e');
    expected.insert(name.native());
  }
  const auto names = check_listing(folder);
  CHECK(names.size() == expected.size());
  CHECK(names == expected);
}

TEST_CASE("list_dir says why a missing folder or a file cannot be listed", "[scan]") {
  TempDir dir;
  std::error_code ec;
  CHECK(scan::detail::list_dir(dir / "missing", ec).empty());
  CHECK(ec);
  const auto file = dir.write("file.md", "not a folder");
  CHECK(scan::detail::list_dir(file, ec).empty());
  CHECK(ec);
}
