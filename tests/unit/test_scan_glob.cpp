#include "support/catch.hpp"

#include <codexsync/scan/glob.hpp>

#include <string>
#include <vector>

using codexsync::scan::GlobSet;

namespace {

struct Row {
  const char* pattern;
  const char* path;
  bool expected;
};

// One row per (pattern, path); the first block is reference test 29.
const Row k_rows[] = {
    // `**/tmp/**`: the folder's content at any depth, not the folder, case-sensitive.
    {"**/tmp/**", "tmp/arg0/lock", true},
    {"**/tmp/**", "tmp/x", true},
    {"**/tmp/**", "a/b/c/tmp/d/e", true},
    {"**/tmp/**", "a\\tmp\\b", true}, // a path written with backslashes
    {"**/tmp/**", "tmp", false},
    {"**/tmp/**", "a/tmp", false},
    {"**/tmp/**", "a/TMP/b", false},
    {"**/tmp/**", "tmpfile.md", false},
    {"**/tmp/**", "x/tmpl/y", false},
    {"**/cache/**", "cache/a", true},
    {"**/cache/**", "plugins/cache/p/index.js", true},
    {"**/cache/**", "a/b/c/cache/d/e", true},
    {"**/cache/**", "cache", false},
    {"**/cache/**", "mycache/a", false},
    // A pattern without '/' matches the file name at any depth.
    {"*.lock", "x.lock", true},
    {"*.lock", "a/b/c.lock", true},
    {"*.lock", ".lock", true},
    {"*.lock", "c.lock.txt", false},
    {"*.lock", "a/c.lock.txt", false},
    {"*.lock", "a.lock/b", false},
    {"**/*.lock", "b.lock", true},
    {"**/*.lock", "a/b/b.lock", true},
    {"config.toml", "a/config.toml", true},
    // A pattern with '/' is anchored at the root; `*` stays in its segment.
    {"logs/*.log", "logs/a.log", true},
    {"logs/*.log", "x/logs/a.log", false},
    {"logs/*.log", "logs/sub/a.log", false},
    {"a/*.md", "a/x.md", true},
    {"a/*.md", "a/b/x.md", false},
    {"a/*.md", "x.md", false},
    {"/config.toml", "config.toml", true},
    {"/config.toml", "a/config.toml", false},
    {"a/**/b", "a/b", true},
    {"a/**/b", "a/x/y/b", true},
    {"a/**/b", "a/x/c", false},
    {"**", "a/b/c", true},
    {"skills/.system/**", "skills/.system/skill-creator/SKILL.md", true},
    {"skills/.system/**", "skills/.system", false},
    {"skills/.system/**", "skills/x/.system/a", false},
    {"skills/.system/**", "skills/.systemd/a", false},
    {"skills\\.system\\**", "skills/.system/a", true}, // backslashes in the pattern
    {"tmp/", "tmp/x/y", true},                         // a trailing '/' means the content
    {"tmp/", "tmp", false},
    {"tmp/", "a/tmp/x", false},
    {"./AGENTS.md", "AGENTS.md", true},
    // Classes, `?`, backtracking.
    {"*.[ab]", "f.a", true},
    {"*.[ab]", "dir/f.b", true},
    {"*.[ab]", "f.c", false},
    {"*.[ab]", "f.ab", false},
    {"[!x]", "y", true},
    {"[!x]", "d/y", true},
    {"[!x]", "x", false},
    {"[!x]", "yy", false},
    {"[a-c]?.txt", "b1.txt", true},
    {"[a-c]?.txt", "d1.txt", false},
    {"[]]x", "]x", true},
    {"[a-]", "-", true},
    {"[ab", "[ab", true}, // unclosed: a literal '['
    {"[ab", "a", false},
    {"?.md", "\xC3\xA9.md", true}, // `?` takes one UTF-8 character ("é")
    {"?.md", "ab.md", false},
    {"[\xC3\xA9]x", "\xC3\xA9x", true},
    {"*a*b*c", "xaxbxc", true},
    {"*a*b*c", "xaxcxb", false},
    {"?", "a/b", true}, // unanchored: the name "b"
    {"/a?b", "a/b", false},
    {"/a*b", "a/b", false},
    {"/a*b", "a-x-b", true},
    // The shapes matched by the fast paths, at their edges.
    {"**/*.lock", "a\\b.lock", true},
    {"**/*.lock", "a.lock/b", false},
    {"**/*.lock", "lock", false},
    {"**/*\xC3\xA9", "a/x\xC3\xA9", true},
    {"**/*\xC3\xA9", "a/x\xC3\xA9y", false},
    {"**/tmp/**", "a/tmp\\x", true},
    {"**/tmp/**", "tmp\\x", true},
    {"**/tmp/**", "a\\tmp", false},
    {"skills/.system/**", "skills\\.system\\x", true},
    {"skills/.system/**", "skills/.system/", false},
    {"skills/.system/**", "skills/.syste/x", false},
    {"/tmp/**", "tmp/a", true},
    {"/tmp/**", "a/tmp/a", false},
    {"**/*.[ab]", "d/f.a", true}, // not a plain suffix: the general matcher
    {"**/x*.log", "d/x1.log", true},
    {"**/x*.log", "d/y1.log", false},
    {"**/x*.log", "x1.log", true},
    {"**/x*.log", "d\\e\\x1.log", true},
    {"**/x*.log", "x1.log/d", false},
    {"**/.*.tmp-*", "a/b/.f.jsonl.tmp-12", true},
    {"**/.*.tmp-*", ".f.tmp-", true},
    {"**/.*.tmp-*", "a/.f.tmp-1/b", false},
    {"**/?", "a/b/c", true},
    {"**/?", "a/bc", false},
    {"**/cache/**", "a/cachex/b", false},  // the name occurs, but not as a folder
    {"**/cache/**", "a/cache", false},
    // Empty patterns match nothing.
    {"", "a", false},
    {"", "", false},
    {"/", "a", false},
};

} // namespace

