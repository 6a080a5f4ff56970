// apply::append_in_place, fast_forward and repair_append with real files: the
// tail written after the old bytes of the same file, every failure the run
// sees cutting the file back to its old bytes and mtime, a kill between two
// chunks leaving a partial tail that repair_append cuts back (and bytes that
// are not the source's left alone), hard links never grown in place.
#include "support/catch.hpp"
#include "support/child.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include "../../src/apply/file_ops_detail.hpp"

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#ifndef _WIN32
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>
#endif
#ifdef __linux__
#include <sys/mount.h>
#endif

namespace fs = std::filesystem;
namespace apply = codexsync::apply;
namespace util = codexsync::util;
using codexsync::FileState;
using codexsync::test::read_text;
using codexsync::test::TempDir;

namespace {

constexpr std::int64_t k_old_mtime_ns = 1'600'000'000'000'000'000;
constexpr std::int64_t k_new_mtime_ns = 1'700'000'000'000'000'000;

// `lines` chat lines of about 80 bytes.
std::string chat(int lines, const std::string& tag) {
  std::string out;
  for (int i = 0; i < lines; ++i) {
    out += "{\"timestamp\":\"2026-11-24T10:00:00Z\",\"type\":\"response_item\",\"n\":" + std::to_string(i) +
           ",\"tag\":\"" + tag + "\"}\n";
  }
  return out;
}

util::FileStat stat_of(const fs::path& file) {
  std::error_code ec;
  const auto st = util::stat_no_follow(file, ec);
  REQUIRE(st);
  return *st;
}

void set_mtime(const fs::path& file, std::int64_t mtime_ns) {
  std::error_code ec;
  util::set_mtime_ns(file, mtime_ns, ec);
  REQUIRE_FALSE(ec);
}

// A chat on "B" (dest) and the same chat grown by `tail` on "A" (source).
struct Pair {
  fs::path source;
  fs::path dest;
  std::string old_text;
  std::string new_text;
  std::uint64_t from() const { return old_text.size(); }
  apply::Expect expect() const {
    const auto st = stat_of(dest);
    return apply::Expect::as_planned(FileState{st.size, st.mtime_ns, std::nullopt});
  }
};

Pair make_pair(const TempDir& dir, const std::string& old_text, const std::string& tail) {
  Pair p{dir.write("a/chat.jsonl", old_text + tail), dir.write("b/chat.jsonl", old_text), old_text, old_text + tail};
  set_mtime(p.dest, k_old_mtime_ns);
  set_mtime(p.source, k_new_mtime_ns);
  return p;
}

// The destination is its old self: old bytes, old mtime, same file.
void check_wholly_old(const Pair& p, const util::FileStat& before) {
  CHECK(read_text(p.dest) == p.old_text);
  const auto now = stat_of(p.dest);
  CHECK(now.mtime_ns == k_old_mtime_ns);
  CHECK(now.same_file(before));
}

// "ok", or the kind of error and its message.
std::string try_append(const Pair& p, const apply::detail::CopyHooks& hooks = {}) {
  try {
    const auto done = apply::detail::append_in_place(p.source, p.dest, p.from(), p.expect(), nullptr, hooks);
    return done ? "ok" : "not in place";
  } catch (const codexsync::FailSafeError& e) {
    return std::string("fail-safe: ") + e.what();
  } catch (const codexsync::RuntimeError& e) {
    return std::string("runtime: ") + e.what();
  }
}

} // namespace

TEST_CASE("append_in_place writes the tail after the old bytes of the same file", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(200, "old"), chat(30, "new"));
  const auto before = stat_of(p.dest);
  const auto state = apply::append_in_place(p.source, p.dest, p.from(), p.expect());
  REQUIRE(state);
  CHECK(read_text(p.dest) == p.new_text);
  CHECK(state->size == p.new_text.size());
  CHECK(state->sha256->hex() == util::sha256_hex(p.new_text));
  const auto after = stat_of(p.dest);
  CHECK(after.same_file(before));  // the file itself grew: no new file renamed over it
  CHECK(after.mtime_ns == k_new_mtime_ns);
  CHECK(state->mtime_ns == k_new_mtime_ns);
}

