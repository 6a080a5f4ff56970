#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace codexsync;
using codexsync::test::TempDir;
namespace fs = std::filesystem;

namespace {

using SkipList = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> keys(const Index& index) {
  std::vector<std::string> out;
  for (const auto& [path, state] : index.files) {
    out.push_back(path);
  }
  return out;
}

SkipList skipped(const Index& index) {
  SkipList out;
  for (const auto& entry : index.skipped) {
    out.emplace_back(entry.path, entry.reason);
  }
  return out;
}

scan::ScanOptions roots(std::vector<std::string> include, std::vector<std::string> exclude = {}) {
  scan::ScanOptions options;
  options.include_roots = std::move(include);
  options.exclude_globs = std::move(exclude);
  return options;
}

// Writes a file named by UTF-8 text (TempDir::write takes the native encoding).
fs::path write_utf8(const TempDir& dir, const std::string& relative, const std::string& content) {
  auto path = dir.path() / util::path_from_utf8(relative);
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (const auto value : values) {
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// A PE image: "MZ", e_lfanew = 0x80 (past the 64-byte header), "PE\0\0" there.
std::string pe_image() {
  std::string image(0x100, '\0');
  image[0] = 'M';
  image[1] = 'Z';
  image[0x3c] = '\x80';
  image.replace(0x80, 4, std::string("PE\0\0", 4));
  return image;
}

const std::string k_credential = "credential file: never synced";
const std::string k_secrets = "credentials folder: never synced";
const std::string k_native = "native executable: never synced";
const std::string k_sqlite = "SQLite database: never synced";
const std::string k_temp = "codexsync temp file: never synced";
const std::string k_symlink = "symlink: not followed";

} // namespace

TEST_CASE("scan_tree walks file and folder roots and nothing else", "[scan]") {
  TempDir dir;
  dir.write("session_index.jsonl", "{}\n");
  dir.write("skills/a/SKILL.md", "a");
  dir.write("skills/a/scripts/run.py", "print()");
  dir.write("skills/b/SKILL.md", "b");
  dir.mkdir("skills/empty");
  dir.write("config.toml", "model = 'x'");
  dir.write("sessions/2026/01/01/rollout.jsonl", "{}");

  const auto index =
      scan::scan_tree(dir.path(), roots({"session_index.jsonl", "skills", "rules", "AGENTS.md"}));
  CHECK(keys(index) == std::vector<std::string>{"session_index.jsonl", "skills/a/SKILL.md",
                                                "skills/a/scripts/run.py", "skills/b/SKILL.md"});
  CHECK(skipped(index).empty()); // missing roots are not errors
}

TEST_CASE("scan_tree does not count nested or repeated roots twice", "[scan]") {
  TempDir dir;
  dir.write("skills/a/SKILL.md", "a");
  dir.write("skills/a/auth.json", "{}");
  dir.write("skills-extra/x.md", "x");

  const auto index = scan::scan_tree(
      dir.path(), roots({"skills/a", "skills", "skills/a/SKILL.md", "skills", "skills-extra"}));
  CHECK(keys(index) == std::vector<std::string>{"skills-extra/x.md", "skills/a/SKILL.md"});
  CHECK(skipped(index) == SkipList{{"skills/a/auth.json", k_credential}});
}

TEST_CASE("scan_tree accepts roots written with backslashes or dots", "[scan]") {
  TempDir dir;
  dir.write("skills/a/SKILL.md", "a");
  const auto index = scan::scan_tree(dir.path(), roots({"./skills\\a/"}));
  CHECK(keys(index) == std::vector<std::string>{"skills/a/SKILL.md"});
}

TEST_CASE("scan_tree refuses roots outside the base", "[scan]") {
  TempDir dir;
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({"../x"})), ConfigError);
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({"skills/../../x"})), ConfigError);
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({"/etc"})), ConfigError);
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({"C:/x"})), ConfigError);
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({""})), ConfigError);
  CHECK_THROWS_AS(scan::scan_tree(dir.path(), roots({"."})), ConfigError);
}

