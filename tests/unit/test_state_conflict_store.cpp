#include "support/catch.hpp"
#include "support/hashes.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/state/conflict_store.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>
#include <codexsync/util/text.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

using namespace codexsync;
using namespace codexsync::state;
namespace fs = std::filesystem;

namespace {

const auto k_start = std::chrono::system_clock::from_time_t(1'795'000'000); // 2026-11-18T...Z

// A file of `size` bytes that are not all alike (so a one-byte change shows).
std::string some_bytes(std::size_t size, char seed) {
  std::string text;
  for (std::size_t i = 0; i < size; ++i) {
    text.push_back(static_cast<char>(seed + static_cast<char>(i % 61)));
  }
  return text;
}

ConflictEntry keep(const test::TempDir& dir, const std::string& machine, const fs::path& file,
                   const std::string& relative, const util::Clock& clock,
                   const util::OptionalSha256& expected = std::nullopt) {
  return keep_conflict_loser(dir / "cloud", machine, file, relative, Side::local, "changed on both sides",
                             expected, std::nullopt, clock);
}

void overwrite(const fs::path& file, std::string_view content) {
  std::error_code ec;
  util::write_file_atomic(file, content, ec);
  REQUIRE_FALSE(ec);
}

// The names below `dir`, hidden ones included.
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    names.insert(it->path().filename().string());
  }
  return names;
}

} // namespace

TEST_CASE("conflict store: keep, list and find give the kept bytes back", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto content = some_bytes(3 * 1024 * 1024 + 17, 'a'); // more than one copy buffer
  const auto source = dir.write("agent/sessions/2026/11/18/rollout-1.jsonl", content);
  const auto mtime_before = fs::last_write_time(source);

  const auto kept =
      keep_conflict_loser(dir / "cloud", "machine-b", source, "sessions/2026/11/18/rollout-1.jsonl",
                          Side::cloud, "changed on both sides; conflict.policy = prefer_local",
                          test::digest_of(content), util::Sha256Digest::from_hex(std::string(64, 'e')),
                          clock);
  CHECK(kept.machine == "machine-b");
  CHECK(kept.path == "sessions/2026/11/18/rollout-1.jsonl");
  CHECK(kept.loser_side == Side::cloud);
  CHECK(kept.size == content.size());
  CHECK(kept.sha256 == util::sha256_hex(content));
  CHECK(kept.kept_at == util::utc_timestamp(k_start));
  CHECK(util::starts_with(kept.id, "20261118T"));
  CHECK(kept.id.size() == std::string("20261124T101500Z-1a2b3c4d").size());
  CHECK(kept.data_file == fs::absolute(dir / "cloud/conflicts/machine-b" / kept.id / "rollout-1.jsonl"));
  CHECK(test::read_text(kept.data_file) == content);
  CHECK(fs::last_write_time(kept.data_file) == mtime_before);
  CHECK(test::read_text(source) == content); // the loser itself is left alone

  const auto json = nlohmann::json::parse(test::read_text(kept.data_file.parent_path() / "entry.json"));
  CHECK(json["format"] == "codexsync-conflict-v1");
  CHECK(json["path"] == "sessions/2026/11/18/rollout-1.jsonl");
  CHECK(json["file"] == "rollout-1.jsonl");
  CHECK(json["winner_sha256"] == std::string(64, 'e'));
  CHECK(json.dump().find(util::display_path(dir.path())) == std::string::npos); // no machine-specific path

  const auto listed = list_conflicts(dir / "cloud");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == kept.id);
  CHECK(listed[0].reason == "changed on both sides; conflict.policy = prefer_local");
  CHECK(listed[0].winner_sha256 == std::string(64, 'e'));
  CHECK(listed[0].mtime_ns == kept.mtime_ns);
  CHECK(listed[0].data_file == kept.data_file);

  const auto found = find_conflict(dir / "cloud", kept.id);
  CHECK(found.id == kept.id);
  CHECK(find_conflict(dir / "cloud", kept.id.substr(0, 8)).id == kept.id);
  CHECK_NOTHROW(verify_conflict(found));
  CHECK(names_in(dir / "cloud/conflicts/machine-b") == std::set<std::string>{kept.id}); // no temp left
}

TEST_CASE("conflict store: an empty or missing store lists nothing", "[state]") {
  test::TempDir dir;
  CHECK(list_conflicts(dir / "nowhere").empty());
  dir.mkdir("cloud/conflicts");
  const auto listing = read_conflict_store(dir / "cloud");
  CHECK(listing.entries.empty());
  CHECK(listing.damaged.empty());
  CHECK_THROWS_AS(find_conflict(dir / "cloud", "20261118T000000Z-00000000"), UsageError);
}

