#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/util/file_lock.hpp>
#include <codexsync/util/fs.hpp>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

using namespace codexsync::util;
using codexsync::test::TempDir;

TEST_CASE("strip_long_path_prefix handles drive and UNC forms", "[util]") {
  CHECK(strip_long_path_prefix("\\\\?\\C:\\Users\\me") == "C:\\Users\\me");
  CHECK(strip_long_path_prefix("\\\\?\\UNC\\srv\\share\\x") == "\\\\srv\\share\\x");
  CHECK(strip_long_path_prefix("//?/C:/x") == "C:/x");
  CHECK(strip_long_path_prefix("/home/me") == "/home/me");
}

TEST_CASE("is_same_or_inside compares whole components of real paths", "[util]") {
  TempDir dir;
  dir.mkdir("a/b");
  dir.mkdir("ab");
  CHECK(is_same_or_inside(dir / "a/b", dir / "a"));
  CHECK(is_same_or_inside(dir / "a", dir / "a"));
  CHECK(is_same_or_inside(dir / "a/./b/../b", dir / "a"));
  CHECK(is_same_or_inside(dir / "a/not-yet/created", dir / "a"));
  CHECK_FALSE(is_same_or_inside(dir / "ab", dir / "a"));
  CHECK_FALSE(is_same_or_inside(dir / "a", dir / "a/b"));
  CHECK(is_same_path(dir / "a/b/..", dir / "a"));
#ifndef _WIN32
  std::filesystem::create_directory_symlink(dir / "a", dir / "link");
  CHECK(is_same_or_inside(dir / "link/b", dir / "a"));
  CHECK(is_same_path(dir / "link", dir / "a"));
#endif
}

TEST_CASE("write_file_atomic replaces whole files and leaves no temp file", "[util]") {
  TempDir dir;
  const auto target = dir / "f.txt";
  std::error_code ec;
  write_file_atomic(target, "first", ec);
  REQUIRE_FALSE(ec);
  write_file_atomic(target, "second", ec);
  REQUIRE_FALSE(ec);
  CHECK(codexsync::test::read_text(target) == "second");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("write_file_atomic reports a missing folder and writes nothing", "[util]") {
  TempDir dir;
  std::error_code ec;
  write_file_atomic(dir / "no/such/folder/f.txt", "x", ec);
  CHECK(ec);
  CHECK_FALSE(std::filesystem::exists(dir / "no"));
}

namespace {

int entries_in(const std::filesystem::path& dir) {
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++entries;
  }
  return entries;
}

} // namespace

