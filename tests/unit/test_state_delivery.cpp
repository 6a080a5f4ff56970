#include "support/catch.hpp"
#include "support/hashes.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/delivery.hpp>
#include <codexsync/state/workspace_marker.hpp>
#include <codexsync/util/clock.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
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

// `sha`: a label for test::digest_of.
FileState fs_of(std::uint64_t size, std::optional<std::string> sha = std::nullopt) {
  return FileState{size, 1, sha ? util::OptionalSha256(test::digest_of(*sha)) : std::nullopt};
}

// A claim of the content test::digest_of(`label`); "" for a pending one.
Claim claim(std::uint64_t size, const std::string& label, std::string when) {
  return Claim{size, label.empty() ? util::OptionalSha256() : test::digest_of(label), std::move(when)};
}

DeliveryCheck check(const std::vector<DeliveryRecord>& records, const Index& cloud,
                    const std::set<std::string>& present_elsewhere = {}, const std::set<std::string>& unavailable = {}) {
  return check_delivery(
    records, "me", cloud, [](const std::string& p) { return p.rfind("out/", 0) != 0; },
    [&](const std::string& p) { return present_elsewhere.count(p) != 0U; }, unavailable);
}

// What the DOM writer (before streaming) wrote for a record: the compatibility reference.
std::string dom_dump(const DeliveryRecord& r, int indent = -1) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, claim] : r.files) {
    const auto hash = claim.sha256 ? claim.sha256->hex() : std::string();  // "" while pending
    files[path] = {{"size", claim.size}, {"sha256", hash}, {"at", claim.at}};
  }
  nlohmann::json deleted = nlohmann::json::object();
  for (const auto& [path, when] : r.deleted) {
    deleted[path] = {{"at", when}};
  }
  const nlohmann::json doc{{"format", "codexsync-delivery-v1"}, {"machine", r.machine}, {"generation", r.generation},
                           {"run", r.run}, {"written", r.written}, {"files", std::move(files)},
                           {"deleted", std::move(deleted)}};
  return doc.dump(indent);
}

// A record with every kind of name JSON has to escape.
DeliveryRecord awkward_record() {
  auto r = record("laptop");
  r.generation = 18'446'744'073'709'551'615ULL;
  r.run = "20260101-000000-\"quoted\"";
  r.written = at(0);
  r.files[R"(quotes "x" and back\slash.md)"] = claim(10, std::string(64, 'a'), at(1));
  r.files["tab\tnew\nline\rcr\bbs\fff"] = claim(0, std::string(64, 'b'), at(2));
  r.files[std::string("nul\0and\x01\x1f\x7f", 10)] = claim(1, "c", at(3));
  r.files["caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80 emoji.md"] = claim(2, "d", at(4));
  r.files["slash/and spaces /%25"] = claim(3, "", at(5));  // a pending claim
  r.deleted[R"(gone "too"\)"] = at(6);
  r.deleted["\xE2\x82\xAC"] = at(7);
  return r;
}

void check_same(const DeliveryRecord& a, const DeliveryRecord& b) {
  CHECK(a.machine == b.machine);
  CHECK(a.generation == b.generation);
  CHECK(a.run == b.run);
  CHECK(a.written == b.written);
  CHECK(a.files == b.files);
  CHECK(a.deleted == b.deleted);
}

} // namespace

TEST_CASE("delivery: the newest statement about a path wins; ties keep both", "[state]") {
  auto a = record("a");
  auto b = record("b");
  a.files["x"] = claim(1, "h1", at(10));
  b.files["x"] = claim(2, "h2", at(20));
  a.deleted["y"] = at(30);
  b.files["y"] = claim(3, "h3", at(20));
  a.files["z"] = claim(4, "h4", at(5));
  b.files["z"] = claim(5, "h5", at(5));
  const auto s = newest_statements({a, b});
  REQUIRE(s.at("x").size() == 1);
  CHECK(s.at("x")[0].machine == "b");
  REQUIRE(s.at("y").size() == 1);
  CHECK_FALSE(s.at("y")[0].claim);
  CHECK(s.at("z").size() == 2);
}