TEST_CASE("conflict store: two entries in the same second get distinct ids", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto a = dir.write("agent/a.jsonl", "first");
  const auto b = dir.write("agent/b.jsonl", "second");
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.insert(keep(dir, "machine-a", i % 2 == 0 ? a : b, i % 2 == 0 ? "a.jsonl" : "b.jsonl", clock).id);
  }
  CHECK(ids.size() == 20);
  CHECK(list_conflicts(dir / "cloud").size() == 20);
}

TEST_CASE("conflict store: ids are found by a unique prefix of 8 or more characters", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  const auto first = keep(dir, "machine-a", file, "a.jsonl", clock);
  const auto second = keep(dir, "machine-a", file, "a.jsonl", clock);
  clock.advance(std::chrono::hours(24 * 40));
  const auto later = keep(dir, "machine-a", file, "a.jsonl", clock);

  CHECK(find_conflict(dir / "cloud", first.id).id == first.id);
  CHECK(find_conflict(dir / "cloud", first.id.substr(0, 20)).id == first.id);
  // The month prefix is unique to the later entry.
  CHECK(find_conflict(dir / "cloud", later.id.substr(0, 8)).id == later.id);

  // "20261118T..." names both entries of that second.
  CHECK_THROWS_AS(find_conflict(dir / "cloud", first.id.substr(0, 16)), UsageError);
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", first.id.substr(0, 16)),
                    CS_CONTAINS("machine-a/" + first.id));
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", first.id.substr(0, 16)),
                    CS_CONTAINS("machine-a/" + second.id));
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", first.id.substr(0, 16)),
                    CS_CONTAINS("matches 2 conflict entries"));
  // Too short to be a prefix, and unknown ids.
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", first.id.substr(0, 7)), CS_CONTAINS("at least its first 8"));
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", "20991231T000000Z-ffffffff"),
                    CS_CONTAINS("no conflict entry"));
  CHECK_THROWS_AS(find_conflict(dir / "cloud", ""), UsageError);
}

TEST_CASE("conflict store: entries of several machines, oldest first", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  const auto b1 = keep(dir, "machine-b", file, "a.jsonl", clock);
  clock.advance(std::chrono::seconds(5));
  const auto a1 = keep(dir, "machine-a", file, "a.jsonl", clock);
  clock.advance(std::chrono::milliseconds(1));
  const auto c1 = keep(dir, "laptop", file, "a.jsonl", clock);
  clock.advance(std::chrono::seconds(1));
  const auto b2 = keep(dir, "machine-b", file, "a.jsonl", clock);

  const auto listed = list_conflicts(dir / "cloud");
  REQUIRE(listed.size() == 4);
  CHECK(listed[0].id == b1.id);
  CHECK(listed[1].id == a1.id);
  CHECK(listed[1].machine == "machine-a");
  CHECK(listed[2].id == c1.id);
  CHECK(listed[2].machine == "laptop");
  CHECK(listed[3].id == b2.id);
  CHECK(find_conflict(dir / "cloud", c1.id).machine == "laptop");
}

TEST_CASE("conflict store: a half-written entry (hidden temp folder) is invisible", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  const auto kept = keep(dir, "machine-a", file, "a.jsonl", clock);
  // What a keep killed before its rename leaves: a complete-looking entry under a hidden name.
  const auto hidden = "." + kept.id.substr(0, 17) + "abcdef01.codexsync-tmp-0123456789ab";
  fs::copy(kept.data_file.parent_path(), dir / "cloud/conflicts/machine-a" / hidden);

  const auto listing = read_conflict_store(dir / "cloud");
  REQUIRE(listing.entries.size() == 1);
  CHECK(listing.entries[0].id == kept.id);
  CHECK(listing.damaged.empty());
  CHECK_THROWS_AS(find_conflict(dir / "cloud", kept.id.substr(0, 17) + "abcdef01"), UsageError);
}

