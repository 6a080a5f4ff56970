#include "support/catch.hpp"

#include <codexsync/merge/lines.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using codexsync::merge::LineMerge;
using codexsync::merge::merge_lines;

namespace {

// The lines of `text` without their endings (a last unterminated line included).
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = std::string(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    out.push_back(line);
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& lines, std::string_view ending = "\n") {
  std::string out;
  for (const auto& line : lines) {
    out += line;
    out += ending;
  }
  return out;
}

std::string codex(std::int64_t ts, std::string_view text, std::string_view key = "session_id") {
  return "{\"" + std::string(key) + "\":\"0199a1b2-0000-7000-8000-00000000000" + std::to_string(ts % 10) +
         "\",\"ts\":" + std::to_string(ts) + ",\"text\":\"" + std::string(text) + "\"}";
}

std::string claude(std::int64_t ms, std::string_view display, std::string_view pasted = "{}") {
  return "{\"display\":\"" + std::string(display) + "\",\"pastedContents\":" + std::string(pasted) +
         ",\"timestamp\":" + std::to_string(ms) + ",\"project\":\"/home/u/proj\",\"sessionId\":\"s-1\"}";
}

std::string index_entry(std::string_view id, std::string_view name, std::string_view updated_at) {
  return "{\"id\":\"" + std::string(id) + "\",\"thread_name\":\"" + std::string(name) +
         "\",\"updated_at\":\"" + std::string(updated_at) + "\"}";
}

// The thread names session_index.jsonl gives: the last entry for an id wins.
std::map<std::string, std::string> thread_names(std::string_view text) {
  std::map<std::string, std::string> names;
  for (const auto& line : lines_of(text)) {
    const auto id_at = line.find("\"id\":\"") + 6;
    const auto name_at = line.find("\"thread_name\":\"") + 15;
    names[line.substr(id_at, line.find('"', id_at) - id_at)] =
        line.substr(name_at, line.find('"', name_at) - name_at);
  }
  return names;
}

// True when `part` appears in `whole` in the same order (not necessarily next to each other).
bool is_subsequence(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  std::size_t at = 0;
  for (const auto& line : whole) {
    if (at < part.size() && part[at] == line) {
      ++at;
    }
  }
  return at == part.size();
}

std::vector<std::string> distinct_in_order(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& line : lines) {
    if (seen.insert(line).second) {
      out.push_back(line);
    }
  }
  return out;
}

} // namespace

TEST_CASE("merge_lines: a file merged with itself is itself", "[merge]") {
  for (const std::string& text :
       {std::string(), join({codex(100, "a"), codex(200, "b")}), join({codex(100, "a"), "not json"}, "\r\n"),
        codex(100, "no ending"), std::string("\n\n"), join({codex(300, "late"), codex(100, "early")})}) {
    INFO(text);
    const auto m = merge_lines(text, text);
    CHECK(m.text == text);
    CHECK(m.a_has_all);
    CHECK(m.b_has_all);
    CHECK(m.only_in_a == 0);
    CHECK(m.only_in_b == 0);
  }
}

TEST_CASE("merge_lines: the side that holds every line is the result, byte for byte", "[merge]") {
  // a has blank lines, CRLF, no final newline and is out of time order: all kept as is.
  const std::string a = codex(300, "c") + "\r\n\r\n" + codex(100, "a") + "\r\n" + codex(200, "b");
  const std::string b = join({codex(100, "a"), codex(200, "b")});
  const auto m = merge_lines(a, b);
  CHECK(m.text == a);
  CHECK(m.a_has_all);
  CHECK_FALSE(m.b_has_all);
  CHECK(m.only_in_a == 1);
  CHECK(m.only_in_b == 0);

  const auto swapped = merge_lines(b, a);
  CHECK(swapped.text == a);
  CHECK(swapped.b_has_all);
  CHECK_FALSE(swapped.a_has_all);
  CHECK(swapped.only_in_a == 0);
  CHECK(swapped.only_in_b == 1);
}

TEST_CASE("merge_lines: when both hold the same lines, the result is a", "[merge]") {
  const std::string a = join({codex(100, "a"), codex(200, "b")});
  const std::string b = join({codex(200, "b"), codex(100, "a"), codex(100, "a")}, "\r\n");
  const auto m = merge_lines(a, b);
  CHECK(m.a_has_all);
  CHECK(m.b_has_all);
  CHECK(m.text == a);
  CHECK(merge_lines(b, a).text == b);
}