TEST_CASE("AtomicFileWriter writes a file in pieces, whole at commit or not at all", "[util]") {
  TempDir dir;
  const auto target = dir.write("f.txt", "old");
  std::string expected;
  {
    AtomicFileWriter writer(target);
    for (int i = 0; i < 300; ++i) {
      const std::string piece(10'000 + static_cast<std::size_t>(i), static_cast<char>('a' + i % 26));
      writer.write(piece);
      expected += piece;
    }
    CHECK(codexsync::test::read_text(target) == "old");  // nothing seen before the commit
    std::error_code ec;
    writer.commit(ec);
    REQUIRE_FALSE(ec);
  }
  CHECK(codexsync::test::read_text(target) == expected);
  CHECK(entries_in(dir.path()) == 1);
  {
    AtomicFileWriter writer(target);
    writer.write("never committed");
  }  // an exception or an error on the way: the old file stays, no temp file
  CHECK(codexsync::test::read_text(target) == expected);
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("AtomicFileWriter into a missing folder fails at commit and writes nothing", "[util]") {
  TempDir dir;
  AtomicFileWriter writer(dir / "no/such/f.txt");
  writer.write("x");
  std::error_code ec;
  writer.commit(ec);
  CHECK(ec);
  CHECK_FALSE(std::filesystem::exists(dir / "no"));
}

#ifdef _WIN32
TEST_CASE("write_file_atomic that had to wait for a held file reports success", "[util]") {
  // A scanner or cloud client holds the file without sharing its deletion:
  // the rename is refused for a moment and retried. Once it went through,
  // the error of the refused attempt must not be reported.
  TempDir dir;
  const auto target = dir.write("held.txt", "old");
  HANDLE held = CreateFileW(target.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                            FILE_ATTRIBUTE_NORMAL, nullptr);
  REQUIRE(held != INVALID_HANDLE_VALUE);
  std::thread release([held] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    CloseHandle(held);
  });
  std::error_code ec;
  write_file_atomic(target, "new", ec);
  release.join();
  CHECK_FALSE(ec);
  CHECK(codexsync::test::read_text(target) == "new");
  CHECK(entries_in(dir.path()) == 1);
}
#endif

TEST_CASE("read_file returns the bytes or an error", "[util]") {
  TempDir dir;
  std::error_code ec;
  const auto text = read_file(dir.write("x.bin", std::string("a\0b", 3)), ec);
  REQUIRE(text);
  CHECK(*text == std::string("a\0b", 3));
  CHECK_FALSE(read_file(dir / "missing", ec));
  CHECK(ec);
}

TEST_CASE("FileLock excludes a second holder until released", "[util]") {
  TempDir dir;
  const auto lock_path = dir / "x.lock";
  FileLock first;
  FileLock second;
  std::error_code ec;
  REQUIRE(first.acquire(lock_path, LockWait::try_once, ec));
  CHECK_FALSE(second.acquire(lock_path, LockWait::try_once, ec));
  CHECK_FALSE(ec);
  first.release();
  CHECK(second.acquire(lock_path, LockWait::try_once, ec));
  CHECK(second.held());
}

TEST_CASE("can_access_dir asks without writing", "[util]") {
  TempDir dir;
  CHECK(can_access_dir(dir.path(), Access::read));
  CHECK(can_access_dir(dir.path(), Access::write));
  CHECK_FALSE(can_access_dir(dir / "missing", Access::read));
}

TEST_CASE("temp names: the suffix makes names the check accepts, and nothing else passes", "[util]") {
  const auto name = "." + std::string("SKILL.md") + temp_suffix();
  CHECK(is_temp_name(name));
  CHECK_FALSE(is_temp_name("notes.tmp"));
  CHECK_FALSE(is_temp_name("SKILL.md" + temp_suffix()));  // no leading dot
  CHECK_FALSE(is_temp_name("." + temp_suffix()));          // no name
  CHECK_FALSE(is_temp_name(".a.codexsync-tmp-0123456789AB"));
  CHECK_FALSE(is_temp_name(".a.codexsync-tmp-0123456789abc"));
}

TEST_CASE("nearest_existing walks up to a path that exists", "[util]") {
  TempDir dir;
  dir.mkdir("a");
  CHECK(nearest_existing(dir / "a/b/c") == dir / "a");
  CHECK(nearest_existing(dir / "a") == dir / "a");
}

TEST_CASE("os_long_path reaches a file named like a Windows device as a file", "[util]") {
  using codexsync::util::os_long_path;
#ifdef _WIN32
  // Win32 opens C:\x\CON.md as the console; only the \\?\ form reaches a file
  // of that name (made by another OS), so such paths always get it.
  for (const auto* name : {L"CON.md", L"nul.txt", L"aux.json", L"Con .md", L"NUL.", L"COM1", L"lpt9.log"}) {
    const auto out = os_long_path(std::filesystem::path(L"C:\\x\\") / name).native();
    CHECK(out == std::wstring(L"\\\\?\\C:\\x\\") + name);
  }
  const auto in_folder = os_long_path(std::filesystem::path(L"C:\\prn\\a.md")).native();
  CHECK(in_folder == L"\\\\?\\C:\\prn\\a.md");
  // The device namespace, names that only start like a device, and short
  // paths are left alone.
  CHECK(os_long_path(std::filesystem::path(L"\\\\.\\NUL")) == std::filesystem::path(L"\\\\.\\NUL"));
  for (const auto* name : {L"CONFIG.md", L"com0.md", L"nullable.txt", L"auxiliary", L"com10"}) {
    const auto path = std::filesystem::path(L"C:\\x\\") / name;
    CHECK(os_long_path(path) == path);
  }
#else
  const std::filesystem::path path = "/x/CON.md";
  CHECK(os_long_path(path) == path);
#endif
}

TEST_CASE("write_file_in_pieces makes the folder, and a fill that throws leaves the old file alone", "[util]") {
  TempDir dir;
  const auto file = dir / "new/folder/state.txt";
  std::error_code ec;
  write_file_in_pieces(file, [](AtomicFileWriter& w) {
    w.write("one ");
    w.write("two");
  }, ec);
  REQUIRE_FALSE(ec);
  CHECK(codexsync::test::read_text(file) == "one two");
  CHECK_THROWS_AS(write_file_in_pieces(
                    file,
                    [](AtomicFileWriter& w) {
                      w.write("half");
                      throw std::runtime_error("stop");
                    },
                    ec),
                  std::runtime_error);
  CHECK(codexsync::test::read_text(file) == "one two");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(file.parent_path())) {
    ++entries;
  }
  CHECK(entries == 1);  // no temp file left
}
