#include "support/catch.hpp"
#include "support/hashes.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/util/fs.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

using namespace codexsync;
using namespace codexsync::state;

namespace {

BaselineFile file_in(const test::TempDir& dir, std::string machine = "machine-a", std::string install = "") {
  return BaselineFile{.path = dir / "state/baseline.json",
                      .machine = std::move(machine),
                      .install_id = std::move(install),
                      .local_root = dir / "local",
                      .cloud_root = dir / "cloud"};
}

// A v2 header line for file_in(dir, machine), claiming `count` entries.
std::string v2_header(const test::TempDir& dir, std::size_t count, const std::string& machine = "machine-a") {
  const nlohmann::json head{{"format", "codexsync-baseline-v2"},
                            {"machine", machine},
                            {"install_id", ""},
                            {"local_root", util::display_path(dir / "local")},
                            {"cloud_root", util::display_path(dir / "cloud")},
                            {"count", count}};
  return head.dump() + "\n";
}

// A v1 file (one pretty-printed JSON document, as versions before v2 wrote it).
std::string v1_text(const test::TempDir& dir, const nlohmann::json& files, const std::string& machine = "machine-a",
                    const std::string& install = "") {
  const nlohmann::json doc{{"format", "codexsync-baseline-v1"},
                           {"machine", machine},
                           {"install_id", install},
                           {"local_root", util::display_path(dir / "local")},
                           {"cloud_root", util::display_path(dir / "cloud")},
                           {"files", files}};
  return doc.dump(1);
}

} // namespace

TEST_CASE("baseline: save then load gives the same entries", "[state]") {
  test::TempDir dir;
  Baseline baseline;
  baseline["skills/a.md"] =
    BaselineEntry{FileState{3, 1'700'000'000'123'456'789, test::digest_of("ab")}, FileState{3, 5, {}}};
  baseline["sessions/x.jsonl"] = BaselineEntry{std::nullopt, FileState{9, 7, test::digest_of("cd")}};
  save_baseline(file_in(dir), baseline);
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  REQUIRE(loaded.baseline.size() == 2);
  const auto& a = loaded.baseline.at("skills/a.md");
  CHECK(a.local->mtime_ns == 1'700'000'000'123'456'789);
  CHECK(a.local->sha256 == test::digest_of("ab"));
  CHECK_FALSE(a.cloud->sha256.has_value());
  CHECK_FALSE(loaded.baseline.at("sessions/x.jsonl").local.has_value());
}

TEST_CASE("baseline: missing, damaged or foreign files mean a first sync", "[state]") {
  test::TempDir dir;
  CHECK_THAT(load_baseline(file_in(dir)).note, CS_CONTAINS("first sync"));

  dir.write("state/baseline.json", "{ not json");
  auto loaded = load_baseline(file_in(dir));
  CHECK_FALSE(loaded.usable);
  CHECK(loaded.baseline.empty());
  CHECK_THAT(loaded.note, CS_CONTAINS("is damaged"));

  Baseline one{{"a", BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}}}};
  save_baseline(file_in(dir, "machine-b"), one);
  loaded = load_baseline(file_in(dir, "machine-a"));
  CHECK_FALSE(loaded.usable);
  CHECK(loaded.baseline.empty());
  CHECK_THAT(loaded.note, CS_CONTAINS("written by machine \"machine-b\""));

  auto other_roots = file_in(dir, "machine-b");
  other_roots.cloud_root = dir / "elsewhere";
  loaded = load_baseline(other_roots);
  CHECK_FALSE(loaded.usable);
  CHECK_THAT(loaded.note, CS_CONTAINS("describes other folders"));
}

TEST_CASE("baseline: a malformed entry is dropped, the rest kept", "[state]") {
  test::TempDir dir;
  const auto f = file_in(dir);
  dir.write("state/baseline.json",
            R"({"format":"codexsync-baseline-v1","machine":"machine-a","local_root":")" +
              (dir / "local").generic_string() + R"(","cloud_root":")" + (dir / "cloud").generic_string() +
              R"(","files":{"good":{"local":{"size":1,"mtime_ns":2},"cloud":null},)"
              R"("bad":{"local":{"size":"x"}},"worse":7}})");
  const auto loaded = load_baseline(f);
  REQUIRE(loaded.usable);
  CHECK(loaded.baseline.size() == 1);
  CHECK(loaded.baseline.count("good") == 1);
}