TEST_CASE("merge_lines: empty sides", "[merge]") {
  const std::string some = join({codex(100, "a")});
  SECTION("both empty") {
    const auto m = merge_lines("", "");
    CHECK(m.text.empty());
    CHECK(m.a_has_all);
    CHECK(m.b_has_all);
  }
  SECTION("a empty") {
    const auto m = merge_lines("", some);
    CHECK(m.text == some);
    CHECK(m.b_has_all);
    CHECK_FALSE(m.a_has_all);
    CHECK(m.only_in_b == 1);
  }
  SECTION("b empty") {
    const auto m = merge_lines(some, "");
    CHECK(m.text == some);
    CHECK(m.a_has_all);
    CHECK(m.only_in_a == 1);
  }
  SECTION("only blank lines count as empty") {
    const auto m = merge_lines(" \n\t\r\n\n", some);
    CHECK(m.text == some);
    CHECK(m.only_in_a == 0);
  }
}

TEST_CASE("merge_lines: Codex history.jsonl lines interleave by ts, session_id and conversation_id alike",
          "[merge]") {
  const std::string a = join({codex(1000, "a1"), codex(1003, "a2"), codex(1005, "a3")});
  const std::string b = join({codex(1001, "b1", "conversation_id"), codex(1004, "b2"), codex(1006, "b3")});
  const auto m = merge_lines(a, b);
  CHECK(m.text == join({codex(1000, "a1"), codex(1001, "b1", "conversation_id"), codex(1003, "a2"),
                        codex(1004, "b2"), codex(1005, "a3"), codex(1006, "b3")}));
  CHECK(m.only_in_a == 3);
  CHECK(m.only_in_b == 3);
  CHECK_FALSE(m.a_has_all);
  CHECK_FALSE(m.b_has_all);
}

TEST_CASE("merge_lines: lines both sides hold are written once", "[merge]") {
  const std::string common = codex(1000, "shared");
  const std::string a = join({common, codex(1002, "a"), codex(1002, "a")});
  const std::string b = join({common, codex(1001, "b"), common});
  const auto m = merge_lines(a, b);
  CHECK(m.text == join({common, codex(1001, "b"), codex(1002, "a")}));
  CHECK(m.only_in_a == 1); // distinct lines: the duplicate in a counts once
  CHECK(m.only_in_b == 1);
}

TEST_CASE("merge_lines: Claude history.jsonl is ordered by the top-level timestamp in ms", "[merge]") {
  // The pasted content holds its own "timestamp" keys; they must not be taken.
  const auto early = claude(1'763'000'000'000, "early",
                            R"({"1":{"id":1,"type":"text","content":"x","timestamp":9999999999999}})");
  const auto middle = claude(1'763'000'050'000, "middle");
  const auto late = claude(1'763'000'100'000, "late", R"({"2":{"timestamp":1}})");
  const auto m = merge_lines(join({early, late}), join({middle}));
  CHECK(m.text == join({early, middle, late}));
}

TEST_CASE("merge_lines: seconds, milliseconds and fractions compare as one time", "[merge]") {
  const std::string s1 = R"({"ts":1763000000,"text":"seconds"})";
  const std::string ms = R"({"timestamp":1763000000500,"display":"ms"})";
  const std::string s2 = R"({"ts":1763000000.75,"text":"fraction"})";
  const std::string s3 = R"({"ts":1763000001,"text":"next second"})";
  const std::string ms_fraction = R"({"timestamp":1763000000900.5,"display":"ms fraction"})";
  const auto m = merge_lines(join({s1, s2, s3}), join({ms, ms_fraction}));
  CHECK(m.text == join({s1, ms, s2, ms_fraction, s3}));
  // An exponent is read too.
  const std::string exp = R"({"ts":1.7630000006e9,"text":"exponent"})";
  CHECK(merge_lines(join({s1, s3}), join({exp})).text == join({s1, exp, s3}));
}

TEST_CASE("merge_lines: RFC 3339 text with fractions and offsets", "[merge]") {
  const auto x = R"({"timestamp":"2026-11-24T10:00:00Z","n":1})";
  const auto y = R"({"timestamp":"2026-11-24T12:00:00.5+02:00","n":2})"; // 10:00:00.5 UTC
  const auto z = R"({"timestamp":"2026-11-24T05:30:01-05:00","n":3})";   // 10:30:01 UTC
  const auto w = R"({"timestamp":"2026-11-24T10:00:00.250000001Z","n":4})";
  const auto m = merge_lines(join({x, z}), join({w, y}));
  CHECK(m.text == join({x, w, y, z}));
}

