#include "support/catch.hpp"

#include <codexsync/plan/names.hpp>

#include <string>
#include <vector>

using namespace codexsync;
using namespace codexsync::plan;

namespace {

struct Row {
  std::string path;
  // Empty: portable. Else each piece must appear in the reason.
  std::vector<std::string> expected;
};

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

const std::string k_e_acute = "\xC3\xA9";         // é: 2 bytes, 1 UTF-16 unit
const std::string k_emoji = "\xF0\x9F\x98\x80";   // 😀: 4 bytes, 2 UTF-16 units (a surrogate pair)

} // namespace

TEST_CASE("names: the shortcut for plain paths never answers otherwise than the full check", "[plan]") {
  // Random paths of the characters that matter: device stems, dots, spaces,
  // forbidden and control characters, a UTF-8 letter, separators, at every
  // length around the eight-byte steps.
  const std::vector<std::string> pieces = {"con", "CoM1", "lpt", "aux", "nul", "prn", "a", "b", "x", "ab", "sessions",
                                           ".", " ", "   ", "/", "//", ":", "?", "*", "|", "<", ">", "\"", "\\", "\t",
                                           "\x7F", "\xC3\xA9", "-", "2026", ".json", ".tmp"};
  std::uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33U;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string path;
    const auto count = 1 + next() % 12;
    for (std::uint64_t k = 0; k < count; ++k) {
      path += pieces[next() % pieces.size()];
    }
    INFO("path: " << path);
    CHECK(unportable_reason(path).has_value() == detail::unportable_reason_in_full(path).has_value());
  }
  // Long plain paths around both limits.
  for (std::size_t n = 200; n < 300; ++n) {
    const std::string path = "dir/" + repeat("n", n - 4);
    INFO("length " << n);
    CHECK(unportable_reason(path).has_value() == detail::unportable_reason_in_full(path).has_value());
  }
}

TEST_CASE("names: unportable_reason, one row per case", "[plan]") {
  const std::vector<Row> rows = {
    // Reserved device names, any case, with or without an extension.
    {"CON", {"\"CON\"", "reserved name on Windows", "device CON", "rename it"}},
    {"con.txt", {"\"con.txt\"", "device CON"}},
    {"sub/aux.json", {"\"aux.json\"", "device AUX"}},
    {"aux/file.json", {"the folder \"aux\"", "device AUX"}},
    {"Lpt9.log", {"\"Lpt9.log\"", "device LPT9"}},
    {"COM1", {"device COM1"}},
    {"COM\xC2\xB9", {"device COM\xC2\xB9"}},
    {"lpt\xC2\xB3.txt", {"device LPT\xC2\xB3"}},
    {"nul.tar.gz", {"device NUL"}},
    {"prn .txt", {"device PRN"}},
    {"con      .txt", {"device CON"}},
    {"dir/Nul   ", {"device NUL"}},
    {"AUX ", {"device AUX"}},
    {"CONSOLE", {}},
    {"conx.txt", {}},
    {"COM0", {}},
    {"COM10", {}},
    {"LPT", {}},
    {"xcon", {}},
    {"my.con", {}},
    // Trailing dot or space.
    {"a.", {"\"a.\"", "ends in a dot", "rename it"}},
    {"a ", {"\"a \"", "ends in a space"}},
    {"dir./b", {"the folder \"dir.\"", "ends in a dot"}},
    {" leading space.txt", {}},
    {".hidden", {}},
    // Characters Windows (or macOS) cannot hold.
    {"x:y", {"\"x:y\"", "contains ':'", "and macOS", "rename it"}},
    {"what?", {"\"what?\"", "contains '?'"}},
    {"a\\b", {"contains '\\'"}},
    {"a<b", {"contains '<'"}},
    {"a>b", {"contains '>'"}},
    {"a\"b", {"contains '\"'"}},
    {"a|b", {"contains '|'"}},
    {"star*.md", {"contains '*'"}},
    {std::string("tab\there"), {"\"tab?here\"", "control character 0x09"}},
    {std::string("bell\x01"), {"\"bell?\"", "control character 0x01"}},
    {std::string("bad\xFF.txt"), {"\"bad?.txt\"", "not valid UTF-8"}},
    // Lengths in UTF-16 units. A name at the name limit is fine as a name, but
    // is over the path limit (220 < 255) on its own.
    {repeat("n", 255), {"the path is 255"}},
    {repeat("n", 256), {"256 characters", "over the 255", "shorten it"}},
    {"dir/" + repeat(k_e_acute, 255), {"the path is 259"}},  // the name: 510 bytes, 255 units
    {repeat(k_emoji, 127) + "x", {"the path is 255"}},
    {repeat(k_emoji, 128), {"256 characters", "over the 255"}},
    {repeat("d", 100) + "/" + repeat("e", 99) + "/" + repeat(k_e_acute, 19), {}},  // 220 units
    {repeat("d", 100) + "/" + repeat("e", 99) + "/" + repeat(k_e_acute, 20),       // 221 units, 241 bytes
     {"the path is 221 characters", "over the 220", "shorten"}},
    {repeat("d", 100) + "/" + repeat("e", 99) + "/" + repeat(k_emoji, 9) + "x", {}},  // 220 units
    {repeat("d", 100) + "/" + repeat("e", 99) + "/" + repeat(k_emoji, 10), {"the path is 221"}},
    // Ordinary paths.
    {"sessions/2026/11/24/rollout-2026-11-24T10-11-12-0193a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b.jsonl", {}},
    {"skills/My Skill (copy)/SKILL.md", {}},
    {"memories/" + k_emoji + " notes.md", {}},
  };
  for (const auto& row : rows) {
    INFO("path: " << row.path);
    const auto reason = unportable_reason(row.path);
    if (row.expected.empty()) {
      CHECK_FALSE(reason.has_value());
      if (reason) {
        INFO(*reason);
      }
      continue;
    }
    REQUIRE(reason.has_value());
    for (const auto& piece : row.expected) {
      CHECK_THAT(*reason, CS_CONTAINS(piece));
    }
  }
}

TEST_CASE("names: a long name is shown by its start, cut between characters", "[plan]") {
  const auto reason = unportable_reason(repeat(k_e_acute, 300));
  REQUIRE(reason.has_value());
  CHECK_THAT(*reason, CS_CONTAINS("\"" + repeat(k_e_acute, 40) + "...\""));
  CHECK_THAT(*reason, CS_CONTAINS("300 characters"));
}