TEST_CASE("conflict store: a damaged entry is skipped by list and refused by find and verify", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/sessions/a.jsonl", "the kept bytes");
  const auto good = keep(dir, "machine-a", file, "sessions/a.jsonl", clock);
  const auto missing = keep(dir, "machine-a", file, "sessions/a.jsonl", clock);
  const auto changed = keep(dir, "machine-a", file, "sessions/a.jsonl", clock);
  const auto no_json = keep(dir, "machine-a", file, "sessions/a.jsonl", clock);
  const auto bad_json = keep(dir, "machine-a", file, "sessions/a.jsonl", clock);
  fs::remove(missing.data_file);
  overwrite(changed.data_file, "THE KEPT BYTES"); // same size
  fs::remove(no_json.data_file.parent_path() / "entry.json");
  overwrite(bad_json.data_file.parent_path() / "entry.json", "{");

  const auto listing = read_conflict_store(dir / "cloud");
  std::set<std::string> listed;
  for (const auto& e : listing.entries) {
    listed.insert(e.id);
  }
  // The size still agrees: the change is found by the hash, on restore.
  CHECK(listed == std::set<std::string>{good.id, changed.id});
  REQUIRE(listing.damaged.size() == 3);
  std::set<std::string> damaged;
  for (const auto& d : listing.damaged) {
    damaged.insert(d.id);
    CHECK(d.machine == "machine-a");
    CHECK_FALSE(d.problem.empty());
  }
  CHECK(damaged == std::set<std::string>{missing.id, no_json.id, bad_json.id});
  CHECK(list_conflicts(dir / "cloud").size() == 2);

  CHECK_THROWS_AS(find_conflict(dir / "cloud", missing.id), FailSafeError);
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", missing.id), CS_CONTAINS("a.jsonl is missing"));
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", no_json.id), CS_CONTAINS("no entry.json"));
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", bad_json.id), CS_CONTAINS("entry.json is unreadable"));
  const auto found = find_conflict(dir / "cloud", changed.id);
  CHECK_THROWS_AS(verify_conflict(found), FailSafeError);
  CHECK_THROWS_WITH(verify_conflict(found), CS_CONTAINS("damaged"));
  CHECK_NOTHROW(verify_conflict(find_conflict(dir / "cloud", good.id)));
}

TEST_CASE("conflict store: an entry.json naming another place or path is damage", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  const auto kept = keep(dir, "machine-a", file, "a.jsonl", clock);
  const auto json_file = kept.data_file.parent_path() / "entry.json";
  const auto original = nlohmann::json::parse(test::read_text(json_file));
  const auto rewrite = [&](const char* key, const nlohmann::json& value) {
    auto doc = original;
    doc[key] = value;
    overwrite(json_file, doc.dump());
  };
  for (const auto& [key, value] :
       std::vector<std::pair<const char*, nlohmann::json>>{{"path", "../../.bashrc"},
                                                           {"path", "/etc/passwd"},
                                                           {"path", "a//b"},
                                                           {"file", "../a.jsonl"},
                                                           {"machine", "machine-b"},
                                                           {"id", "20261118T000000Z-00000000"},
                                                           {"sha256", "abc"},
                                                           {"loser_side", "elsewhere"},
                                                           {"format", "codexsync-conflict-v9"}}) {
    rewrite(key, value);
    INFO(key << " = " << value.dump());
    const auto listing = read_conflict_store(dir / "cloud");
    CHECK(listing.entries.empty());
    CHECK(listing.damaged.size() == 1);
  }
  rewrite("path", "a.jsonl");
  CHECK(list_conflicts(dir / "cloud").size() == 1);
}

TEST_CASE("conflict store: a SHA-256 other than expected throws and leaves nothing", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "changed since the plan");
  CHECK_THROWS_AS(keep(dir, "machine-a", file, "a.jsonl", clock, test::digest_of("what the plan saw")),
                  FailSafeError);
  CHECK(list_conflicts(dir / "cloud").empty());
  CHECK(read_conflict_store(dir / "cloud").damaged.empty());
  CHECK(names_in(dir / "cloud/conflicts/machine-a").empty()); // no temp folder either
  CHECK(test::read_text(file) == "changed since the plan");
}