TEST_CASE("baseline path: beside the manifest, else in temp_dir", "[state]") {
  CHECK(baseline_path("/w/.tmp", std::filesystem::path("/w/state/manifest.json"), "m") ==
        std::filesystem::path("/w/state/manifest.m.json"));
  CHECK(baseline_path("/w/.tmp", std::nullopt, "m") == std::filesystem::path("/w/.tmp/state/baseline.m.json"));
}

TEST_CASE("baseline: another computer using the same machine id is told apart", "[state]") {
  test::TempDir dir;
  const Baseline one{{"a", BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}}}};
  save_baseline(file_in(dir, "machine-a", "install-1"), one);
  CHECK(load_baseline(file_in(dir, "machine-a", "install-1")).usable);
  const auto other = load_baseline(file_in(dir, "machine-a", "install-2"));
  CHECK(other.other_install);
  CHECK_FALSE(other.usable);
  CHECK_THAT(other.note, CS_CONTAINS("another computer that uses the machine id \"machine-a\""));
}

TEST_CASE("install id: made once, then the same", "[state]") {
  test::TempDir dir;
  const auto first = install_id(dir / "state");
  CHECK(first.size() == 32);
  CHECK(install_id(dir / "state") == first);
  CHECK(install_id(std::nullopt).empty());
}