TEST_CASE("merge_lines: Codex session_index.jsonl keeps 'the last entry for an id wins'", "[merge]") {
  // a renamed thread 1 late; b renamed it earlier and added thread 2.
  const std::string a = join({index_entry("t1", "first", "2026-11-01T10:00:00Z"),
                              index_entry("t1", "renamed on A", "2026-11-03T09:00:00Z")});
  const std::string b = join({index_entry("t1", "first", "2026-11-01T10:00:00Z"),
                              index_entry("t1", "renamed on B", "2026-11-02T09:00:00Z"),
                              index_entry("t2", "other", "2026-11-02T10:00:00Z")});
  for (const auto& m : {merge_lines(a, b), merge_lines(b, a)}) {
    const auto names = thread_names(m.text);
    CHECK(names.at("t1") == "renamed on A");
    CHECK(names.at("t2") == "other");
    CHECK(lines_of(m.text).size() == 4);
  }
}

TEST_CASE("merge_lines: the time fields and their order of preference", "[merge]") {
  const auto first = R"({"n":1,"ts":100})";
  const auto third = R"({"n":3,"ts":300})";
  SECTION("ts comes before timestamp, updated_at, created_at") {
    const auto line = R"({"created_at":50,"updated_at":"1970-01-01T00:00:10Z","timestamp":1,"ts":200})";
    CHECK(merge_lines(join({first, third}), join({line})).text == join({first, line, third}));
  }
  SECTION("updated_at comes before created_at") {
    const auto line = R"({"created_at":500,"updated_at":200})";
    CHECK(merge_lines(join({first, third}), join({line})).text == join({first, line, third}));
  }
  SECTION("a field that holds no time gives way to the next") {
    const auto line = R"({"ts":"soon","timestamp":{"s":1},"created_at":"1970-01-01T00:03:20+00:00"})";
    CHECK(merge_lines(join({first, third}), join({line})).text == join({first, line, third}));
  }
  SECTION("a time field inside a nested object or a string is not the line's") {
    const auto nested = R"({"payload":{"ts":200,"timestamp":200},"text":"\"ts\":200, {\"ts\":200}"})";
    // No time of its own: it stays after the line it followed on its side.
    const std::string b = join({R"({"n":0,"ts":50})", nested});
    CHECK(merge_lines(join({first, third}), b).text == join({R"({"n":0,"ts":50})", nested, first, third}));
  }
  SECTION("a line that is not one well-formed object has no time") {
    for (const std::string_view line :
         {R"({"ts":200)", R"([{"ts":200}])", R"({"ts":200} trailing)", R"({"ts":200,})", R"({"ts" 200})",
          R"({"a":[1,2},"ts":200})", R"({"ts":200}})", "ts 200"}) {
      INFO(line);
      const std::string text(line);
      CHECK(merge_lines(join({first, third}), join({R"({"n":0,"ts":50})", text})).text ==
            join({R"({"n":0,"ts":50})", text, first, third}));
    }
  }
  SECTION("of a key written twice, the last counts (as JSON parsers read it)") {
    const auto line = R"({"ts":900,"ts":200})";
    CHECK(merge_lines(join({first, third}), join({line})).text == join({first, line, third}));
  }
  SECTION("spaces around the JSON syntax are fine") {
    const auto line = "  { \"n\" : 2 , \"ts\" : 200 }  ";
    CHECK(merge_lines(join({first, third}), join({line})).text == join({first, line, third}));
  }
}

TEST_CASE("merge_lines: lines without a time follow the line they followed", "[merge]") {
  const std::string a = join({"# header of a", codex(100, "a1"), "a1 note", "a1 note 2", codex(300, "a2")});
  const std::string b = join({"# header of b", codex(200, "b1"), "b1 note", codex(400, "b2"), "b2 note"});
  const auto m = merge_lines(a, b);
  CHECK(m.text == join({"# header of a", "# header of b", codex(100, "a1"), "a1 note", "a1 note 2",
                        codex(200, "b1"), "b1 note", codex(300, "a2"), codex(400, "b2"), "b2 note"}));
}

TEST_CASE("merge_lines: equal times put a's line first", "[merge]") {
  const auto x = codex(100, "from a");
  const auto y = codex(100, "from b");
  CHECK(merge_lines(join({x}), join({y})).text == join({x, y}));
  CHECK(merge_lines(join({y}), join({x})).text == join({y, x}));
}

TEST_CASE("merge_lines: each side keeps its own order even when out of time order", "[merge]") {
  const std::string a = join({codex(300, "a late"), codex(100, "a early")});
  const std::string b = join({codex(200, "b")});
  const auto out = lines_of(merge_lines(a, b).text);
  CHECK(is_subsequence(lines_of(a), out));
  CHECK(is_subsequence(lines_of(b), out));
  CHECK(out.size() == 3);
}