TEST_CASE("delivery: what the mirror must hold (table)", "[state]") {
  auto peer = record("peer");
  peer.files["same"] = claim(3, "aaa", at(1));
  peer.files["missing"] = claim(3, "aaa", at(1));
  peer.files["smaller"] = claim(9, "aaa", at(1));
  peer.files["other"] = claim(3, "aaa", at(1));
  peer.files["unhashed"] = claim(3, "aaa", at(1));
  peer.files["out/x"] = claim(3, "aaa", at(1));       // outside this machine's roots
  peer.files["filtered"] = claim(3, "aaa", at(1));    // there, but not scanned here
  peer.files["evicted"] = claim(3, "aaa", at(1));     // an iCloud placeholder stands in
  peer.deleted["gone"] = at(1);
  peer.deleted["lingering"] = at(1);
  peer.files["mine-later"] = claim(3, "aaa", at(1));
  peer.files["mine-matches"] = claim(3, "aaa", at(1));
  peer.files["in-flux"] = claim(3, "aaa", at(1));
  // A peer's run appending in place from 5 bytes did not finish: taken only at 5 bytes.
  peer.files["appending-untouched"] = claim(5, "", at(3));
  peer.files["appending-part"] = claim(5, "", at(3));
  peer.files["appending-gone"] = claim(5, "", at(3));
  auto me = record("me");
  me.files["mine-later"] = claim(4, "bbb", at(2));    // this machine wrote it last; the mirror lost it
  me.files["mine-matches"] = claim(4, "bbb", at(2));  // and here it still holds it
  me.files["in-flux"] = claim(0, "", at(2));          // a run of this machine was writing it (pending)
  me.files["mine-appending"] = claim(5, "", at(2));   // this machine's own: its next sync cuts the tail back
  Index cloud;
  cloud.files["same"] = fs_of(3, "aaa");
  cloud.files["smaller"] = fs_of(4, "aaa");
  cloud.files["other"] = fs_of(3, "ccc");
  cloud.files["unhashed"] = fs_of(3);
  cloud.files["lingering"] = fs_of(1, "x");
  cloud.files["mine-matches"] = fs_of(4, "bbb");
  cloud.files["in-flux"] = fs_of(9, "zzz");
  cloud.files["appending-untouched"] = fs_of(5, "old");
  cloud.files["appending-part"] = fs_of(7, "old+part");
  cloud.files["mine-appending"] = fs_of(7, "old+part");
  const std::vector<DeliveryRecord> records{peer, me};  // need_hash views their paths: kept alive
  const auto result = check(records, cloud, {"filtered"}, {"evicted"});
  std::map<std::string, std::string> undelivered;
  for (const auto& u : result.undelivered) {
    undelivered[u.path] = u.why;
  }
  CHECK(undelivered.size() == 5);
  std::map<std::string, std::string> in_flux;
  for (const auto& u : result.in_flux) {
    in_flux[u.path] = u.why;
  }
  CHECK(in_flux.size() == 2);
  CHECK_THAT(in_flux["appending-part"],
             CS_CONTAINS("7 B here; a sync of peer that began at " + at(3) + " was appending to it from 5 B"));
  CHECK_THAT(in_flux["appending-gone"], CS_CONTAINS("missing here; a sync of peer"));
  CHECK_THAT(undelivered["mine-later"], CS_CONTAINS("not what this machine wrote there"));
  CHECK_THAT(undelivered["missing"], CS_CONTAINS("missing; peer wrote it"));
  CHECK_THAT(undelivered["smaller"], CS_CONTAINS("4 B here, 9 B in peer's record"));
  CHECK_THAT(undelivered["other"], CS_CONTAINS("other content than peer wrote"));
  CHECK_THAT(undelivered["lingering"], CS_CONTAINS("deleted by peer"));
  CHECK(result.need_hash == std::vector<std::string_view>{"unhashed"});
  CHECK(result.tombstoned == std::set<std::string>{"gone"});
}