TEST_CASE("append_in_place takes the old bytes from the destination and hashes them", "[apply]") {
  // The source's first bytes differ: only the destination's are kept, and the
  // digest is of what the destination holds.
  TempDir dir;
  const auto dest = dir.write("b/x", "AAAA");
  const auto source = dir.write("a/x", "BBBBtail");
  const auto st = stat_of(dest);
  const auto state = apply::append_in_place(source, dest, 4, apply::Expect::as_planned(FileState{4, st.mtime_ns, {}}));
  REQUIRE(state);
  CHECK(read_text(dest) == "AAAAtail");
  CHECK(state->sha256->hex() == util::sha256_hex("AAAAtail"));
}

TEST_CASE("append_in_place resumes the hash from a midstate of this very file", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(300, "old") + "x", chat(9, "new") + "yz");
  util::Sha256 old_hash;
  old_hash.update(p.old_text);
  const auto midstate = old_hash.midstate();
  if (!midstate) {
    WARN("this platform's SHA-256 cannot save a midstate (CNG): the old bytes are read to be hashed");
    return;
  }
  apply::HashResume resume;
  resume.from = midstate;
  resume.from_file = apply::FileIdentity::of(stat_of(p.dest));
  const auto state = apply::append_in_place(p.source, p.dest, p.from(), p.expect(), &resume);
  REQUIRE(state);
  CHECK(resume.used_from);
  CHECK(state->sha256->hex() == util::sha256_hex(p.new_text));
  REQUIRE(resume.result);
  CHECK(resume.result_file == apply::FileIdentity::of(stat_of(p.dest)));

  // A wrong midstate for the right file shows in the digest, not in the bytes:
  // proof that the old bytes were not read.
  const auto q = make_pair(dir, p.old_text, "more\n");
  apply::HashResume wrong;
  wrong.from = midstate;
  wrong.from->words[0] ^= 1U;
  wrong.from_file = apply::FileIdentity::of(stat_of(q.dest));
  const auto skewed = apply::append_in_place(q.source, q.dest, q.from(), q.expect(), &wrong);
  REQUIRE(skewed);
  CHECK(read_text(q.dest) == q.new_text);
  CHECK(skewed->sha256->hex() != util::sha256_hex(q.new_text));
}

TEST_CASE("append_in_place refuses a destination that changed since the plan", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(20, "old"), chat(3, "new"));
  const auto expect = p.expect();
  SECTION("grown") {
    std::ofstream(p.dest, std::ios::binary | std::ios::app) << "agent line\n";
    set_mtime(p.dest, k_old_mtime_ns);
    CHECK_THROWS_AS(apply::append_in_place(p.source, p.dest, p.from(), expect), codexsync::FailSafeError);
    CHECK(read_text(p.dest) == p.old_text + "agent line\n");
  }
  SECTION("touched") {
    set_mtime(p.dest, k_old_mtime_ns + 1'000'000'000);
    CHECK_THROWS_AS(apply::append_in_place(p.source, p.dest, p.from(), expect), codexsync::FailSafeError);
    CHECK(read_text(p.dest) == p.old_text);
  }
  SECTION("gone") {
    fs::remove(p.dest);
    CHECK_THROWS_AS(apply::append_in_place(p.source, p.dest, p.from(), expect), codexsync::FailSafeError);
    CHECK_FALSE(fs::exists(p.dest));
  }
}