TEST_CASE("conflict store: refuses what cannot name an entry", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  CHECK_THROWS_AS(keep(dir, "machine-a", file, "../a.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "machine-a", file, "/a.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "", file, "a.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "..", file, "a.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "a/b", file, "a.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "machine-a", dir / "agent/missing.jsonl", "missing.jsonl", clock), RuntimeError);
  CHECK_THROWS_AS(keep(dir, "machine-a", dir / "agent", "agent", clock), RuntimeError); // a folder
  // A missing cloud folder is not created.
  CHECK_THROWS_WITH(keep_conflict_loser(dir / "unmounted", "machine-a", file, "a.jsonl", Side::local, "r",
                                        std::nullopt, std::nullopt, clock),
                    CS_CONTAINS("missing"));
  CHECK_FALSE(fs::exists(dir / "unmounted"));
  CHECK(list_conflicts(dir / "cloud").empty());
}

TEST_CASE("conflict store: a file named entry.json is kept beside its entry.json", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/plugins/entry.json", "{\"plugin\": true}");
  const auto kept = keep(dir, "machine-a", file, "plugins/entry.json", clock);
  CHECK(kept.data_file.filename() == "kept-entry.json");
  const auto found = find_conflict(dir / "cloud", kept.id);
  CHECK(found.path == "plugins/entry.json");
  CHECK(test::read_text(found.data_file) == "{\"plugin\": true}");
  CHECK_NOTHROW(verify_conflict(found));
}

TEST_CASE("conflict store: temp folders of killed keeps are removed after a day", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  keep(dir, "machine-a", file, "a.jsonl", clock);
  const auto machine_dir = dir / "cloud/conflicts/machine-a";
  const auto old_temp =
      dir.mkdir("cloud/conflicts/machine-a/.20261117T000000Z-00000000.codexsync-tmp-0123456789ab");
  dir.write("cloud/conflicts/machine-a/.20261117T000000Z-00000000.codexsync-tmp-0123456789ab/a.jsonl", "x");
  const auto fresh_temp =
      dir.mkdir("cloud/conflicts/machine-a/.20261118T000000Z-11111111.codexsync-tmp-0123456789ab");
  const auto other_hidden = dir.mkdir("cloud/conflicts/machine-a/.not-ours");
  // The clock says "now"; the folders' times are the file system's real ones.
  clock.set(std::chrono::system_clock::now() + std::chrono::hours(12));
  // util::set_mtime_ns, not fs::last_write_time: libstdc++ for Windows cannot
  // set a folder's time (_wutime refuses folders).
  std::error_code ec;
  const auto two_days_ago = std::chrono::system_clock::now() - std::chrono::hours(48);
  util::set_mtime_ns(old_temp,
                     std::chrono::duration_cast<std::chrono::nanoseconds>(two_days_ago.time_since_epoch()).count(),
                     ec);
  REQUIRE_FALSE(ec);
  keep(dir, "machine-a", file, "a.jsonl", clock);
  CHECK_FALSE(fs::exists(old_temp));
  CHECK(fs::exists(fresh_temp));
  CHECK(fs::exists(other_hidden));
  CHECK(list_conflicts(dir / "cloud").size() == 2);
}

CS_POSIX_ONLY("conflict store: never follows links",
              "makes symlinks, which Windows allows only with Developer Mode or admin rights")
#ifndef _WIN32
TEST_CASE("conflict store: never follows links", "[state]") {
  test::TempDir dir;
  dir.mkdir("cloud");
  util::ManualClock clock(k_start);
  const auto file = dir.write("agent/a.jsonl", "x");
  // A link as the loser is refused.
  fs::create_symlink(file, dir / "agent/link.jsonl");
  CHECK_THROWS_AS(keep(dir, "machine-a", dir / "agent/link.jsonl", "link.jsonl", clock), RuntimeError);

  // A machine folder that is a link is neither written nor read through.
  dir.mkdir("elsewhere/machine-x");
  dir.mkdir("cloud/conflicts");
  fs::create_directory_symlink(dir / "elsewhere/machine-x", dir / "cloud/conflicts/machine-x");
  CHECK_THROWS_WITH(keep(dir, "machine-x", file, "a.jsonl", clock), CS_CONTAINS("never follows links"));
  CHECK(names_in(dir / "elsewhere/machine-x").empty());

  // An entry folder or a data file that is a link is damage.
  const auto kept = keep(dir, "machine-a", file, "a.jsonl", clock);
  const auto copy = dir.mkdir("elsewhere/entry");
  fs::copy(kept.data_file.parent_path(), copy);
  fs::create_directory_symlink(copy, dir / "cloud/conflicts/machine-a/20261118T000000Z-22222222");
  const auto other = keep(dir, "machine-a", file, "a.jsonl", clock);
  fs::remove(other.data_file);
  fs::create_symlink(file, other.data_file);

  const auto listing = read_conflict_store(dir / "cloud");
  REQUIRE(listing.entries.size() == 1);
  CHECK(listing.entries[0].id == kept.id);
  CHECK(listing.damaged.size() == 3); // machine-x, the linked entry, the linked data file
  CHECK_THROWS_AS(find_conflict(dir / "cloud", "20261118T000000Z-22222222"), FailSafeError);
  CHECK_THROWS_WITH(find_conflict(dir / "cloud", other.id), CS_CONTAINS("is a link"));
}
#endif
