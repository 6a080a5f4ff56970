// apply/file_ops with real files: atomic copies (content, mtime, sha256,
// permissions, created folders), source changes during a copy, kills at the
// fault points (forked children), a full disk and a read-only folder (private
// mount namespaces where the OS allows), removals, the temp sweep, free space.
#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/child.hpp"
#include "support/temp_dir.hpp"

#include "../../src/apply/file_ops_detail.hpp"

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <string>
#include <system_error>
#include <vector>

#ifndef _WIN32
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#ifdef __linux__
#include <sched.h>
#include <sys/mount.h>
#endif

namespace fs = std::filesystem;
namespace apply = codexsync::apply;
using codexsync::test::read_text;
using codexsync::test::TempDir;
#ifndef _WIN32
using codexsync::test::run_in_child;
#endif
#ifdef __linux__
using codexsync::test::private_mounts;
#endif

namespace {

constexpr std::int64_t k_some_mtime_ns = 1'600'000'000'123'456'700; // NTFS keeps 100 ns

// Names in `dir` (not below) of codexsync's temp-file shape.
std::vector<std::string> temps_in(const fs::path& dir) {
  static const std::regex k_shape(R"(^\..+\.codexsync-tmp-[0-9a-f]{12}$)");
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = codexsync::util::display_path(entry.path().filename());
    if (std::regex_match(name, k_shape)) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    out.push_back(codexsync::util::display_path(entry.path().filename()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (auto& c : out) {
    c = static_cast<char>(generator() & 0xFFU);
  }
  return out;
}

void append(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

void set_mtime(const fs::path& path, std::int64_t mtime_ns) {
  std::error_code ec;
  codexsync::util::set_mtime_ns(path, mtime_ns, ec);
  REQUIRE_FALSE(ec);
}

std::int64_t mtime_of(const fs::path& path) {
  std::error_code ec;
  const auto stat = codexsync::util::stat_no_follow(path, ec);
  REQUIRE(stat);
  return stat->mtime_ns;
}

// "ok", or the kind of error and its message.
std::string try_copy(const fs::path& source, const fs::path& dest) {
  try {
    apply::copy_file_atomic(source, dest);
    return "ok";
  } catch (const codexsync::FailSafeError& e) {
    return std::string("fail-safe: ") + e.what();
  } catch (const codexsync::RuntimeError& e) {
    return std::string("runtime: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
}

#ifndef _WIN32
codexsync::util::ManualClock clock_at_offset(std::chrono::seconds offset) {
  return codexsync::util::ManualClock(std::chrono::system_clock::now() + offset);
}

std::uint32_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::uint32_t>(st.st_mode) & 0777U;
}
#endif


} // namespace

TEST_CASE("copy_file_atomic copies content and mtime and returns the sha256", "[apply]") {
  TempDir dir;
  const auto source = dir.write("src/a.txt", "abc");
  set_mtime(source, k_some_mtime_ns);
  const auto dest = dir / "out/deep/er/a.txt";

  const auto state = apply::copy_file_atomic(source, dest);

  CHECK(read_text(dest) == "abc");
  CHECK(state.size == 3);
  REQUIRE(state.sha256);
  CHECK(state.sha256->hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(mtime_of(dest) == k_some_mtime_ns);
  CHECK(state.mtime_ns == mtime_of(dest));
  CHECK(names_in(dir / "out/deep/er") == std::vector<std::string>{"a.txt"});
  CHECK(read_text(source) == "abc");
}

TEST_CASE("copy_file_atomic copies a file of several buffers and an empty file exactly", "[apply]") {
  TempDir dir;
  const auto content = random_bytes((3U << 20U) + 17U, 7);
  const auto source = dir.write("big.bin", content);
  const auto state = apply::copy_file_atomic(source, dir / "copy/big.bin");
  CHECK(read_text(dir / "copy/big.bin") == content);
  CHECK(state.size == content.size());
  CHECK(state.sha256->hex() == codexsync::util::sha256_hex(content));

  const auto empty = dir.write("empty.txt", "");
  const auto empty_state = apply::copy_file_atomic(empty, dir / "copy/empty.txt");
  CHECK(fs::exists(dir / "copy/empty.txt"));
  CHECK(fs::file_size(dir / "copy/empty.txt") == 0);
  CHECK(empty_state.sha256->hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(temps_in(dir / "copy").empty());
}

TEST_CASE("copy_file_atomic replaces an existing file and leaves no temp file", "[apply]") {
  TempDir dir;
  const auto source = dir.write("new.json", R"({"v": 2})");
  const auto dest = dir.write("cloud/config.json", R"({"v": 1, "longer": true})");
  apply::copy_file_atomic(source, dest);
  CHECK(read_text(dest) == R"({"v": 2})");
  CHECK(names_in(dir / "cloud") == std::vector<std::string>{"config.json"});
}

CS_POSIX_ONLY("copy_file_atomic keeps the permissions of an existing destination",
              "POSIX permission bits (chmod); Windows files have no mode to keep")
CS_POSIX_ONLY("copy_file_atomic gives a new destination the source permissions",
              "POSIX permission bits (chmod); Windows files have no mode to copy")
CS_POSIX_ONLY("copy_file_atomic refuses a symlinked source",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
#ifndef _WIN32
TEST_CASE("copy_file_atomic keeps the permissions of an existing destination", "[apply]") {
  TempDir dir;
  const auto source = dir.write("a.txt", "new");
  const auto dest = dir.write("out/a.txt", "old");
  fs::permissions(source, static_cast<fs::perms>(0644));
  fs::permissions(dest, static_cast<fs::perms>(0600));
  apply::copy_file_atomic(source, dest);
  CHECK(read_text(dest) == "new");
  CHECK(mode_of(dest) == 0600U);
}

TEST_CASE("copy_file_atomic gives a new destination the source permissions", "[apply]") {
  TempDir dir;
  const auto source = dir.write("run.sh", "#!/bin/sh\n");
  fs::permissions(source, static_cast<fs::perms>(0750));
  apply::copy_file_atomic(source, dir / "out/run.sh");
  CHECK(mode_of(dir / "out/run.sh") == 0750U);
}

TEST_CASE("copy_file_atomic refuses a symlinked source", "[apply]") {
  TempDir dir;
  const auto target = dir.write("target.txt", "x");
  fs::create_symlink(target, dir / "link.txt");
  const auto result = try_copy(dir / "link.txt", dir / "out/link.txt");
  CHECK_THAT(result, CS_CONTAINS("runtime: cannot copy"));
  CHECK_THAT(result, CS_CONTAINS("not a regular file"));
  CHECK_FALSE(fs::exists(dir / "out"));
}
#endif

TEST_CASE("copy_file_atomic reports a missing source and changes nothing", "[apply]") {
  TempDir dir;
  const auto dest = dir.write("out/a.txt", "old");
  CHECK_THROWS_AS(apply::copy_file_atomic(dir / "gone.txt", dest), codexsync::RuntimeError);
  const auto result = try_copy(dir / "gone.txt", dir / "new/folder/a.txt");
  CHECK_THAT(result, CS_CONTAINS("runtime: cannot copy"));
  CHECK_THAT(result, CS_CONTAINS("gone.txt"));
  CHECK_THAT(result, CS_CONTAINS("run again"));
  CHECK(read_text(dest) == "old");
  CHECK_FALSE(fs::exists(dir / "new"));
}

TEST_CASE("copy_file_atomic refuses a folder as destination or parent", "[apply]") {
  TempDir dir;
  const auto source = dir.write("a.txt", "x");
  dir.mkdir("out/a.txt/inside");
  CHECK_THAT(try_copy(source, dir / "out/a.txt"), CS_CONTAINS("it is a folder"));
  CHECK(fs::is_directory(dir / "out/a.txt/inside"));

  dir.write("file", "f");
  CHECK_THAT(try_copy(source, dir / "file/sub/a.txt"), CS_CONTAINS("is a file, not a folder"));
  CHECK(read_text(dir / "file") == "f");
}

TEST_CASE("copy_file_atomic shortens the temp name of a long file name", "[apply]") {
  TempDir dir;
  const auto source = dir.write("a.txt", "long");
  std::string utf8_name;
  for (int i = 0; i < 120; ++i) {
    utf8_name += "\xC3\xA9"; // é: the cut must not split it
  }
  // 255 bytes (the POSIX limit) and 243 bytes of two-byte characters.
  for (const auto& name : {std::string(250, 'x') + ".json", utf8_name + ".md"}) {
    if (name == utf8_name + ".md" && codexsync::test::running_under_wine()) {
      // 123 UTF-16 units fit NTFS, but Wine keeps files on a POSIX file system,
      // where the 243 bytes of the name and the temp suffix pass NAME_MAX.
      WARN("skipped under Wine: a name of 243 UTF-8 bytes passes the host file system's 255-byte limit");
      continue;
    }
    const auto dest = dir / "out" / codexsync::util::path_from_utf8(name);
    apply::copy_file_atomic(source, dest);
    // Read back through copy_file_atomic: on Windows the path passes MAX_PATH.
    apply::copy_file_atomic(dest, dir / "back.txt");
    CHECK(read_text(dir / "back.txt") == "long");
    CHECK(temps_in(dir / "out").empty());
    apply::remove_file(dest, dir.path());
    CHECK_FALSE(fs::exists(dir / "out"));
  }
}

TEST_CASE("copy_file_atomic stops fail-safe when the source grows during the copy", "[apply]") {
  TempDir dir;
  const auto source = dir.write("session.jsonl", random_bytes((2U << 20U) + 5U, 1));
  const auto dest = dir.write("cloud/session.jsonl", "old");
  apply::detail::CopyHooks hooks;
  int calls = 0;
  hooks.after_chunk = [&](std::uint64_t) {
    if (++calls == 1) {
      append(source, "{\"new\": \"line\"}\n");
    }
  };
  try {
    apply::detail::copy_file_atomic(source, dest, hooks);
    FAIL("no error");
  } catch (const codexsync::FailSafeError& e) {
    CHECK(e.code() == codexsync::ExitCode::fail_safe);
    CHECK_THAT(e.what(), CS_CONTAINS("changed while being copied"));
    CHECK_THAT(e.what(), CS_CONTAINS("session.jsonl"));
  }
  CHECK(read_text(dest) == "old");
  CHECK(names_in(dir / "cloud") == std::vector<std::string>{"session.jsonl"});
}

TEST_CASE("copy_file_atomic stops fail-safe when the source is rewritten in place", "[apply]") {
  TempDir dir;
  const auto content = random_bytes((2U << 20U) + 5U, 2);
  const auto source = dir.write("a.bin", content);
  set_mtime(source, k_some_mtime_ns);
  apply::detail::CopyHooks hooks;
  hooks.after_chunk = [&](std::uint64_t copied) {
    if (copied <= (1U << 20U)) {
      std::fstream file(source, std::ios::binary | std::ios::in | std::ios::out);
      file.seekp(static_cast<std::streamoff>(content.size() - 1));
      file.put('!');
      file.close();
      set_mtime(source, k_some_mtime_ns + 1'000'000'000);
    }
  };
  CHECK_THROWS_AS(apply::detail::copy_file_atomic(source, dir / "out/a.bin", hooks),
                  codexsync::FailSafeError);
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("copy_file_atomic stops fail-safe when the source is replaced by another file", "[apply]") {
  TempDir dir;
  const auto content = random_bytes((2U << 20U) + 5U, 3);
  const auto source = dir.write("a.bin", content);
  set_mtime(source, k_some_mtime_ns);
  const auto dest = dir.write("out/a.bin", "old");
  apply::detail::CopyHooks hooks;
  hooks.after_chunk = [&](std::uint64_t copied) {
    if (copied <= (1U << 20U)) {
      // Same size and mtime, another file: only the file id tells.
      const auto other = dir.write("other.bin", content);
      set_mtime(other, k_some_mtime_ns);
#ifdef _WIN32
      // Windows refuses to replace a file that is open (the copy holds the
      // source): that refusal is the protection there.
      std::error_code refused;
      fs::rename(other, source, refused);
      CHECK(refused);
#else
      fs::rename(other, source);
#endif
    }
  };
#ifdef _WIN32
  CHECK(apply::detail::copy_file_atomic(source, dest, hooks).size == content.size());
  CHECK(read_text(dest) == content);
  dir.write("out/a.bin", "old");
#else
  CHECK_THROWS_AS(apply::detail::copy_file_atomic(source, dest, hooks), codexsync::FailSafeError);
  CHECK(read_text(dest) == "old");
#endif
  CHECK(temps_in(dir / "out").empty());

  // The seam itself changes nothing when the hook does nothing.
  hooks.after_chunk = [](std::uint64_t) {};
  CHECK(apply::detail::copy_file_atomic(source, dest, hooks).size == content.size());
  CHECK(read_text(dest) == content);
}

CS_POSIX_ONLY("a copy killed at a fault point leaves the destination wholly old or wholly new",
              "forks a child and kills it at each fault point (fork, SIGKILL)")
CS_POSIX_ONLY("fault_point fires only for the named point",
              "forks a child that exits at the fault point (fork)")
CS_POSIX_ONLY("a failed write leaves the destination untouched and no temp file",
              "makes writes fail with a file size limit (setrlimit RLIMIT_FSIZE, SIGXFSZ)")
#ifndef _WIN32
TEST_CASE("a copy killed at a fault point leaves the destination wholly old or wholly new", "[apply]") {
  struct Case {
    const char* fault;
    const char* expected_dest;
    std::size_t expected_temps;
  };
  const Case cases[] = {
      {"apply.copy.after_temp_write", "old", 1},
      {"apply.copy.before_rename", "old", 1},
      {"apply.copy.after_rename", "new", 0},
      {"apply.copy.before_rename:2", "first", 1},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.fault) {
      TempDir dir;
      const auto first = dir.write("first.txt", "first");
      const auto source = dir.write("new.txt", "new");
      const auto dest = dir.write("out/state.json", "old");
      const auto result = run_in_child([&] {
        ::setenv("CODEXSYNC_TEST_FAULT", c.fault, 1);
        apply::detail::reload_fault_config();
        if (std::string(c.fault).find(":2") != std::string::npos) {
          apply::copy_file_atomic(first, dest);
        }
        apply::copy_file_atomic(source, dest);
        return std::string("not killed");
      });
      CHECK(result.exit_code == 86);
      CHECK(result.output.empty());
      CHECK(read_text(dest) == c.expected_dest);
      const auto temps = temps_in(dir / "out");
      REQUIRE(temps.size() == c.expected_temps);
      for (const auto& temp : temps) {
        const auto text = read_text(dir / "out" / temp);
        CHECK((text.empty() || text == "new")); // a temp is never renamed half-written
      }
      const auto later = clock_at_offset(std::chrono::hours(2));
      CHECK(apply::sweep_temp_files(dir.path(), std::chrono::hours(1), later) == c.expected_temps);
      CHECK(names_in(dir / "out") == std::vector<std::string>{"state.json"});
      CHECK(read_text(dest) == c.expected_dest);
    }
  }
}

TEST_CASE("fault_point fires only for the named point", "[apply]") {
  TempDir dir;
  const auto source = dir.write("a.txt", "new");
  const auto result = run_in_child([&] {
    ::setenv("CODEXSYNC_TEST_FAULT", "apply.copy.some_other_point", 1);
    apply::detail::reload_fault_config();
    return try_copy(source, dir / "out/a.txt");
  });
  CHECK(result.exit_code == 0);
  CHECK(result.output == "ok");
  CHECK(read_text(dir / "out/a.txt") == "new");

  // Unset (the normal case) it does nothing at all.
  ::unsetenv("CODEXSYNC_TEST_FAULT");
  apply::detail::reload_fault_config();
  apply::fault_point("apply.copy.before_rename");
  CHECK(apply::copy_file_atomic(source, dir / "out/b.txt").size == 3);
}

TEST_CASE("a failed write leaves the destination untouched and no temp file", "[apply]") {
  TempDir dir;
  const auto source = dir.write("big.bin", random_bytes(1U << 20U, 4));
  const auto dest = dir.write("out/big.bin", "old");
  const auto result = run_in_child([&] {
    // Writes past 64 KiB fail with EFBIG, like a full disk at that point.
    if (!codexsync::test::limit_file_size(64U << 10U)) {
      return std::string("setrlimit failed");
    }
    return try_copy(source, dest);
  });
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, CS_CONTAINS("runtime: cannot write"));
  CHECK_THAT(result.output, CS_CONTAINS("out/big.bin"));
  CHECK(read_text(dest) == "old");
  CHECK(names_in(dir / "out") == std::vector<std::string>{"big.bin"});
}
#endif

CS_POSIX_ONLY("a full disk leaves the destination untouched and says so",
              "fills a small tmpfs mounted in a private mount namespace (Linux)")
#ifdef __linux__
TEST_CASE("a full disk leaves the destination untouched and says so", "[apply]") {
  TempDir dir;
  const auto source = dir.write("big.bin", random_bytes(2U << 20U, 5));
  const auto small = dir.mkdir("small");
  const auto result = run_in_child([&] {
    if (!private_mounts() || ::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m") != 0) {
      return std::string("unsupported");
    }
    std::ofstream(small / "big.bin") << "old";
    const auto free = apply::free_space(small / "not/yet");
    std::string out = try_copy(source, small / "big.bin");
    out += "\ndest=" + read_text(small / "big.bin");
    for (const auto& name : names_in(small)) {
      out += "\nentry=" + name;
    }
    out += "\nsmall_free=" + std::string(free && *free <= (1U << 20U) ? "yes" : "no");
    return out;
  });
  if (result.output == "unsupported") {
    WARN("cannot mount a small tmpfs here; the full-disk test was skipped");
    return;
  }
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, CS_CONTAINS("runtime: no space left on device writing "));
  CHECK_THAT(result.output, CS_CONTAINS("small/big.bin; free space and run again"));
  CHECK_THAT(result.output, CS_CONTAINS("\ndest=old\nentry=big.bin\nsmall_free=yes"));
}
#endif

CS_POSIX_ONLY("a read-only destination folder is a runtime error and nothing changes",
              "takes write permission off a folder (chmod 0555, read-only bind mount); a Windows folder's read-only attribute does not stop writes")
#ifndef _WIN32
TEST_CASE("a read-only destination folder is a runtime error and nothing changes", "[apply]") {
  TempDir dir;
  const auto source = dir.write("a.txt", "new");
  const auto dest = dir.write("ro/a.txt", "old");
  const auto ro = dir / "ro";
  const bool root = ::geteuid() == 0;
  const auto result = run_in_child([&] {
    if (root) {
#ifdef __linux__
      if (!private_mounts() || ::mount(ro.c_str(), ro.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
          ::mount(nullptr, ro.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
        return std::string("unsupported");
      }
#else
      return std::string("unsupported");
#endif
    } else if (::chmod(ro.c_str(), 0555) != 0) {
      return std::string("chmod failed");
    }
    return try_copy(source, dest) + "\n" + try_copy(source, ro / "new/sub/b.txt");
  });
  if (!root) {
    fs::permissions(ro, static_cast<fs::perms>(0755));
  }
  if (result.output == "unsupported") {
    WARN("running as root without a private read-only mount; the read-only test was skipped");
    return;
  }
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, CS_CONTAINS("runtime: cannot create a file in "));
  CHECK_THAT(result.output, CS_CONTAINS("runtime: cannot create folder "));
  CHECK_THAT(result.output, CS_CONTAINS("ro/new"));
  CHECK(read_text(dest) == "old");
  CHECK(names_in(ro) == std::vector<std::string>{"a.txt"});
}
#endif

TEST_CASE("remove_file removes empty parents up to but not including stop_at", "[apply]") {
  TempDir dir;
  const auto stop = dir.mkdir("stop");
  const auto file = dir.write("stop/a/b/c/f.txt", "x");
  dir.write("stop/a/keep.txt", "keep");
  apply::remove_file(file, stop);
  CHECK_FALSE(fs::exists(file));
  CHECK_FALSE(fs::exists(stop / "a/b"));
  CHECK(read_text(stop / "a/keep.txt") == "keep");

  const auto top = dir.write("stop/t/f.txt", "x");
  apply::remove_file(top, stop);
  CHECK_FALSE(fs::exists(stop / "t"));
  fs::remove(stop / "a/keep.txt");
  const auto last = dir.write("stop/f.txt", "x");
  apply::remove_file(last, stop);
  CHECK_FALSE(fs::exists(last));
  CHECK(fs::is_directory(stop));
  CHECK(fs::is_directory(stop / "a")); // empty, but this removal did not empty it
}

TEST_CASE("remove_file accepts a file already gone and never leaves stop_at", "[apply]") {
  TempDir dir;
  const auto stop = dir.mkdir("stop");
  dir.mkdir("stop/x/y");
  apply::remove_file(stop / "x/y/gone.txt", stop);
  CHECK_FALSE(fs::exists(stop / "x"));
  CHECK(fs::is_directory(stop));

  const auto outside = dir.write("other/a/f.txt", "x");
  apply::remove_file(outside, stop);
  CHECK_FALSE(fs::exists(outside));
  CHECK(fs::is_directory(dir / "other/a"));

  const auto sibling = dir.write("stopper/a/f.txt", "x"); // a name that merely starts like stop_at
  apply::remove_file(sibling, stop);
  CHECK(fs::is_directory(dir / "stopper/a"));
}

TEST_CASE("remove_file refuses a folder", "[apply]") {
  TempDir dir;
  dir.write("stop/folder/inner.txt", "x");
  CHECK_THROWS_AS(apply::remove_file(dir / "stop/folder", dir / "stop"), codexsync::RuntimeError);
  CHECK(read_text(dir / "stop/folder/inner.txt") == "x");
}

TEST_CASE("sweep_temp_files on a list deletes only the old temp files among them", "[apply]") {
  TempDir dir;
  const auto now = std::chrono::system_clock::now();
  const codexsync::util::ManualClock two_hours_later(now + std::chrono::hours(2));
  const auto temp = dir.write("root/.a.txt.codexsync-tmp-0123456789ab", "t");
  const auto other_temp = dir.write("root/sub/.b.codexsync-tmp-abcdefabcdef", "t");
  const auto user_file = dir.write("root/notes.txt", "mine");
  dir.mkdir("root/.folder.codexsync-tmp-0123456789ab");
  const std::vector<fs::path> listed{temp, user_file, dir / "root/.folder.codexsync-tmp-0123456789ab",
                                     dir / "root/.gone.codexsync-tmp-0123456789ab"};
  CHECK(apply::sweep_temp_files(listed, std::chrono::hours(3), two_hours_later) == 0);  // too young
  CHECK(apply::sweep_temp_files(listed, std::chrono::hours(1), two_hours_later) == 1);
  CHECK_FALSE(fs::exists(temp));
  CHECK(fs::exists(other_temp));  // not listed: no folder is walked
  CHECK(fs::exists(user_file));   // not a temp name, whatever the caller lists
  CHECK(fs::is_directory(dir / "root/.folder.codexsync-tmp-0123456789ab"));
}

TEST_CASE("sweep_temp_files removes only old files of the exact temp shape", "[apply]") {
  TempDir dir;
  // Files are made now; the sweep's clock is moved instead, because a temp's
  // age is when it was last changed or created, not its (copied) mtime.
  const auto now = std::chrono::system_clock::now();
  const codexsync::util::ManualClock two_hours_later(now + std::chrono::hours(2));

  const std::vector<std::string> removed = {
      "root/.a.txt.codexsync-tmp-0123456789ab",
      "root/sub/deep/..hidden.json.codexsync-tmp-abcdefabcdef",
  };
  const std::vector<std::string> kept = {
      "root/notes.tmp",
      "root/.x.codexsync-tmp-zz",
      "root/.x.codexsync-tmp-0123456789AB",
      "root/.x.codexsync-tmp-0123456789abc",
      "root/.x.codexsync-tmp-0123456789a",
      "root/x.codexsync-tmp-0123456789ab",
      "root/..codexsync-tmp-0123456789ab",
      "root/.x.codexsync-tmp-0123456789ab.bak",
      "root/sub/.x.codexsync.tmp",
      "outside/.x.codexsync-tmp-0123456789ab",
  };
  for (const auto& path : removed) {
    dir.write(path, "t");
  }
  for (const auto& path : kept) {
    dir.write(path, "t");
  }
  dir.mkdir("root/.folder.codexsync-tmp-0123456789ab");
#ifndef _WIN32
  fs::create_directory_symlink(dir / "outside", dir / "root/link-to-outside");
  fs::create_symlink(dir / "root/notes.tmp", dir / "root/.link.codexsync-tmp-0123456789ab");
#endif

  // Younger than the limit: nothing goes.
  CHECK(apply::sweep_temp_files(dir / "root", std::chrono::hours(3), two_hours_later) == 0);

  CHECK(apply::sweep_temp_files(dir / "root", std::chrono::hours(1), two_hours_later) == removed.size());
  for (const auto& path : removed) {
    CHECK_FALSE(fs::exists(dir / path));
  }
  for (const auto& path : kept) {
    CHECK(fs::exists(dir / path));
  }
  CHECK(fs::is_directory(dir / "root/.folder.codexsync-tmp-0123456789ab"));
#ifndef _WIN32
  CHECK(fs::is_symlink(dir / "root/.link.codexsync-tmp-0123456789ab"));
#endif
  CHECK(apply::sweep_temp_files(dir / "missing", std::chrono::seconds(0), two_hours_later) == 0);
}

TEST_CASE("sweep_temp_files spares a temp in flight that carries an old source mtime", "[apply]") {
  TempDir dir;
  // copy_file_atomic gives its temp file the source's mtime before the rename;
  // a source edited two days ago must not make a copy in progress look abandoned.
  const auto now = std::chrono::system_clock::now();
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const auto in_flight = dir.write("root/.a.jsonl.codexsync-tmp-0123456789ab", "t");
  set_mtime(in_flight, now_ns - 48LL * 3600 * 1'000'000'000);
  const codexsync::util::ManualClock clock(now);
  CHECK(apply::sweep_temp_files(dir / "root", std::chrono::hours(1), clock) == 0);
  CHECK(fs::exists(in_flight));
}

TEST_CASE("free_space reports the volume of the nearest existing folder", "[apply]") {
  TempDir dir;
  const auto here = apply::free_space(dir.path());
  const auto deeper = apply::free_space(dir / "not/yet/created/file.txt");
  REQUIRE(here);
  REQUIRE(deeper);
  CHECK(*here > 0);
  const auto expected = fs::space(dir.path()).available;
  const std::uint64_t margin = std::uint64_t{256} << 20U; // other writers on the disk
  CHECK(*here + margin >= expected);
  CHECK(*here <= expected + margin);
  CHECK(*deeper + margin >= *here);
  CHECK(*deeper <= *here + margin);
}

TEST_CASE("retry_transient retries brief locks only", "[apply]") {
#ifdef _WIN32
  const std::error_code transient(32, std::system_category()); // ERROR_SHARING_VIOLATION
  const std::error_code permanent(17, std::system_category()); // ERROR_NOT_SAME_DEVICE
#else
  const auto transient = std::make_error_code(std::errc::device_or_resource_busy);
  const auto permanent = std::make_error_code(std::errc::cross_device_link);
#endif
  int calls = 0;
  std::error_code ec;
  CHECK(apply::detail::retry_transient(
      [&](std::error_code& e) {
        if (++calls < 3) {
          e = transient;
          return false;
        }
        return true;
      },
      ec));
  CHECK(calls == 3);

  calls = 0;
  CHECK_FALSE(apply::detail::retry_transient(
      [&](std::error_code& e) {
        ++calls;
        e = permanent;
        return false;
      },
      ec));
  CHECK(calls == 1);
  CHECK(ec == permanent);
}