TEST_CASE("append_in_place leaves a file with a second name to a new copy", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(20, "old"), chat(3, "new"));
  std::error_code ec;
  fs::create_hard_link(p.dest, dir / "b/other-name.jsonl", ec);
  if (ec) {
    WARN("cannot make a hard link here: " + ec.message());
    return;
  }
  CHECK_FALSE(apply::append_in_place(p.source, p.dest, p.from(), p.expect()));
  CHECK(read_text(p.dest) == p.old_text);
  // fast_forward then writes a new file: the other name keeps the old bytes.
  const auto done = apply::fast_forward(p.source, p.dest, p.from(),
                                        apply::Expect::as_planned(FileState{p.from(), k_old_mtime_ns, {}}),
                                        apply::FastForwardMode::in_place);
  CHECK_FALSE(done.in_place);
  CHECK(read_text(p.dest) == p.new_text);
  CHECK(read_text(dir / "b/other-name.jsonl") == p.old_text);
}

TEST_CASE("fast_forward appends in place or writes a new file as asked", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(50, "old"), chat(5, "new"));
  const auto before = stat_of(p.dest);
  SECTION("in_place") {
    const auto done = apply::fast_forward(p.source, p.dest, p.from(), p.expect(), apply::FastForwardMode::in_place);
    CHECK(done.in_place);
    CHECK(stat_of(p.dest).same_file(before));
  }
  SECTION("new_file") {
    const auto done = apply::fast_forward(p.source, p.dest, p.from(), p.expect(), apply::FastForwardMode::new_file);
    CHECK_FALSE(done.in_place);
    CHECK_FALSE(stat_of(p.dest).same_file(before));
  }
  SECTION("automatic: a new file only where the file system clones") {
    const auto done = apply::fast_forward(p.source, p.dest, p.from(), p.expect(), apply::FastForwardMode::automatic);
    CHECK(done.in_place == !apply::detail::clones_beside(p.dest));
    CHECK(stat_of(p.dest).same_file(before) == done.in_place);
  }
  CHECK(read_text(p.dest) == p.new_text);
  CHECK(stat_of(p.dest).mtime_ns == k_new_mtime_ns);
}

TEST_CASE("append_in_place cuts the file back when the source changes while it is copied", "[apply]") {
  TempDir dir;
  // A tail of several buffers, so the change comes after bytes were written.
  const auto p = make_pair(dir, chat(100, "old"), chat(40000, "new"));
  const auto before = stat_of(p.dest);
  apply::detail::CopyHooks hooks;
  bool changed = false;
  hooks.after_chunk = [&](std::uint64_t) {
    if (!changed) {
      std::ofstream(p.source, std::ios::binary | std::ios::app) << "the agent wrote on\n";
      changed = true;
    }
  };
  const auto outcome = try_append(p, hooks);
  CHECK(changed);
  CHECK_THAT(outcome, CS_CONTAINS("fail-safe: "));
  CHECK_THAT(outcome, CS_CONTAINS("changed while being copied"));
  check_wholly_old(p, before);
}

CS_POSIX_ONLY("append_in_place cuts the file back when a write fails",
              "limits the file size of a forked child (setrlimit RLIMIT_FSIZE)")
#ifndef _WIN32
TEST_CASE("append_in_place cuts the file back when a write fails", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, std::string(40U << 10U, 'o'), std::string(200U << 10U, 'n'));
  const auto before = stat_of(p.dest);
  const auto result = codexsync::test::run_in_child([&] {
    // Writes past 64 KiB fail with EFBIG, like a full disk at that point.
    if (!codexsync::test::limit_file_size(64U << 10U)) {
      return std::string("setrlimit failed");
    }
    return try_append(p);
  });
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, CS_CONTAINS("runtime: cannot write"));
  CHECK_THAT(result.output, CS_CONTAINS("b/chat.jsonl"));
  check_wholly_old(p, before);
}
#endif

CS_POSIX_ONLY("append_in_place on a full disk cuts the file back and says so",
              "fills a small tmpfs mounted in a private mount namespace (Linux)")