TEST_CASE("scan_tree returns an empty index for a missing base and refuses a file as base", "[scan]") {
  TempDir dir;
  const auto index = scan::scan_tree(dir / "no-such-folder", roots({"skills"}));
  CHECK(index.files.empty());
  CHECK(index.skipped.empty());
  dir.write("plain-file", "x");
  CHECK_THROWS_AS(scan::scan_tree(dir / "plain-file", roots({"skills"})), RuntimeError);
}

TEST_CASE("scan_tree leaves excluded paths out without listing them", "[scan]") {
  TempDir dir;
  dir.write("plugins/marketplace.json", "{}");
  dir.write("plugins/cache/p/plugin.json", "{}");
  dir.write("plugins/a.lock", "");
  dir.write("plugins/a.lock.txt", "");
  dir.write("plugins/tmp/arg0/lock", "");
  dir.write("plugins/tmpfile.md", "");
  dir.write("skills/.system/creator/SKILL.md", "s");
  dir.write("skills/mine/SKILL.md", "m");
  dir.write("skills/mine/.system/keep.md", "k");
  dir.write("logs/a.log", "");
  dir.write("logs/sub/a.log", "");

  const auto index = scan::scan_tree(
      dir.path(), roots({"plugins", "skills", "logs"},
                        {"**/cache/**", "*.lock", "**/tmp/**", "skills/.system/**", "logs/*.log", ""}));
  CHECK(keys(index) == std::vector<std::string>{"logs/sub/a.log", "plugins/a.lock.txt",
                                                "plugins/marketplace.json", "plugins/tmpfile.md",
                                                "skills/mine/.system/keep.md", "skills/mine/SKILL.md"});
  CHECK(skipped(index).empty());
}

TEST_CASE("scan_tree does not enter folders a dir/** glob excludes", "[scan]") {
  // A credentials folder is listed as soon as the walk reaches it; inside an
  // excluded folder it must not be reached at all.
  TempDir dir;
  dir.write("skills/tmp/x/.sandbox-secrets/users.json", "{}");
  dir.write("skills/.system/y/.sandbox-secrets/users.json", "{}");
  dir.write("skills/mine/SKILL.md", "m");

  const auto walked = scan::scan_tree(dir.path(), roots({"skills"}));
  CHECK(skipped(walked) == SkipList{{"skills/.system/y/.sandbox-secrets", k_secrets},
                                    {"skills/tmp/x/.sandbox-secrets", k_secrets}});

  const auto pruned = scan::scan_tree(dir.path(), roots({"skills"}, {"**/tmp/**", "skills\\.system\\**"}));
  CHECK(keys(pruned) == std::vector<std::string>{"skills/mine/SKILL.md"});
  CHECK(skipped(pruned).empty());

  // A root inside an excluded folder yields nothing either.
  const auto inside = scan::scan_tree(dir.path(), roots({"skills/tmp/x"}, {"**/tmp/**"}));
  CHECK(inside.files.empty());
  CHECK(inside.skipped.empty());
}

TEST_CASE("scan_tree never indexes credentials, at any depth and in any case", "[scan]") {
  TempDir dir;
  dir.write("skills/x/auth.json", "{}");
  dir.write("skills/x/deeper/still/AUTH.JSON", "{}");
  dir.write("skills/.credentials.json", "{}");
  dir.write("skills/credentials.json", "{}");
  dir.write("skills/oauth_creds.json", "{}");
  dir.write("skills/Token.json", "{}");
  dir.write("skills/cap_sid", "x");
  dir.write("skills/.env", "KEY=1");
  dir.write("skills/.sandbox-secrets/sandbox_users.json", "{}");
  dir.write("skills/.sandbox-secrets/nested/more.json", "{}");
  dir.write("skills/auth.json.md", "docs about auth.json");
  dir.write("skills/my.env", "not the dotenv file");
  dir.write("auth.json", "{}");

  const auto index = scan::scan_tree(dir.path(), roots({"skills", "auth.json"}));
  CHECK(keys(index) == std::vector<std::string>{"skills/auth.json.md", "skills/my.env"});
  CHECK(skipped(index) == SkipList{{"auth.json", k_credential},
                                   {"skills/.credentials.json", k_credential},
                                   {"skills/.env", k_credential},
                                   {"skills/.sandbox-secrets", k_secrets},
                                   {"skills/Token.json", k_credential},
                                   {"skills/cap_sid", k_credential},
                                   {"skills/credentials.json", k_credential},
                                   {"skills/oauth_creds.json", k_credential},
                                   {"skills/x/auth.json", k_credential},
                                   {"skills/x/deeper/still/AUTH.JSON", k_credential}});
}