TEST_CASE("install id: two first runs at once agree on one id", "[state]") {
  test::TempDir dir;
  // The second caller finds the first one's file and takes its id.
  const auto first = install_id(dir / "state");
  const auto second = install_id(dir / "state");
  CHECK(first == second);
  // No candidate files are left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "state")) {
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("baseline: awkward names, absent sides and missing hashes survive a round trip", "[state]") {
  test::TempDir dir;
  const auto hash = test::digest_of("f");
  Baseline baseline;
  baseline["tab\there"] = BaselineEntry{FileState{1, 2, hash}, std::nullopt};
  baseline["new\nline and\r\nCRLF"] = BaselineEntry{std::nullopt, FileState{3, 4, {}}};
  baseline["100% sure %25 %0A %zz %"] = BaselineEntry{FileState{5, 6, {}}, FileState{5, 6, hash}};
  baseline[R"(quotes "x" and back\slash)"] = BaselineEntry{FileState{0, 0, {}}, FileState{0, -1, {}}};
  baseline["caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80 emoji.md"] =
    BaselineEntry{FileState{7, 8, hash}, FileState{7, 8, hash}};
  baseline["  spaces  /x y.txt "] = BaselineEntry{FileState{9, 10, {}}, FileState{9, 10, {}}};
  baseline["end 3"] = BaselineEntry{FileState{11, 12, {}}, std::nullopt};  // looks like the end line
  baseline["-"] = BaselineEntry{FileState{13, 14, {}}, std::nullopt};      // looks like an absent side
  baseline["extremes"] = BaselineEntry{FileState{UINT64_MAX, INT64_MAX, {}}, FileState{0, INT64_MIN, {}}};
  save_baseline(file_in(dir), baseline);
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  CHECK(loaded.note.empty());
  REQUIRE(loaded.baseline.size() == baseline.size());
  for (const auto& [path, entry] : baseline) {
    INFO(path);
    REQUIRE(loaded.baseline.count(path) == 1);
    const auto& got = loaded.baseline.at(path);
    const auto same = [](const std::optional<FileState>& a, const std::optional<FileState>& b) {
      return a.has_value() == b.has_value() &&
             (!a || (a->size == b->size && a->mtime_ns == b->mtime_ns && a->sha256 == b->sha256));
    };
    CHECK(same(got.local, entry.local));
    CHECK(same(got.cloud, entry.cloud));
  }
}

TEST_CASE("baseline v2: a header line, one sorted line per path with escapes, an end line", "[state]") {
  test::TempDir dir;
  Baseline baseline;
  baseline["b\tc"] = BaselineEntry{FileState{1, 2, test::digest_of("b")}, std::nullopt};
  baseline["a%\n"] = BaselineEntry{std::nullopt, FileState{3, -4, {}}};
  baseline["nothing"] = BaselineEntry{};  // neither side: written, read back as never synced
  save_baseline(file_in(dir, "machine-a", "install-1"), baseline);
  const auto text = test::read_text(dir / "state/baseline.json");
  const auto newline = text.find('\n');
  const auto head = nlohmann::json::parse(text.substr(0, newline));
  CHECK(head.at("format") == "codexsync-baseline-v2");
  CHECK(head.at("machine") == "machine-a");
  CHECK(head.at("install_id") == "install-1");
  CHECK(head.at("local_root") == util::display_path(dir / "local"));
  CHECK(head.at("cloud_root") == util::display_path(dir / "cloud"));
  CHECK(head.at("count") == 3);
  CHECK(text.substr(newline + 1) == "a%25%0A\t-\t3:-4\n"
                                    "b%09c\t1:2:" + test::hex_of("b") + "\t-\n"
                                    "nothing\t-\t-\n"
                                    "end 3\n");
  const auto loaded = load_baseline(file_in(dir, "machine-a", "install-1"));
  REQUIRE(loaded.usable);
  CHECK(loaded.baseline.size() == 2);
  CHECK(loaded.baseline.count("nothing") == 0);
}

TEST_CASE("baseline v2: a file cut short or added to is damaged, so a first sync", "[state]") {
  test::TempDir dir;
  const auto entries = std::string("a\t1:2\t1:2\n") + "b\t3:4:" + test::hex_of("b") + "\t-\n";
  const auto damaged = [&](const std::string& text) {
    dir.write("state/baseline.json", text);
    const auto loaded = load_baseline(file_in(dir));
    INFO(text);
    CHECK_FALSE(loaded.usable);
    CHECK(loaded.baseline.empty());
    CHECK_FALSE(loaded.other_install);
    CHECK_THAT(loaded.note, CS_CONTAINS("is damaged: treated as a first sync"));
  };
  // The complete file loads.
  dir.write("state/baseline.json", v2_header(dir, 2) + entries + "end 2\n");
  REQUIRE(load_baseline(file_in(dir)).usable);
  REQUIRE(load_baseline(file_in(dir)).baseline.size() == 2);
  damaged(v2_header(dir, 2) + entries);                      // no end line
  damaged(v2_header(dir, 2) + "a\t1:2\t1:2\nb\t3:4:a");       // cut inside a line
  damaged(v2_header(dir, 2) + "a\t1:2\t1:2\n");               // cut at a line's end
  damaged(v2_header(dir, 2) + entries + "end 3\n");          // end line disagrees
  damaged(v2_header(dir, 3) + entries + "end 3\n");          // a line missing
  damaged(v2_header(dir, 1) + entries + "end 1\n");          // a line too many
  damaged(v2_header(dir, 2) + entries + "end 2\nc\t1:1\t-\n");  // more after the end
  damaged(v2_header(dir, 2) + entries + "end\n");            // end without a count
  damaged(v2_header(dir, 2).substr(0, 40));                 // cut inside the header
  damaged("");                                               // empty
  auto no_count = v2_header(dir, 2);
  no_count.replace(no_count.find(R"("count":2)"), 9, R"("count":"2")");
  damaged(no_count + entries + "end 2\n");
}

TEST_CASE("baseline v2: a malformed line drops that path only", "[state]") {
  test::TempDir dir;
  const std::string lines = "good\t1:2\t-\n"
                            "no-tabs\n"
                            "one\ttab\n"
                            "three\t1:2\t1:2\textra\n"
                            "bad-size\tx:2\t-\n"
                            "negative-size\t-1:2\t-\n"
                            "bad-mtime\t1:2x\t-\n"
                            "bad-hash\t1:2:ABC\t-\n"
                            "empty-hash\t1:2:\t-\n"
                            "bad-escape%2\t1:2\t-\n"
                            "bad-escape%g0\t1:2\t-\n"
                            "\t1:2\t-\n"
                            "\n"
                            "good%25too\t-\t5:6:" + test::hex_of("0a") + "\n";
  dir.write("state/baseline.json", v2_header(dir, 14) + lines + "end 14\n");
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  CHECK(loaded.note.empty());
  CHECK(loaded.baseline.size() == 2);
  CHECK(loaded.baseline.count("good") == 1);
  REQUIRE(loaded.baseline.count("good%too") == 1);
  CHECK(loaded.baseline.at("good%too").cloud->sha256 == test::digest_of("0a"));
}

TEST_CASE("baseline v2: a hash that is not 64 lower-case hex digits makes its line malformed", "[state]") {
  // A hand-edited or damaged hash is never taken for another one, nor cut
  // or padded: its path reads as never synced, like any malformed line.
  test::TempDir dir;
  const auto good = test::hex_of("good");
  std::string upper = good;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const std::vector<std::pair<std::string, std::string>> bad{
    {"short", "ab"},
    {"one-digit-less", good.substr(1)},
    {"one-digit-more", good + "0"},
    {"upper-case", upper},
    {"not-hex", good.substr(0, 63) + "g"},
    {"spaced", " " + good.substr(1)},
    {"zeros", std::string(64, '0')},
  };
  std::string lines = "control\t1:2:" + good + "\t1:2:" + good + "\n";
  for (const auto& [name, hash] : bad) {
    lines += "local-" + name + "\t1:2:" + hash + "\t1:2:" + good + "\n";
    lines += "cloud-" + name + "\t1:2:" + good + "\t1:2:" + hash + "\n";
  }
  const auto count = 1 + 2 * bad.size();
  dir.write("state/baseline.json",
            v2_header(dir, count) + lines + "end " + std::to_string(count) + "\n");
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  CHECK(loaded.note.empty());
  CHECK(loaded.baseline.size() == 1);
  REQUIRE(loaded.baseline.count("control") == 1);
  CHECK(loaded.baseline.at("control").local->sha256 == test::digest_of("good"));
  CHECK(loaded.baseline.at("control").cloud->sha256 == test::digest_of("good"));

  // Written back as it was read: the same hex text.
  save_baseline(file_in(dir), loaded.baseline);
  CHECK_THAT(test::read_text(dir / "state/baseline.json"),
             CS_CONTAINS("\ncontrol\t1:2:" + good + "\t1:2:" + good + "\nend 1\n"));
}

TEST_CASE("resume points: a line whose hash is not 64 lower-case hex digits is dropped", "[state]") {
  // Even with a check value that matches (written by hand, or by a bug).
  test::TempDir dir;
  const auto file = file_in(dir);
  util::Sha256Midstate state;
  state.bytes = 64;
  const auto points_with = [&](const std::string& hash) {
    const auto line = "a.jsonl\tlocal\t" + hash + "\t" + util::to_text(state) + "\t1:2:3:4\t0";
    dir.write("state/baseline.resume.txt",
              "codexsync-resume-v2\n" + line + "\t" + util::sha256_hex(line).substr(0, 16) + "\nend 1\n");
    return load_resume_points(file);
  };
  const auto good = points_with(test::hex_of("a"));
  REQUIRE(good.size() == 1);
  CHECK(good.at("a.jsonl").sha256 == test::digest_of("a"));
  CHECK(points_with("ab").empty());
  CHECK(points_with(std::string(64, 'A')).empty());
  CHECK(points_with(std::string(64, '0')).empty());
  CHECK(points_with(test::hex_of("a") + "0").empty());
}

TEST_CASE("baseline v2: CRLF line endings are read as LF", "[state]") {
  test::TempDir dir;
  auto header = v2_header(dir, 1);
  header.insert(header.size() - 1, "\r");
  dir.write("state/baseline.json", header + "a\t1:2:" + test::hex_of("ab") + "\t-\r\nend 1\r\n");
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  CHECK(loaded.baseline.at("a").local->sha256 == test::digest_of("ab"));
}

TEST_CASE("baseline v2: a foreign header gives the same notes as v1", "[state]") {
  test::TempDir dir;
  const Baseline one{{"a", BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}}}};
  save_baseline(file_in(dir, "machine-b", "install-1"), one);
  // Checked before the entries: a cut-short file of another computer still says so.
  const auto text = test::read_text(dir / "state/baseline.json");
  dir.write("state/baseline.json", text.substr(0, text.find("end ")));
  const auto other = load_baseline(file_in(dir, "machine-b", "install-2"));
  CHECK(other.other_install);
  CHECK_THAT(other.note, CS_CONTAINS("another computer that uses the machine id \"machine-b\""));
  CHECK_THAT(load_baseline(file_in(dir, "machine-a", "install-1")).note,
             CS_CONTAINS("written by machine \"machine-b\""));
  auto elsewhere = file_in(dir, "machine-b", "install-1");
  elsewhere.local_root = dir / "other";
  CHECK_THAT(load_baseline(elsewhere).note, CS_CONTAINS("describes other folders"));

  dir.write("state/baseline.json", R"({"format":"codexsync-baseline-v3","machine":"machine-a"})"
                                   "\nwhatever\n");
  const auto unknown = load_baseline(file_in(dir));
  CHECK_FALSE(unknown.usable);
  CHECK_THAT(unknown.note, CS_CONTAINS("unknown format"));
}