TEST_CASE("delivery: a tie between a claim and a tombstone accepts either", "[state]") {
  auto a = record("a");
  auto b = record("b");
  a.files["x"] = claim(3, "aaa", at(1));
  b.deleted["x"] = at(1);
  CHECK(check({a, b}, Index{}).undelivered.empty());
  Index cloud;
  cloud.files["x"] = fs_of(3, "aaa");
  CHECK(check({a, b}, cloud).undelivered.empty());
}

TEST_CASE("delivery: the next record claims writes, tombstones deletions, drops what no longer holds", "[state]") {
  auto previous = record("me");
  previous.generation = 4;
  previous.files["kept"] = claim(3, "aaa", at(1));
  previous.files["overwritten-by-peer"] = claim(3, "aaa", at(1));
  previous.files["now-deleted"] = claim(3, "aaa", at(1));
  previous.deleted["recreated"] = at(1);
  previous.deleted["old"] = at(-200 * 86400);
  previous.deleted["recent"] = at(-10 * 86400);
  previous.deleted["rewritten"] = at(-10 * 86400);
  const FileState fresh = fs_of(7, "nnn");
  const FileState unhashed = fs_of(1);
  const FileState again = fs_of(2, "rw");
  const WrittenFiles written{{"new", &fresh}, {"rewritten", &again}, {"unknown-hash", &unhashed}};
  const std::set<std::string> deleted{"now-deleted"};
  std::map<std::string, FileState> after{{"kept", fs_of(3, "aaa")},
                                         {"overwritten-by-peer", fs_of(3, "zzz")},
                                         {"recreated", fs_of(1, "r")},
                                         {"new", fs_of(7, "nnn")}};
  const auto next = next_delivery_record(previous, "me", "run-1", k_t0, written, deleted,
                                         [&](const std::string& path) -> const FileState* {
                                           const auto it = after.find(path);
                                           return it == after.end() ? nullptr : &it->second;
                                         });
  CHECK(next.generation == 5);
  CHECK(next.run == "run-1");
  CHECK(next.files.count("kept") == 1);
  CHECK(next.files.at("kept").at == at(1));
  CHECK(next.files.count("overwritten-by-peer") == 0);
  CHECK(next.files.at("new") == claim(7, "nnn", at(0)));
  CHECK(next.files.count("unknown-hash") == 0);
  CHECK(next.files.count("now-deleted") == 0);
  CHECK(next.deleted.at("now-deleted") == at(0));
  CHECK(next.deleted.count("recreated") == 0);
  CHECK(next.deleted.count("old") == 0);
  CHECK(next.deleted.count("recent") == 1);
  CHECK(next.deleted.count("rewritten") == 0);  // written again: a claim, no tombstone
  CHECK(next.files.at("rewritten") == claim(2, "rw", at(0)));
  CHECK(find_written(written, "rewritten") == &again);
  CHECK(find_written(written, "rewritte") == nullptr);
  CHECK(find_written(written, "zzz") == nullptr);
  CHECK(find_written(WrittenFiles{}, "new") == nullptr);
}