TEST_CASE("scan_tree refuses a root inside a credentials folder", "[scan]") {
  TempDir dir;
  dir.write(".sandbox-secrets/sandbox_users.json", "{}");
  const auto index = scan::scan_tree(dir.path(), roots({".sandbox-secrets/sandbox_users.json"}));
  CHECK(index.files.empty());
  CHECK(skipped(index) == SkipList{{".sandbox-secrets", k_secrets}});
}

TEST_CASE("is_credential_path knows the names and the secrets folder", "[scan]") {
  CHECK(scan::is_credential_path("auth.json"));
  CHECK(scan::is_credential_path("skills/x/auth.json"));
  CHECK(scan::is_credential_path("a/Auth.Json"));
  CHECK(scan::is_credential_path(".credentials.json"));
  CHECK(scan::is_credential_path("credentials.json"));
  CHECK(scan::is_credential_path("oauth_creds.json"));
  CHECK(scan::is_credential_path("token.json"));
  CHECK(scan::is_credential_path("cap_sid"));
  CHECK(scan::is_credential_path(".env"));
  CHECK(scan::is_credential_path(".sandbox-secrets/sandbox_users.json"));
  CHECK(scan::is_credential_path("x/.sandbox-secrets/a/b"));
  CHECK(scan::is_credential_path("x\\.sandbox-secrets\\a"));
  CHECK_FALSE(scan::is_credential_path("auth.json/notes.md"));
  CHECK_FALSE(scan::is_credential_path("auth.json.md"));
  CHECK_FALSE(scan::is_credential_path("my-auth.json"));
  CHECK_FALSE(scan::is_credential_path(".sandbox-secrets-notes/a"));
  CHECK_FALSE(scan::is_credential_path("skills/SKILL.md"));
  CHECK_FALSE(scan::is_credential_path(""));
}

TEST_CASE("scan_tree skips native executables by their first bytes", "[scan]") {
  TempDir dir;
  dir.write("plugins/elf", "\177ELF" + std::string(60, '\x01'));
  dir.write("plugins/tool.bin", pe_image());
  dir.write("plugins/macho64-le", bytes({0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}));
  dir.write("plugins/macho64-be", bytes({0xfe, 0xed, 0xfa, 0xcf, 1, 0, 0, 7}));
  dir.write("plugins/macho32-le", bytes({0xce, 0xfa, 0xed, 0xfe, 7, 0, 0, 0}));
  dir.write("plugins/universal", bytes({0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 1, 0, 0, 7}));
  // Kept: a Java class (same magic, version 52), MZ text without a PE
  // signature, a truncated ELF magic, a script.
  dir.write("plugins/Main.class", bytes({0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 0x1d}));
  dir.write("plugins/mz.txt", "MZ is how this note starts, and it goes on for a while longer than 64 bytes.");
  dir.write("plugins/short", "\177EL");
  dir.write("plugins/run.sh", "#!/bin/sh\necho hi\n");
  dir.write("plugins/empty", "");

  const auto index = scan::scan_tree(dir.path(), roots({"plugins"}));
  CHECK(keys(index) == std::vector<std::string>{"plugins/Main.class", "plugins/empty", "plugins/mz.txt",
                                                "plugins/run.sh", "plugins/short"});
  CHECK(skipped(index) == SkipList{{"plugins/elf", k_native},
                                   {"plugins/macho32-le", k_native},
                                   {"plugins/macho64-be", k_native},
                                   {"plugins/macho64-le", k_native},
                                   {"plugins/tool.bin", k_native},
                                   {"plugins/universal", k_native}});
}