TEST_CASE("baseline v1: still read (an upgrade keeps its baseline); the next save writes v2", "[state]") {
  test::TempDir dir;
  const nlohmann::json files{
    {"sessions/a b.jsonl",
     {{"local", {{"size", 10}, {"mtime_ns", 1'700'000'000'000'000'001}, {"sha256", std::string(64, 'a')}}},
      {"cloud", {{"size", 10}, {"mtime_ns", 1'700'000'000'000'000'002}}}}},
    {"only-cloud\ttab", {{"local", nullptr}, {"cloud", {{"size", 3}, {"mtime_ns", 4}}}}},
    {"bad", {{"local", {{"size", "x"}}}, {"cloud", nullptr}}},
    {"bad-hash", {{"local", {{"size", 1}, {"mtime_ns", 2}, {"sha256", "ab"}}}, {"cloud", nullptr}}}};
  dir.write("state/baseline.json", v1_text(dir, files, "machine-a", "install-1"));
  auto loaded = load_baseline(file_in(dir, "machine-a", "install-1"));
  REQUIRE(loaded.usable);
  REQUIRE(loaded.baseline.size() == 2);
  CHECK(loaded.baseline.at("sessions/a b.jsonl").local->sha256->hex() == std::string(64, 'a'));
  CHECK(loaded.baseline.at("sessions/a b.jsonl").cloud->mtime_ns == 1'700'000'000'000'000'002);
  CHECK_FALSE(loaded.baseline.at("only-cloud\ttab").local);

  // The same rules as for v2.
  CHECK(load_baseline(file_in(dir, "machine-a", "install-2")).other_install);
  CHECK_THAT(load_baseline(file_in(dir, "machine-b", "install-1")).note, CS_CONTAINS("written by machine"));
  dir.write("state/baseline.json", v1_text(dir, files).substr(0, 100));
  CHECK_THAT(load_baseline(file_in(dir)).note, CS_CONTAINS("is damaged"));
  dir.write("state/baseline.json", R"({"format": 7, "files": {}})");
  CHECK_THAT(load_baseline(file_in(dir)).note, CS_CONTAINS("unknown format"));

  dir.write("state/baseline.json", v1_text(dir, files, "machine-a", "install-1"));
  save_baseline(file_in(dir, "machine-a", "install-1"), load_baseline(file_in(dir, "machine-a", "install-1")).baseline);
  CHECK(test::read_text(dir / "state/baseline.json").rfind(R"({"format":"codexsync-baseline-v2")", 0) == 0);
  const auto again = load_baseline(file_in(dir, "machine-a", "install-1"));
  REQUIRE(again.usable);
  CHECK(again.baseline.size() == 2);
  CHECK(again.baseline.at("only-cloud\ttab").cloud->size == 3);
}