#ifdef __linux__
TEST_CASE("append_in_place on a full disk cuts the file back and says so", "[apply]") {
  TempDir dir;
  const auto small = dir.mkdir("small");
  const auto old_text = std::string(300U << 10U, 'o');
  const auto source = dir.write("a/chat.jsonl", old_text + std::string(2U << 20U, 'n'));
  const auto result = codexsync::test::run_in_child([&] {
    if (!codexsync::test::private_mounts() || ::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m") != 0) {
      return std::string("unsupported");
    }
    const auto dest = small / "chat.jsonl";
    std::ofstream(dest, std::ios::binary) << old_text;
    std::error_code ec;
    util::set_mtime_ns(dest, k_old_mtime_ns, ec);
    std::string out;
    try {
      apply::append_in_place(source, dest, old_text.size(),
                             apply::Expect::as_planned(FileState{old_text.size(), k_old_mtime_ns, {}}));
      out = "ok";
    } catch (const codexsync::RuntimeError& e) {
      out = std::string("runtime: ") + e.what();
    }
    const auto now = util::stat_no_follow(dest, ec);
    out += "\nsame=" + std::string(read_text(dest) == old_text ? "yes" : "no");
    out += "\nmtime=" + std::string(now && now->mtime_ns == k_old_mtime_ns ? "old" : "other");
    return out;
  });
  if (result.output == "unsupported") {
    WARN("cannot mount a small tmpfs here; the full-disk test was skipped");
    return;
  }
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, CS_CONTAINS("runtime: no space left on device writing "));
  CHECK_THAT(result.output, CS_CONTAINS("\nsame=yes\nmtime=old"));
}
#endif

CS_POSIX_ONLY("an append killed between chunks is cut back by repair_append",
              "forks a child that a fault point ends")
#ifndef _WIN32
TEST_CASE("an append killed between chunks is cut back by repair_append", "[apply]") {
  TempDir dir;
  // Three and a bit buffers of tail (1 MiB each).
  const auto p = make_pair(dir, chat(500, "old"), chat(40000, "new"));
  const auto before = stat_of(p.dest);
  const auto killed = [&](const char* fault) {
    return codexsync::test::run_in_child([&] {
      ::setenv("CODEXSYNC_TEST_FAULT", fault, 1);
      apply::detail::reload_fault_config();
      return try_append(p);
    });
  };
  SECTION("part of the tail written") {
    const auto result = killed("apply.append.after_chunk:2");
    CHECK(result.exit_code == 86);
    const auto torn = read_text(p.dest);
    REQUIRE(torn.size() > p.old_text.size());
    REQUIRE(torn.size() < p.new_text.size());
    CHECK(torn == p.new_text.substr(0, torn.size()));  // old bytes + the start of the tail

    const auto repair = apply::repair_append(p.source, p.dest, p.from(), p.new_text.size(), k_old_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::cut_back);
    CHECK_THAT(repair.note, CS_CONTAINS("was cut back to its first " + std::to_string(p.from()) + " bytes"));
    check_wholly_old(p, before);
    // Done once: a second look finds nothing to do.
    CHECK(apply::repair_append(p.source, p.dest, p.from(), p.new_text.size(), k_old_mtime_ns).outcome ==
          apply::AppendRepair::Outcome::untouched);
  }
  SECTION("the whole tail written") {
    const auto result = killed("apply.append.done");
    CHECK(result.exit_code == 86);
    CHECK(read_text(p.dest) == p.new_text);
    const auto repair = apply::repair_append(p.source, p.dest, p.from(), p.new_text.size(), k_old_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::complete);
    CHECK(read_text(p.dest) == p.new_text);
  }
}
#endif