TEST_CASE("merge_lines: line endings", "[merge]") {
  const auto x = codex(100, "x");
  const auto y = codex(200, "y");
  const auto z = codex(300, "z");
  SECTION("CRLF on both sides stays CRLF") {
    CHECK(merge_lines(join({x, z}, "\r\n"), join({y}, "\r\n")).text == join({x, y, z}, "\r\n"));
  }
  SECTION("CRLF on one side, LF on the other: LF") {
    CHECK(merge_lines(join({x, z}, "\r\n"), join({y})).text == join({x, y, z}));
    CHECK(merge_lines(join({x, z}), join({y}, "\r\n")).text == join({x, y, z}));
  }
  SECTION("a file mixing both: LF") {
    CHECK(merge_lines(x + "\r\n" + z + "\n", join({y}, "\r\n")).text == join({x, y, z}));
  }
  SECTION("a CRLF side with one unterminated line does not turn the result to LF") {
    CHECK(merge_lines(join({x, z}, "\r\n"), y).text == join({x, y, z}, "\r\n"));
  }
  SECTION("the same line with CRLF and with LF is one line") {
    const auto m = merge_lines(join({x, y}, "\r\n"), join({x, z}));
    CHECK(m.text == join({x, y, z}));
    CHECK(m.only_in_a == 1);
    CHECK(m.only_in_b == 1);
    CHECK(merge_lines(join({x, y}, "\r\n"), join({x})).a_has_all);
  }
  SECTION("a missing final line ending is added when merging") {
    CHECK(merge_lines(x + "\n" + z, y).text == join({x, y, z}));
  }
  SECTION("blank lines are dropped when merging") {
    CHECK(merge_lines(x + "\n\n   \n" + z + "\n\n", "\n" + y + "\n\t\n").text == join({x, y, z}));
  }
  SECTION("a lone CR inside a line is part of the line") {
    const std::string odd = "plain\rtext";
    CHECK(merge_lines(join({x, z}), join({y, odd})).text == join({x, y, odd, z}));
  }
}

TEST_CASE("merge_lines: a last line cut short by a crash gives way to the whole line", "[merge]") {
  const auto x = codex(100, "x");
  const auto y = codex(200, "y");
  const auto z = codex(300, "z");
  const std::string whole = join({x, y, z});
  const std::string cut = x + "\n" + y.substr(0, 12);
  SECTION("the other side holds everything: it is the result") {
    const auto m = merge_lines(cut, whole);
    CHECK(m.text == whole);
    CHECK(m.b_has_all);
    CHECK(m.only_in_a == 0);
    CHECK(m.only_in_b == 2);
    CHECK(merge_lines(whole, cut).text == whole);
    CHECK(merge_lines(whole, cut).a_has_all);
  }
  SECTION("both sides add lines: the cut line is not written") {
    const auto w = codex(150, "w");
    const auto m = merge_lines(join({x, w}) + y.substr(0, 20), join({x, y}));
    CHECK(m.text == join({x, w, y}));
    CHECK(m.only_in_a == 1);
  }
  SECTION("a CRLF file cut between CR and LF") {
    const auto m = merge_lines(x + "\r\n" + y + "\r", join({x, y}, "\r\n"));
    CHECK(m.a_has_all);
    CHECK(m.b_has_all);
  }
  SECTION("an unterminated line that begins no other line is kept") {
    const auto m = merge_lines(x + "\n" + z.substr(0, 5) + "!", join({x, y}));
    CHECK(m.only_in_a == 1);
    CHECK(lines_of(m.text).size() == 3);
  }
}

namespace {

// One line in one of the real formats (or not JSON, when `plain`) at time `t`.
std::string random_line(std::mt19937& rng, int t, const std::string& text, bool plain) {
  if (plain) {
    return "plain " + text;
  }
  switch (rng() % 4) {
  case 0:
    return codex(t, text);
  case 1:
    return claude(static_cast<std::int64_t>(t) * 1000 + 7, text);
  case 2:
    return R"({"id":")" + text + R"(","thread_name":"n","updated_at":")" +
           (t % 2 == 0 ? "2026-01-01T00:00:00Z" : "bad") + R"(","ts":)" + std::to_string(t) + "}";
  default:
    return codex(t, text, "conversation_id");
  }
}

struct Histories {
  std::vector<std::string> a;
  std::vector<std::string> b;
  std::vector<std::string> common; // the lines both hold
};