TEST_CASE("GlobSet matches the exclude_globs table", "[scan]") {
  for (const auto& row : k_rows) {
    INFO("pattern \"" << row.pattern << "\" path \"" << row.path << "\"");
    const GlobSet set({row.pattern});
    CHECK(set.matches(row.path) == row.expected);
  }
}

TEST_CASE("GlobSet matches when any of its patterns does", "[scan]") {
  const GlobSet set({"", "*.log", "skills/.system/**", "**/tmp/**"});
  CHECK(set.matches("log/codex-tui.log"));
  CHECK(set.matches("skills/.system/a"));
  CHECK(set.matches("plugins/tmp/x"));
  CHECK_FALSE(set.matches("skills/mine/SKILL.md"));
  CHECK_FALSE(set.matches(""));
}

TEST_CASE("An empty GlobSet excludes nothing", "[scan]") {
  const GlobSet none(std::vector<std::string>{});
  CHECK_FALSE(none.matches("a"));
  CHECK_FALSE(none.matches("tmp/x"));
  const GlobSet blanks({"", ""});
  CHECK_FALSE(blanks.matches("a"));
}

TEST_CASE("The template's exclude_globs keep user files and drop transient ones", "[scan]") {
  const GlobSet set({"**/*.lock", "**/*.tmp", "**/*.temp", "**/tmp/**", "**/cache/**", "**/.cache/**",
                     "**/__pycache__/**", "**/*.log", "skills/.system/**", "plugins/.plugin-appserver/**",
                     "plugins/.remote-plugin-install-staging/**"});
  CHECK(set.matches("tmp/arg0/codex-arg0.lock"));
  CHECK(set.matches("plugins/cache/openai/x/plugin.json"));
  CHECK(set.matches("skills/mine/scripts/__pycache__/a.cpython-311.pyc"));
  CHECK(set.matches("plugins/.plugin-appserver/codex.exe"));
  CHECK(set.matches("notes.tmp"));
  CHECK_FALSE(set.matches("skills/mine/SKILL.md"));
  CHECK_FALSE(set.matches("plugins/marketplace.json"));
  CHECK_FALSE(set.matches("skills/mine/template.tmpl"));
}
