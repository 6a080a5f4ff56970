#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/delivery.hpp>
#include <codexsync/state/workspace_marker.hpp>
#include <codexsync/util/clock.hpp>

#include <fstream>

using namespace codexsync;
using namespace codexsync::state;

namespace {

const auto k_t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));

std::string at(int seconds) { return util::utc_timestamp(k_t0 + std::chrono::seconds(seconds)); }

DeliveryRecord record(const std::string& machine) {
  DeliveryRecord r;
  r.machine = machine;
  return r;
}

FileState fs_of(std::uint64_t size, std::optional<std::string> sha = std::nullopt) {
  return FileState{size, 1, std::move(sha)};
}

DeliveryCheck check(const std::vector<DeliveryRecord>& records, const Index& cloud,
                    const std::set<std::string>& present_elsewhere = {}, const std::set<std::string>& unavailable = {}) {
  return check_delivery(
    newest_statements(records), "me", cloud, [](const std::string& p) { return p.rfind("out/", 0) != 0; },
    [&](const std::string& p) { return present_elsewhere.count(p) != 0U; }, unavailable);
}

} // namespace

TEST_CASE("delivery: the newest statement about a path wins; ties keep both", "[state]") {
  auto a = record("a");
  auto b = record("b");
  a.files["x"] = Claim{1, "h1", at(10)};
  b.files["x"] = Claim{2, "h2", at(20)};
  a.deleted["y"] = at(30);
  b.files["y"] = Claim{3, "h3", at(20)};
  a.files["z"] = Claim{4, "h4", at(5)};
  b.files["z"] = Claim{5, "h5", at(5)};
  const auto s = newest_statements({a, b});
  REQUIRE(s.at("x").size() == 1);
  CHECK(s.at("x")[0].machine == "b");
  REQUIRE(s.at("y").size() == 1);
  CHECK_FALSE(s.at("y")[0].claim);
  CHECK(s.at("z").size() == 2);
}

TEST_CASE("delivery: what the mirror must hold (table)", "[state]") {
  auto peer = record("peer");
  peer.files["same"] = Claim{3, "aaa", at(1)};
  peer.files["missing"] = Claim{3, "aaa", at(1)};
  peer.files["smaller"] = Claim{9, "aaa", at(1)};
  peer.files["other"] = Claim{3, "aaa", at(1)};
  peer.files["unhashed"] = Claim{3, "aaa", at(1)};
  peer.files["out/x"] = Claim{3, "aaa", at(1)};       // outside this machine's roots
  peer.files["filtered"] = Claim{3, "aaa", at(1)};    // there, but not scanned here
  peer.files["evicted"] = Claim{3, "aaa", at(1)};     // an iCloud placeholder stands in
  peer.deleted["gone"] = at(1);
  peer.deleted["lingering"] = at(1);
  peer.files["mine-later"] = Claim{3, "aaa", at(1)};
  peer.files["mine-matches"] = Claim{3, "aaa", at(1)};
  peer.files["in-flux"] = Claim{3, "aaa", at(1)};
  auto me = record("me");
  me.files["mine-later"] = Claim{4, "bbb", at(2)};    // this machine wrote it last; the mirror lost it
  me.files["mine-matches"] = Claim{4, "bbb", at(2)};  // and here it still holds it
  me.files["in-flux"] = Claim{0, "", at(2)};          // a run of this machine was writing it (pending)
  Index cloud;
  cloud.files["same"] = fs_of(3, "aaa");
  cloud.files["smaller"] = fs_of(4, "aaa");
  cloud.files["other"] = fs_of(3, "ccc");
  cloud.files["unhashed"] = fs_of(3);
  cloud.files["lingering"] = fs_of(1, "x");
  cloud.files["mine-matches"] = fs_of(4, "bbb");
  cloud.files["in-flux"] = fs_of(9, "zzz");
  const auto result = check({peer, me}, cloud, {"filtered"}, {"evicted"});
  std::map<std::string, std::string> undelivered;
  for (const auto& u : result.undelivered) {
    undelivered[u.path] = u.why;
  }
  CHECK(undelivered.size() == 5);
  CHECK_THAT(undelivered["mine-later"], CS_CONTAINS("not what this machine wrote there"));
  CHECK_THAT(undelivered["missing"], CS_CONTAINS("missing; peer wrote it"));
  CHECK_THAT(undelivered["smaller"], CS_CONTAINS("4 B here, 9 B in peer's record"));
  CHECK_THAT(undelivered["other"], CS_CONTAINS("other content than peer wrote"));
  CHECK_THAT(undelivered["lingering"], CS_CONTAINS("deleted by peer"));
  CHECK(result.need_hash == std::vector<std::string>{"unhashed"});
  CHECK(result.tombstoned == std::set<std::string>{"gone"});
}

TEST_CASE("delivery: a tie between a claim and a tombstone accepts either", "[state]") {
  auto a = record("a");
  auto b = record("b");
  a.files["x"] = Claim{3, "aaa", at(1)};
  b.deleted["x"] = at(1);
  CHECK(check({a, b}, Index{}).undelivered.empty());
  Index cloud;
  cloud.files["x"] = fs_of(3, "aaa");
  CHECK(check({a, b}, cloud).undelivered.empty());
}