// Two histories that grew apart from one timeline, as two machines write them:
// each timed line is on a, on b or on both; now and then a line that is not
// JSON follows it on the same sides. With `ties`, times may repeat.
Histories random_histories(std::mt19937& rng, bool ties) {
  Histories h;
  const int count = static_cast<int>(rng() % 25);
  int t = 1'000'000'000;
  for (int i = 0; i < count; ++i) {
    t += static_cast<int>(rng() % 4) + (ties ? 0 : 1);
    const auto where = rng() % 3; // 0: a, 1: b, 2: both
    const int lines = rng() % 4 == 0 ? 2 : 1;
    for (int k = 0; k < lines; ++k) {
      const auto line = random_line(rng, t, "e" + std::to_string(i) + "." + std::to_string(k), k > 0);
      if (where != 1) {
        h.a.push_back(line);
      }
      if (where != 0) {
        h.b.push_back(line);
      }
      if (where == 2) {
        h.common.push_back(line);
      }
    }
  }
  return h;
}

} // namespace

TEST_CASE("merge_lines: properties on random histories", "[merge]") {
  std::mt19937 rng(20261124);
  for (int round = 0; round < 400; ++round) {
    INFO("round " << round);
    const bool ties = round % 2 == 1;
    const auto h = random_histories(rng, ties);
    const std::string ending = rng() % 4 == 0 ? "\r\n" : "\n";
    const auto a = join(h.a, ending);
    const auto b = join(h.b, ending);

    const auto ab = merge_lines(a, b);
    const auto ba = merge_lines(b, a);

    // The union, each line once.
    const auto out = lines_of(ab.text);
    std::set<std::string> expected(h.a.begin(), h.a.end());
    expected.insert(h.b.begin(), h.b.end());
    CHECK(std::set<std::string>(out.begin(), out.end()) == expected);
    CHECK(distinct_in_order(out) == out);

    // Counts.
    const std::set<std::string> set_a(h.a.begin(), h.a.end());
    const std::set<std::string> set_b(h.b.begin(), h.b.end());
    const auto only = [](const std::set<std::string>& x, const std::set<std::string>& y) {
      return static_cast<std::size_t>(
          std::count_if(x.begin(), x.end(), [&](const auto& l) { return y.count(l) == 0; }));
    };
    CHECK(ab.only_in_a == only(set_a, set_b));
    CHECK(ab.only_in_b == only(set_b, set_a));
    CHECK(ba.only_in_a == ab.only_in_b);
    CHECK(ba.only_in_b == ab.only_in_a);
    CHECK(ab.a_has_all == (ab.only_in_b == 0));
    CHECK(ab.b_has_all == (ab.only_in_a == 0));
    if (!ab.a_has_all && !ab.b_has_all) {
      CHECK(ab.text.substr(ab.text.size() - ending.size()) == ending);
    }

    // Both orders kept; with distinct times both argument orders give one text.
    if (!ties) {
      CHECK(is_subsequence(h.a, out));
      CHECK(is_subsequence(h.b, out));
      if (!(ab.a_has_all && ab.b_has_all)) {
        CHECK(ba.text == ab.text);
      }
    }

    // Symmetric: the same lines (in another order only where times tie).
    const auto out_ba = lines_of(ba.text);
    CHECK(std::multiset<std::string>(out.begin(), out.end()) ==
          std::multiset<std::string>(out_ba.begin(), out_ba.end()));

    // Idempotent, from both sides.
    CHECK(merge_lines(ab.text, b).text == ab.text);
    CHECK(merge_lines(ab.text, a).text == ab.text);
    CHECK(merge_lines(a, ab.text).text == ab.text);
    CHECK(merge_lines(ab.text, b).a_has_all);

    // A subset merges to the whole, byte for byte.
    const auto sub = join(h.common, ending);
    const auto with_sub = merge_lines(a, sub);
    CHECK(with_sub.text == a);
    CHECK(with_sub.a_has_all);
    CHECK(merge_lines(a, a).text == a);
  }
}

TEST_CASE("merge_lines: with distinct times both argument orders give the same text", "[merge]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::vector<std::string> a;
    std::vector<std::string> b;
    std::vector<std::string> all;
    for (int i = 0; i < 30; ++i) {
      const auto line = codex(1000 + i, "line " + std::to_string(i));
      all.push_back(line);
      const auto where = rng() % 3;
      if (where != 1) {
        a.push_back(line);
      }
      if (where != 0) {
        b.push_back(line);
      }
    }
    const auto ab = merge_lines(join(a), join(b));
    const auto ba = merge_lines(join(b), join(a));
    CHECK(ab.text == ba.text);
    CHECK(ab.text == join(all));
  }
}