TEST_CASE("baseline v2: more than one read chunk of lines", "[state]") {
  test::TempDir dir;
  Baseline baseline;
  const auto hash = test::digest_of("c");
  for (int i = 0; i < 20000; ++i) {
    baseline["sessions/" + std::to_string(i) + std::string(40, 'x') + ".jsonl"] =
      BaselineEntry{FileState{static_cast<std::uint64_t>(i), i, hash}, FileState{static_cast<std::uint64_t>(i), i, hash}};
  }
  save_baseline(file_in(dir), baseline);
  REQUIRE(std::filesystem::file_size(dir / "state/baseline.json") > 3U << 20U);
  const auto loaded = load_baseline(file_in(dir));
  REQUIRE(loaded.usable);
  CHECK(loaded.baseline.size() == baseline.size());
  CHECK(loaded.baseline.at("sessions/19999" + std::string(40, 'x') + ".jsonl").cloud->mtime_ns == 19999);
}

TEST_CASE("resume points round-trip beside the baseline and a damaged file gives none", "[state]") {
  test::TempDir dir;
  const auto file = file_in(dir);
  CHECK(load_resume_points(file).empty());  // none yet
  CHECK(resume_points_path(file) == dir / "state/baseline.resume.txt");

  util::Sha256Midstate state;
  state.bytes = 960;
  for (std::size_t i = 0; i < state.words.size(); ++i) {
    state.words[i] = static_cast<std::uint32_t>(0x01020304U * (i + 1));
  }
  const std::string sha(64, 'e');
  const auto digest = util::Sha256Digest::from_hex(sha);
  REQUIRE(digest);
  ResumePoint chat{Side::cloud, *digest, state, 2049, 1234567, 1000, 1767261600123456789, 3};
  ResumePoint odd{Side::local, test::digest_of("odd"), {}, 0, 1, 0, -5, 0};
  ResumePoints points{{"sessions/a.jsonl", chat}, {"odd\tname%\n.jsonl", odd}};
  save_resume_points(file, points);
  CHECK(load_resume_points(file) == points);

  // A line changed in any field no longer matches its check value: dropped,
  // the others stay (a damaged but well-formed midstate is never used).
  const auto good = test::read_text(resume_points_path(file));
  for (const std::string& field : {sha, std::string("cloud"), std::string("1234567"), std::string("\t3\t")}) {
    CAPTURE(field);
    auto text = good;
    const auto at = text.find(field);
    REQUIRE(at != std::string::npos);
    text[at + (field[0] == '\t' ? 1 : 0)] = field == "cloud" ? 'l' : (text[at + (field[0] == '\t' ? 1 : 0)] == '1' ? '2' : '1');
    dir.write("state/baseline.resume.txt", text);
    const auto kept = load_resume_points(file);
    CHECK(kept.size() == 1);
    CHECK(kept.count("odd\tname%\n.jsonl") == 1);
  }
  auto text = good;
  const auto in_state = text.find(util::to_text(state)) + 10;
  text[in_state] = text[in_state] == 'f' ? 'e' : 'f';
  dir.write("state/baseline.resume.txt", text);
  CHECK(load_resume_points(file).size() == 1);

  // Cut short (no end line, or a wrong count), or another format: none at all.
  dir.write("state/baseline.resume.txt", good.substr(0, good.rfind("end ")));
  CHECK(load_resume_points(file).empty());
  dir.write("state/baseline.resume.txt", good.substr(0, good.rfind("end ")) + "end 3\n");
  CHECK(load_resume_points(file).empty());
  dir.write("state/baseline.resume.txt", "codexsync-resume-v1\nend 0\n");
  CHECK(load_resume_points(file).empty());
}

