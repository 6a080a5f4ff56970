#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/util/environment.hpp>

#include <algorithm>
#include <string>

// What prepare() does with the files a cloud client made (scan/artefacts.hpp),
// and the host names it looks for (engine::known_hosts).

using namespace codexsync;

TEST_CASE("known_hosts holds this computer's host name and its short form", "[engine]") {
  test::ConfigFixture f;
  const auto cfg = f.load(f.base()).config;
  const auto hosts = engine::known_hosts(cfg);
  const auto name = util::host_name();
  if (name.empty()) {
    CHECK(hosts.empty());
    return;
  }
  CHECK(std::find(hosts.begin(), hosts.end(), name) != hosts.end());
  const auto dot = name.find('.');
  if (dot != std::string::npos && dot > 0) {
    CHECK(std::find(hosts.begin(), hosts.end(), name.substr(0, dot)) != hosts.end());
  }
}

TEST_CASE("prepare takes cloud clients' files out of both sides before planning", "[engine]") {
  test::ConfigFixture f;
  const auto cfg = f.load(f.base()).config;
  f.dir.write("home/.codex/skills/a/SKILL.md", "mine\n");
  f.dir.write("home/.codex/skills/a/SKILL.sync-conflict-20261120-101500-ABCDEF7.md", "theirs\n");
  f.dir.write("cloud/sync/skills/a/SKILL.md", "mine\n");
  f.dir.write("cloud/sync/skills/a/SKILL (Alice's conflicted copy 2026-11-20).md", "old\n");
  f.dir.write("cloud/sync/skills/a/SKILL (1).md", "dup\n");
  f.dir.write("cloud/sync/skills/b/.SKILL.md.icloud", "stub\n");

  const auto p = engine::prepare(cfg, {});
  REQUIRE(p.artefacts.size() == 4);
  CHECK(p.artefacts[0].side == Side::local);
  CHECK(p.artefacts[0].provider == "Syncthing");
  CHECK(p.artefacts[1].path == "skills/a/SKILL (1).md");
  CHECK(p.artefacts[2].path == "skills/a/SKILL (Alice's conflicted copy 2026-11-20).md");
  CHECK(p.artefacts[3].placeholder);
  CHECK(p.artefacts[3].shadows == "skills/b/SKILL.md");
  CHECK(p.local.files.size() == 1);
  CHECK(p.cloud.files.size() == 1);
  for (const auto& action : p.plan.actions) {
    INFO(action.path);
    CHECK(action.path == "skills/a/SKILL.md");
  }
}