TEST_CASE("repair_append tells its own bytes from others and changes only its own", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(100, "old"), chat(50, "new"));
  const auto new_size = p.new_text.size();
  const auto write_dest = [&](const std::string& text) {
    std::ofstream(p.dest, std::ios::binary | std::ios::trunc) << text;
  };
  SECTION("nothing after the old bytes") {
    CHECK(apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns).outcome ==
          apply::AppendRepair::Outcome::untouched);
    CHECK(read_text(p.dest) == p.old_text);
  }
  SECTION("gone") {
    fs::remove(p.dest);
    CHECK(apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns).outcome ==
          apply::AppendRepair::Outcome::untouched);
  }
  SECTION("the whole tail and lines the agent wrote after it") {
    write_dest(p.new_text + "{\"later\":1}\n");
    CHECK(apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns).outcome ==
          apply::AppendRepair::Outcome::complete);
    CHECK(read_text(p.dest) == p.new_text + "{\"later\":1}\n");
  }
  SECTION("a torn line with the agent's next line glued to it") {
    const auto torn = p.new_text.substr(0, p.old_text.size() + 100) + "{\"agent\":\"went on\"}\n";
    write_dest(torn);
    const auto repair = apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::foreign);
    CHECK_THAT(repair.note, CS_CONTAINS("differ from"));
    CHECK_THAT(repair.note, CS_CONTAINS("b/chat.jsonl"));
    CHECK(read_text(p.dest) == torn);  // left for a person
  }
  SECTION("a source that shrank since") {
    write_dest(p.new_text.substr(0, p.old_text.size() + 100));
    std::ofstream(p.source, std::ios::binary | std::ios::trunc) << p.old_text;
    const auto repair = apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::foreign);
    CHECK_THAT(repair.note, CS_CONTAINS("shorter now"));
  }
  SECTION("a source that is gone") {
    write_dest(p.new_text.substr(0, p.old_text.size() + 100));
    fs::remove(p.source);
    CHECK(apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns).outcome ==
          apply::AppendRepair::Outcome::foreign);
  }
  SECTION("without the old mtime (an older journal) the bytes are still cut back") {
    write_dest(p.new_text.substr(0, p.old_text.size() + 100));
    CHECK(apply::repair_append(p.source, p.dest, p.from(), new_size, std::nullopt).outcome ==
          apply::AppendRepair::Outcome::cut_back);
    CHECK(read_text(p.dest) == p.old_text);
  }
}

TEST_CASE("a copy takes bytes already read only while they stand for the very file", "[apply]") {
  // Proof that the preread bytes are used: they differ from the file's (same
  // length), and the copy writes them. Any change to the file since, and
  // they are not.
  TempDir dir;
  const auto source = dir.write("a/new.jsonl", "the file's own bytes\n");
  const auto opened = stat_of(source);
  apply::Preread preread{apply::FileIdentity::of(opened), opened.change_ns, 0, "BYTES READ BEFOREHAN\n"};
  REQUIRE(preread.bytes.size() == read_text(source).size());
  SECTION("a new file") {
    const auto state = apply::copy_file_atomic(source, dir / "b/new.jsonl", {}, nullptr, nullptr, &preread);
    CHECK(read_text(dir / "b/new.jsonl") == preread.bytes);
    CHECK(state.sha256->hex() == util::sha256_hex(preread.bytes));
  }
  SECTION("a tail appended in place, from where the bytes start") {
    const auto dest = dir.write("b/new.jsonl", "the file's ");
    set_mtime(dest, k_old_mtime_ns);
    preread.offset = 11;
    preread.bytes = "OWN BYTES\n";
    const auto state = apply::append_in_place(source, dest, 11,
                                              apply::Expect::as_planned(FileState{11, k_old_mtime_ns, {}}), nullptr,
                                              &preread);
    REQUIRE(state);
    CHECK(read_text(dest) == "the file's OWN BYTES\n");
  }
  SECTION("not after the file changed") {
    if (codexsync::test::running_under_wine()) {
      WARN("Wine keeps no change time of its own: a rewrite with size and mtime put back does not show");
      return;
    }
    std::ofstream(source, std::ios::binary | std::ios::trunc) << "THE FILE'S NEW BYTES\n";
    set_mtime(source, opened.mtime_ns);  // same size and mtime: only the change time tells
    apply::copy_file_atomic(source, dir / "b/new.jsonl", {}, nullptr, nullptr, &preread);
    CHECK(read_text(dir / "b/new.jsonl") == "THE FILE'S NEW BYTES\n");
  }
  SECTION("not when they do not reach the end of the file") {
    preread.bytes.pop_back();
    apply::copy_file_atomic(source, dir / "b/new.jsonl", {}, nullptr, nullptr, &preread);
    CHECK(read_text(dir / "b/new.jsonl") == "the file's own bytes\n");
  }
}