TEST_CASE("scan_tree finds a PE signature inside the first 64 bytes too", "[scan]") {
  TempDir dir;
  std::string image(0x60, '\0');
  image[0] = 'M';
  image[1] = 'Z';
  image[0x3c] = '\x40';
  image.replace(0x40, 4, std::string("PE\0\0", 4));
  dir.write("p/near.exe", image);
  std::string broken = pe_image();
  broken[0x81] = 'X'; // "PX\0\0": not a PE image
  dir.write("p/broken", broken);
  std::string far_off = pe_image();
  far_off[0x3d] = '\x7f'; // e_lfanew past the end of the file
  dir.write("p/far", far_off);

  const auto index = scan::scan_tree(dir.path(), roots({"p"}));
  CHECK(keys(index) == std::vector<std::string>{"p/broken", "p/far"});
  CHECK(skipped(index) == SkipList{{"p/near.exe", k_native}});
}

TEST_CASE("scan_tree skips SQLite databases by header and by name", "[scan]") {
  TempDir dir;
  dir.write("m/x.dat", std::string("SQLite format 3\0", 16) + std::string(100, '\0'));
  dir.write("m/state.sqlite-wal", "wal");
  dir.write("m/state_5.sqlite", "");
  dir.write("m/goals.sqlite3-shm", "");
  dir.write("m/logs.DB-journal", "");
  dir.write("m/thread.db", "");
  dir.write("m/notes.db.txt", "kept");
  dir.write("m/sqlite.md", "kept");

  const auto index = scan::scan_tree(dir.path(), roots({"m"}));
  CHECK(keys(index) == std::vector<std::string>{"m/notes.db.txt", "m/sqlite.md"});
  CHECK(skipped(index) == SkipList{{"m/goals.sqlite3-shm", k_sqlite},
                                   {"m/logs.DB-journal", k_sqlite},
                                   {"m/state.sqlite-wal", k_sqlite},
                                   {"m/state_5.sqlite", k_sqlite},
                                   {"m/thread.db", k_sqlite},
                                   {"m/x.dat", k_sqlite}});
}

TEST_CASE("is_own_temp_name accepts exactly the apply temp shape", "[scan]") {
  CHECK(scan::is_own_temp_name(".SKILL.md.codexsync-tmp-0123456789ab"));
  CHECK(scan::is_own_temp_name("..env.codexsync-tmp-abcdefabcdef"));
  CHECK(scan::is_own_temp_name(".x.codexsync-tmp-000000000000"));
  CHECK_FALSE(scan::is_own_temp_name("..codexsync-tmp-0123456789ab"));       // no name
  CHECK_FALSE(scan::is_own_temp_name("x.codexsync-tmp-0123456789ab"));       // no leading dot
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync-tmp-0123456789AB"));      // upper-case hex
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync-tmp-0123456789a"));       // 11 digits
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync-tmp-0123456789abc"));     // 13 digits
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync-tmp-0123456789ag"));      // not hex
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync-tmp-0123456789ab.json")); // trailing text
  CHECK_FALSE(scan::is_own_temp_name(".x.codexsync_tmp_0123456789ab"));
  CHECK_FALSE(scan::is_own_temp_name("notes.tmp"));
  CHECK_FALSE(scan::is_own_temp_name(""));
}