TEST_CASE("baseline: saved from a feed, entry by entry, it is the file the map gives", "[state]") {
  test::TempDir dir;
  Baseline baseline;
  for (int i = 0; i < 3000; ++i) {  // more than one 1 MiB chunk is not needed; several writes are
    baseline["sessions/s" + std::to_string(i) + ".jsonl"] =
      BaselineEntry{FileState{static_cast<std::uint64_t>(i), i, test::digest_of(std::to_string(i))}, std::nullopt};
  }
  save_baseline(file_in(dir), baseline);
  const auto from_map = test::read_text(file_in(dir).path);
  int calls = 0;
  save_baseline(file_in(dir), [&](const BaselineSink& sink) {
    ++calls;
    for (const auto& [path, entry] : baseline) {
      sink(path, entry);
    }
  });
  CHECK(calls == 2);  // counted, then written
  CHECK(test::read_text(file_in(dir).path) == from_map);
  CHECK(load_baseline(file_in(dir)).baseline == baseline);
}

TEST_CASE("baseline: a feed that gives other entries the second time is refused, the old file kept", "[state]") {
  test::TempDir dir;
  Baseline old;
  old["a"] = BaselineEntry{FileState{1, 1, {}}, FileState{1, 1, {}}};
  save_baseline(file_in(dir), old);
  const auto before = test::read_text(file_in(dir).path);
  int calls = 0;
  CHECK_THROWS_AS(save_baseline(file_in(dir),
                                [&](const BaselineSink& sink) {
                                  ++calls;
                                  for (int i = 0; i < calls; ++i) {
                                    sink("p" + std::to_string(i), BaselineEntry{});
                                  }
                                }),
                  RuntimeError);
  CHECK(test::read_text(file_in(dir).path) == before);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(file_in(dir).path.parent_path())) {
    ++files;
  }
  CHECK(files == 1);  // no temp file left beside it
}