TEST_CASE("delivery: the next record claims writes, tombstones deletions, drops what no longer holds", "[state]") {
  auto previous = record("me");
  previous.generation = 4;
  previous.files["kept"] = Claim{3, "aaa", at(1)};
  previous.files["overwritten-by-peer"] = Claim{3, "aaa", at(1)};
  previous.files["now-deleted"] = Claim{3, "aaa", at(1)};
  previous.deleted["recreated"] = at(1);
  previous.deleted["old"] = at(-200 * 86400);
  previous.deleted["recent"] = at(-10 * 86400);
  const std::map<std::string, FileState> written{{"new", fs_of(7, "nnn")}, {"unknown-hash", fs_of(1)}};
  const std::set<std::string> deleted{"now-deleted"};
  std::map<std::string, FileState> after{{"kept", fs_of(3, "aaa")},
                                         {"overwritten-by-peer", fs_of(3, "zzz")},
                                         {"recreated", fs_of(1, "r")},
                                         {"new", fs_of(7, "nnn")}};
  const auto next = next_delivery_record(previous, "me", "run-1", k_t0, written, deleted, after);
  CHECK(next.generation == 5);
  CHECK(next.run == "run-1");
  CHECK(next.files.count("kept") == 1);
  CHECK(next.files.at("kept").at == at(1));
  CHECK(next.files.count("overwritten-by-peer") == 0);
  CHECK(next.files.at("new") == Claim{7, "nnn", at(0)});
  CHECK(next.files.count("unknown-hash") == 0);
  CHECK(next.files.count("now-deleted") == 0);
  CHECK(next.deleted.at("now-deleted") == at(0));
  CHECK(next.deleted.count("recreated") == 0);
  CHECK(next.deleted.count("old") == 0);
  CHECK(next.deleted.count("recent") == 1);
}

TEST_CASE("delivery: records round-trip; a damaged or misnamed one is a problem, not a throw", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  auto r = record("laptop");
  r.generation = 3;
  r.run = "j1";
  r.written = at(0);
  r.files["sessions/a.jsonl"] = Claim{10, "abc", at(0)};
  r.deleted["skills/x.md"] = at(0);
  write_delivery_record(dir, r);
  {
    std::ofstream(dir / "broken.json") << "{not json";
    auto other = r;
    other.machine = "someone-else";
    write_delivery_record(dir, other);
    std::filesystem::rename(dir / "someone-else.json", dir / "impostor.json");
  }
  const auto listing = read_delivery_records(dir);
  REQUIRE(listing.records.size() == 1);
  CHECK(listing.records[0].machine == "laptop");
  CHECK(listing.records[0].files == r.files);
  CHECK(listing.records[0].deleted == r.deleted);
  CHECK(listing.records[0].generation == 3);
  CHECK(listing.problems.size() == 2);
  CHECK(delivery_dir(tmp.path(), "claude") == tmp.path() / "state" / "delivery" / "claude");
  CHECK(read_delivery_records(tmp.path() / "nowhere").records.empty());
}

TEST_CASE("workspace marker: the verdict table", "[state]") {
  const MarkerRead none;
  const MarkerRead found{WorkspaceMarker{"id1", "a", ""}, ""};
  const MarkerRead damaged{std::nullopt, "damaged"};
  CHECK(judge_marker(std::nullopt, none) == MarkerVerdict::create);
  CHECK(judge_marker(std::nullopt, found) == MarkerVerdict::join);
  CHECK(judge_marker(std::string("id1"), found) == MarkerVerdict::ok);
  CHECK(judge_marker(std::string("id2"), found) == MarkerVerdict::different);
  CHECK(judge_marker(std::string("id1"), none) == MarkerVerdict::missing);
  CHECK(judge_marker(std::string("id1"), damaged) == MarkerVerdict::different);
  CHECK(judge_marker(std::nullopt, damaged) == MarkerVerdict::different);
}

TEST_CASE("workspace marker: made, read back, remembered per machine and folder", "[state]") {
  test::TempDir tmp;
  const auto workspace = tmp.path() / "cloud";
  const auto state = tmp.path() / "state";
  std::filesystem::create_directories(workspace);
  CHECK_FALSE(read_marker(workspace).marker);
  const auto marker = create_marker(workspace, "a", util::system_clock());
  const auto read = read_marker(workspace);
  REQUIRE(read.marker);
  CHECK(read.marker->id == marker.id);
  CHECK(read.marker->created_by == "a");
  CHECK_FALSE(remembered_workspace(state, "a", workspace));
  remember_workspace(state, "a", workspace, marker.id);
  remember_workspace(state, "b", workspace, "other");
  CHECK(remembered_workspace(state, "a", workspace) == marker.id);
  CHECK(remembered_workspace(state, "b", workspace) == std::string("other"));
  CHECK_FALSE(remembered_workspace(state, "a", tmp.path() / "elsewhere"));
  CHECK_FALSE(remembered_workspace(std::nullopt, "a", workspace));
}