TEST_CASE("scan_tree skips its own temp files but keeps other temp-looking names", "[scan]") {
  TempDir dir;
  dir.write("skills/.SKILL.md.codexsync-tmp-0123456789ab", "partial");
  dir.write("skills/notes.tmp", "kept");
  dir.write("skills/.x.tmp-123-abc", "kept");

  const auto index = scan::scan_tree(dir.path(), roots({"skills"}));
  CHECK(keys(index) == std::vector<std::string>{"skills/.x.tmp-123-abc", "skills/notes.tmp"});
  CHECK(skipped(index) == SkipList{{"skills/.SKILL.md.codexsync-tmp-0123456789ab", k_temp}});
}

TEST_CASE("scan_tree reports size and mtime from the file's own stat", "[scan]") {
  TempDir dir;
  const auto a = dir.write("r/a.txt", "hello");
  const auto b = dir.write("r/sub/b.bin", std::string(70'000, 'b'));
  std::error_code ec;
  constexpr std::int64_t k_mtime = 1'700'000'000'123'456'789;
  util::set_mtime_ns(a, k_mtime, ec);
  REQUIRE_FALSE(ec);

  const auto index = scan::scan_tree(dir.path(), roots({"r"}));
  REQUIRE(keys(index) == std::vector<std::string>{"r/a.txt", "r/sub/b.bin"});
  const auto* state_a = index.find("r/a.txt");
  const auto* state_b = index.find("r/sub/b.bin");
  CHECK(state_a->size == 5);
  CHECK(state_b->size == 70'000);
  const auto stat_a = util::stat_no_follow(a, ec);
  const auto stat_b = util::stat_no_follow(b, ec);
  REQUIRE(stat_a);
  REQUIRE(stat_b);
  CHECK(state_a->mtime_ns == stat_a->mtime_ns);
  CHECK(stat_a->mtime_ns / 100 == k_mtime / 100); // Windows keeps 100 ns ticks
  CHECK(state_b->mtime_ns == stat_b->mtime_ns);
  CHECK_FALSE(state_a->sha256.has_value()); // no hashing in the scan
}

TEST_CASE("scan_tree keys are UTF-8 with forward slashes, spaces kept", "[scan]") {
  TempDir dir;
  write_utf8(dir, "skills/my skill/\303\234ber stra\303\237e.md", "u");
  write_utf8(dir, "skills/\xE6\x97\xA5\xE6\x9C\xAC/\xE3\x83\x95\xE3\x82\xA1\xE3\x82\xA4\xE3\x83\xAB.md", "j");
  write_utf8(dir, "skills/ lead and trail .md", "s");

  const auto index = scan::scan_tree(dir.path(), roots({"skills"}));
  CHECK(keys(index) ==
        std::vector<std::string>{
            "skills/ lead and trail .md", "skills/my skill/\303\234ber stra\303\237e.md",
            "skills/\xE6\x97\xA5\xE6\x9C\xAC/\xE3\x83\x95\xE3\x82\xA1\xE3\x82\xA4\xE3\x83\xAB.md"});
  CHECK(skipped(index).empty());
}

CS_POSIX_ONLY("scan_tree does not follow symlinks to files or folders",
              "makes symlinks, which Windows allows only with Developer Mode or admin rights")
CS_POSIX_ONLY("scan_tree follows a base that is itself a symlink",
              "makes a symlink, which Windows allows only with Developer Mode or admin rights")
CS_POSIX_ONLY("scan_tree lists special files and names that are not UTF-8",
              "makes a FIFO (mkfifo) and a file name that is not UTF-8, which NTFS cannot hold")
CS_POSIX_ONLY("scan_tree lists unreadable files and folders and goes on",
              "takes read permission off files and folders (chmod 000)")
#ifndef _WIN32
TEST_CASE("scan_tree does not follow symlinks to files or folders", "[scan]") {
  TempDir dir;
  dir.write("outside/secret-notes.md", "must not be indexed");
  dir.write("outside/folder/deep.md", "must not be indexed");
  dir.write("base/skills/real.md", "r");
  fs::create_symlink(dir / "outside/secret-notes.md", dir / "base/skills/file-link.md");
  fs::create_directory_symlink(dir / "outside/folder", dir / "base/skills/folder-link");
  fs::create_directory_symlink(dir / "outside", dir / "base/linked-root");
  fs::create_symlink(dir / "nowhere", dir / "base/skills/dangling");

  const auto index =
      scan::scan_tree(dir / "base", roots({"skills", "linked-root", "linked-root/folder"}, {"*.lock"}));
  CHECK(keys(index) == std::vector<std::string>{"skills/real.md"});
  CHECK(skipped(index) == SkipList{{"linked-root", k_symlink},
                                   {"skills/dangling", k_symlink},
                                   {"skills/file-link.md", k_symlink},
                                   {"skills/folder-link", k_symlink}});
}

TEST_CASE("scan_tree follows a base that is itself a symlink", "[scan]") {
  TempDir dir;
  dir.write("real-codex/skills/a.md", "a");
  fs::create_directory_symlink(dir / "real-codex", dir / "codex-link");
  const auto index = scan::scan_tree(dir / "codex-link", roots({"skills"}));
  CHECK(keys(index) == std::vector<std::string>{"skills/a.md"});
}

TEST_CASE("scan_tree lists special files and names that are not UTF-8", "[scan]") {
  TempDir dir;
  dir.write("r/ok.md", "ok");
  REQUIRE(::mkfifo((dir / "r/pipe").c_str(), 0600) == 0);
  std::ofstream(dir.path() / "r" / std::string("bad\xff.md")) << "latin-1 name";

  const auto index = scan::scan_tree(dir.path(), roots({"r"}));
  CHECK(keys(index) == std::vector<std::string>{"r/ok.md"});
  CHECK(skipped(index) == SkipList{{"r/bad\\xFF.md", "name is not valid Unicode: not synced"},
                                   {"r/pipe", "not a regular file: never synced"}});
}

TEST_CASE("scan_tree lists unreadable files and folders and goes on", "[scan]") {
  if (::geteuid() == 0) {
    WARN("running as root: permissions do not stop reads, unreadable-file check skipped");
    return;
  }
  TempDir dir;
  dir.write("r/ok.md", "ok");
  const auto file = dir.write("r/locked.md", "secret");
  const auto folder = dir.mkdir("r/locked-dir");
  dir.write("r/locked-dir/inside.md", "x");
  fs::permissions(file, fs::perms::none);
  fs::permissions(folder, fs::perms::none);

  const auto index = scan::scan_tree(dir.path(), roots({"r"}));
  fs::permissions(folder, fs::perms::owner_all);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  CHECK(keys(index) == std::vector<std::string>{"r/ok.md"});
  REQUIRE(index.skipped.size() == 2);
  CHECK(index.skipped[0].path == "r/locked-dir");
  CHECK_THAT(index.skipped[0].reason, CS_CONTAINS("unreadable: "));
  CHECK(index.skipped[1].path == "r/locked.md");
  CHECK_THAT(index.skipped[1].reason, CS_CONTAINS("unreadable: "));
}
#endif

TEST_CASE("never_sync_globs: files and folders are listed as skipped, never indexed, ignoring case", "[scan]") {
  TempDir dir;
  dir.write("state/skills/a/SKILL.md", "a");
  dir.write("state/sessions/123.json", "{}");
  dir.write("state/ide/123.lock", "x");
  dir.write("state/Secrets/local.age", "x");
  dir.write("state/tmp/app/installation_id", "id");
  dir.write("state/tmp/app/chats/s.jsonl", "{}");
  dir.write("state/tmp/app/skip.me", "x");
  auto options = roots({"skills", "sessions", "ide/123.lock", "Secrets", "tmp"}, {"**/skip.me"});
  options.never_sync_globs = {"sessions/**", "ide/", "secrets/**", "installation_id", "**/skip.me"};
  const auto index = scan::scan_tree(dir / "state", options);
  CHECK(keys(index) == std::vector<std::string>{"skills/a/SKILL.md", "tmp/app/chats/s.jsonl"});
  CHECK(skipped(index) ==
        SkipList{{"Secrets", "credential or machine-specific folder: never synced"},
                 {"ide", "credential or machine-specific folder: never synced"},
                 {"sessions", "credential or machine-specific folder: never synced"},
                 {"tmp/app/installation_id", "credential or machine-specific file: never synced"}});
}

TEST_CASE("is_never_synced: the path, a folder above it, any case", "[scan]") {
  const std::vector<std::string> globs{"sessions/**", "installation_id", ".sandbox"};
  CHECK(scan::is_never_synced(globs, "sessions/1.json"));
  CHECK(scan::is_never_synced(globs, "SESSIONS/1.json"));
  CHECK(scan::is_never_synced(globs, "tmp/x/installation_id"));
  CHECK(scan::is_never_synced(globs, "a/.sandbox/b.txt"));  // a folder matched by name
  CHECK_FALSE(scan::is_never_synced(globs, "projects/sessions.json"));
  CHECK_FALSE(scan::is_never_synced(globs, "skills/a.md"));
  CHECK_FALSE(scan::is_never_synced({}, "sessions/1.json"));
}

TEST_CASE("NeverSyncFilter, compiled once, agrees with is_never_synced", "[scan]") {
  const std::vector<std::string> globs{"sessions/**", "installation_id", ".sandbox"};
  const scan::NeverSyncFilter filter(globs);
  for (const auto* path : {"sessions/1.json", "SESSIONS/1.json", "tmp/x/installation_id", "a/.sandbox/b.txt",
                           "projects/sessions.json", "skills/a.md"}) {
    CHECK(filter.matches(path) == scan::is_never_synced(globs, path));
  }
  CHECK(filter.matches("a/.sandbox/b.txt"));
  CHECK_FALSE(filter.matches("skills/a.md"));
  CHECK_FALSE(scan::NeverSyncFilter({}).matches("sessions/1.json"));
}

TEST_CASE("scan_tree does not read again the first bytes of a file known unchanged", "[scan]") {
  TempDir dir;
  const auto elf = "\177ELF" + std::string(60, '\x01');
  dir.write("plugins/tool", elf);
  dir.write("plugins/other", elf);
  std::error_code ec;
  const auto stat = util::stat_no_follow(dir.path() / "plugins" / "tool", ec);
  REQUIRE(stat);
  auto options = roots({"plugins"});
  std::vector<std::string> asked;
  options.known_file = [&](const std::string& path, std::uint64_t size, std::int64_t mtime_ns) {
    asked.push_back(path);
    return path == "plugins/tool" && size == stat->size && mtime_ns == stat->mtime_ns;
  };
  const auto index = scan::scan_tree(dir.path(), options);
  // Known with this size and mtime: indexed as it was judged before, unread.
  // The other one is read and refused as before.
  CHECK(keys(index) == std::vector<std::string>{"plugins/tool"});
  CHECK(skipped(index) == SkipList{{"plugins/other", k_native}});
  CHECK(asked.size() == 2);
  CHECK_FALSE(index.files.at("plugins/tool").sha256.has_value());
}

TEST_CASE("a file gone between the walk and the look at its first bytes is left out, not unreadable", "[scan]") {
  // The first bytes are read once the walk is done (known_file may wait for
  // the baseline): a file the agent removed meanwhile is simply not there.
  TempDir dir;
  dir.write("skills/a/SKILL.md", "a");
  dir.write("skills/b/SKILL.md", "b");
  auto options = roots({"skills"});
  options.known_file = [&](const std::string& path, std::uint64_t, std::int64_t) {
    if (path == "skills/a/SKILL.md") {
      std::filesystem::remove(dir.path() / "skills" / "a" / "SKILL.md");
    }
    return false;
  };
  const auto index = scan::scan_tree(dir.path(), options);
  CHECK(keys(index) == std::vector<std::string>{"skills/b/SKILL.md"});
  CHECK(skipped(index).empty());
}