TEST_CASE("fast_forward never appends in place from an empty file", "[apply]") {
  // An empty destination's pending claim could not say where appending began;
  // a copy from 0 bytes is a whole copy anyway.
  TempDir dir;
  const auto p = make_pair(dir, "", chat(5, "new"));
  CHECK_FALSE(apply::appends_in_place(p.dest, 0, apply::FastForwardMode::in_place));
  CHECK(apply::appends_in_place(p.dest, 1, apply::FastForwardMode::in_place));
  CHECK_FALSE(apply::appends_in_place(p.dest, 1, apply::FastForwardMode::new_file));
  const auto done = apply::fast_forward(p.source, p.dest, 0, p.expect(), apply::FastForwardMode::in_place);
  CHECK_FALSE(done.in_place);
  CHECK(read_text(p.dest) == p.new_text);
}

CS_POSIX_ONLY("a destination this user may not write is replaced by a new file, not appended to",
              "needs POSIX permissions (a file another user owns, or mode 0444, in a folder this user may write)")
#ifndef _WIN32
TEST_CASE("a destination this user may not write is replaced by a new file, not appended to", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(20, "old"), chat(3, "new"));
  fs::permissions(dir / "a", fs::perms::all);
  fs::permissions(dir / "b", fs::perms::all);
  fs::permissions(p.source, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(p.dest, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const auto result = codexsync::test::run_in_child([&] {
    // Root may write any file: be someone else then (the folders stay open to all).
    if (::geteuid() == 0 && ::setuid(65534) != 0) {
      return std::string("cannot drop root");
    }
    std::string out = apply::append_in_place(p.source, p.dest, p.from(), p.expect()) ? "appended" : "not in place";
    const auto done = apply::fast_forward(p.source, p.dest, p.from(),
                                          apply::Expect::as_planned(FileState{p.from(), k_old_mtime_ns, {}}),
                                          apply::FastForwardMode::in_place);
    out += done.in_place ? " then appended" : " then a new file";
    return out;
  });
  if (result.output == "cannot drop root") {
    WARN("cannot drop root here; skipped");
    return;
  }
  CHECK(result.output == "not in place then a new file");
  CHECK(read_text(p.dest) == p.new_text);
}
#endif

TEST_CASE("repair_append finds a finished append without its source and gives it its time", "[apply]") {
  TempDir dir;
  const auto p = make_pair(dir, chat(100, "old"), chat(50, "new"));
  std::ofstream(p.dest, std::ios::binary | std::ios::trunc) << p.new_text;
  const auto new_size = p.new_text.size();
  SECTION("killed before the time was set: the bytes say it finished, the time is set") {
    set_mtime(p.dest, k_old_mtime_ns + 5);
    const auto repair = apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns, k_new_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::complete);
    CHECK(stat_of(p.dest).mtime_ns == k_new_mtime_ns);
  }
  SECTION("the source gone since: its length and time say it finished") {
    set_mtime(p.dest, k_new_mtime_ns);
    fs::remove(p.source);
    const auto repair = apply::repair_append(p.source, p.dest, p.from(), new_size, k_old_mtime_ns, k_new_mtime_ns);
    CHECK(repair.outcome == apply::AppendRepair::Outcome::complete);
    CHECK(read_text(p.dest) == p.new_text);
  }
}