TEST_CASE("delivery: records round-trip; a damaged or misnamed one is a problem, not a throw", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  auto r = record("laptop");
  r.generation = 3;
  r.run = "j1";
  r.written = at(0);
  r.files["sessions/a.jsonl"] = claim(10, "abc", at(0));
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

TEST_CASE("delivery: awkward names round-trip, written byte for byte as the DOM writer did", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  const auto r = awkward_record();
  write_delivery_record(dir, r);
  const auto text = test::read_text(dir / "laptop.json");
  CHECK(text == dom_dump(r));
  const auto listing = read_delivery_records(dir);
  REQUIRE(listing.problems.empty());
  REQUIRE(listing.records.size() == 1);
  check_same(listing.records[0], r);

  // An empty record too.
  write_delivery_record(dir, record("laptop"));
  CHECK(test::read_text(dir / "laptop.json") == dom_dump(record("laptop")));
}

TEST_CASE("delivery: records written by the DOM writer (any layout, unknown keys) read the same", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  std::filesystem::create_directories(dir);
  const auto r = awkward_record();
  std::ofstream(dir / "laptop.json") << dom_dump(r, 2);
  // A later version's extra keys, at every level, are skipped.
  auto doc = nlohmann::json::parse(dom_dump(r));
  doc["comment"] = {{"nested", {1, 2, {{"files", nullptr}}}}, {"at", "x"}};
  doc["list"] = nlohmann::json::array({nlohmann::json::object(), nlohmann::json::array()});
  doc["files"].begin()->emplace("mode", 420);
  doc["files"].begin()->emplace("extra", nlohmann::json{{"size", "not a number"}});
  doc["deleted"].begin()->emplace("by", "someone");
  doc["deleted"].begin()->emplace("size", "ignored in a tombstone");
  doc["machine"] = "desktop";
  std::ofstream(dir / "desktop.json") << doc.dump();
  const auto listing = read_delivery_records(dir);
  INFO((listing.problems.empty() ? "" : listing.problems.front()));
  REQUIRE(listing.problems.empty());
  REQUIRE(listing.records.size() == 2);
  auto desktop = r;
  desktop.machine = "desktop";
  check_same(listing.records[0], desktop);
  check_same(listing.records[1], r);
}

TEST_CASE("delivery: a record of the wrong shape is a problem naming why, not a throw", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  std::filesystem::create_directories(dir);
  const auto good = nlohmann::json::parse(dom_dump(awkward_record()));
  const auto first_path = good["files"].begin().key();
  const auto first_tomb = good["deleted"].begin().key();
  const std::string k_not_a_hash = R"(" in "files" is not 64 lower-case hex digits)";
  std::string upper_hex = test::hex_of("x");
  for (auto& c : upper_hex) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> mutations{
    {"unknown format", [](nlohmann::json& d) { d["format"] = "codexsync-delivery-v9"; }},
    {"unknown format", [](nlohmann::json& d) { d.erase("format"); }},
    {"\"format\" has the wrong type", [](nlohmann::json& d) { d["format"] = 1; }},
    {"no \"machine\"", [](nlohmann::json& d) { d.erase("machine"); }},
    {"\"machine\" has the wrong type", [](nlohmann::json& d) { d["machine"] = nlohmann::json::array(); }},
    {"\"generation\" has the wrong type", [](nlohmann::json& d) { d["generation"] = -1; }},
    {"\"generation\" has the wrong type", [](nlohmann::json& d) { d["generation"] = "3"; }},
    {"\"run\" has the wrong type", [](nlohmann::json& d) { d["run"] = nullptr; }},
    {"no \"files\"", [](nlohmann::json& d) { d.erase("files"); }},
    {"no \"deleted\"", [](nlohmann::json& d) { d.erase("deleted"); }},
    {"\"files\" has the wrong type", [](nlohmann::json& d) { d["files"] = nlohmann::json::array(); }},
    {"\"deleted\" has the wrong type", [](nlohmann::json& d) { d["deleted"] = 0; }},
    {"is not an object", [&](nlohmann::json& d) { d["files"][first_path] = 5; }},
    {"is not an object", [&](nlohmann::json& d) { d["deleted"][first_tomb] = nlohmann::json::array(); }},
    {"lacks \"sha256\"", [&](nlohmann::json& d) { d["files"][first_path].erase("sha256"); }},
    {"lacks \"size\"", [&](nlohmann::json& d) { d["files"][first_path].erase("size"); }},
    {"lacks \"at\"", [&](nlohmann::json& d) { d["deleted"][first_tomb].erase("at"); }},
    {"\"size\" of", [&](nlohmann::json& d) { d["files"][first_path]["size"] = 1.5; }},
    {"\"size\" of", [&](nlohmann::json& d) { d["files"][first_path]["size"] = -3; }},
    {"\"sha256\" of", [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = nlohmann::json::object(); }},
    // A hash is 64 lower-case hex digits ("" is a pending claim): anything
    // else is damage, never compared as text nor cut to fit.
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = "abc"; }},
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = upper_hex; }},
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = test::hex_of("x") + "0"; }},
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = std::string(64, '0'); }},
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = " " + upper_hex.substr(1); }},
    {k_not_a_hash, [&](nlohmann::json& d) { d["files"][first_path]["sha256"] = test::hex_of("x") + "\n"; }},
    {"\"at\" of", [&](nlohmann::json& d) { d["deleted"][first_tomb]["at"] = true; }},
    {"unknown format", [](nlohmann::json& d) { d = nlohmann::json::array({d}); }},
    {"unknown format", [](nlohmann::json& d) { d = "laptop"; }},
  };
  for (const auto& [why, mutate] : mutations) {
    auto doc = good;
    mutate(doc);
    std::ofstream(dir / "laptop.json", std::ios::trunc) << doc.dump();
    const auto listing = read_delivery_records(dir);
    INFO(doc.dump().substr(0, 300));
    CHECK(listing.records.empty());
    REQUIRE(listing.problems.size() == 1);
    CHECK_THAT(listing.problems[0], CS_CONTAINS("laptop.json: damaged ("));
    CHECK_THAT(listing.problems[0], CS_CONTAINS(why));
  }
  // Not JSON at all, cut short, or followed by more.
  const auto text = good.dump();
  for (const auto& bad : {text.substr(0, text.size() / 2), text + "{}", std::string(), std::string("\xFF"),
                          std::string(R"({"format":"codexsync-delivery-v1","machine":"laptop","files":{},)"
                                      "\"deleted\":{\"\xC3\x28\":{\"at\":\"x\"}}}")}) {
    std::ofstream(dir / "laptop.json", std::ios::trunc) << bad;
    const auto listing = read_delivery_records(dir);
    INFO(bad.substr(0, 100));
    CHECK(listing.records.empty());
    REQUIRE(listing.problems.size() == 1);
    CHECK_THAT(listing.problems[0], CS_CONTAINS("laptop.json: damaged ("));
  }
}

TEST_CASE("delivery: a path that is not UTF-8 is left out of the record, which stays readable", "[state]") {
  test::TempDir tmp;
  const auto dir = delivery_dir(tmp.path(), "");
  auto r = record("laptop");
  r.files["ok"] = claim(1, "a", at(0));
  r.files["bad\xFF"] = claim(1, "a", at(0));
  r.files["zz-ok"] = claim(2, "b", at(0));
  r.deleted["bad\xC3"] = at(0);
  r.deleted["gone"] = at(0);
  write_delivery_record(dir, r);
  const auto listing = read_delivery_records(dir);
  REQUIRE(listing.problems.empty());
  REQUIRE(listing.records.size() == 1);
  CHECK(listing.records[0].files.size() == 2);
  CHECK(listing.records[0].files.count("zz-ok") == 1);
  CHECK(listing.records[0].deleted == std::map<std::string, std::string>{{"gone", at(0)}});
}

TEST_CASE("delivery: same_statements tells a feed that gives the record's statements from one that does not", "[state]") {
  auto r = record("me");
  r.files["a"] = claim(1, "aaa", at(1));
  r.files["b"] = claim(2, "bbb", at(1));
  r.deleted["c"] = at(2);
  const auto feed_of = [](const DeliveryRecord& from) {
    return [from](const TombstoneSink* tombstone, const ClaimSink* claim) {
      for (const auto& [path, when] : from.deleted) {
        if (tombstone != nullptr) {
          (*tombstone)(path, when);
        }
      }
      for (const auto& [path, c] : from.files) {
        if (claim != nullptr) {
          (*claim)(path, c);
        }
      }
    };
  };
  CHECK(same_statements(r, feed_of(r)));
  auto other = r;
  other.files["b"] = claim(2, "bbb", at(3));  // another date
  CHECK_FALSE(same_statements(r, feed_of(other)));
  other = r;
  other.files.erase("b");  // one claim fewer
  CHECK_FALSE(same_statements(r, feed_of(other)));
  other = r;
  other.deleted["d"] = at(2);  // one tombstone more
  CHECK_FALSE(same_statements(r, feed_of(other)));
  CHECK_FALSE(same_statements(r, feed_of(record("me"))));
}
