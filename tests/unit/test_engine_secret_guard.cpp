#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include <filesystem>
#include <string>

// The secret guard (src/engine/secret_guard.cpp) and what apply does with what
// it withheld.

using namespace codexsync;
using plan::ActionKind;

namespace {

const std::string k_token = std::string("gh") + "p_" + "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const std::string k_shown = "ghp_****(40 chars)";

struct GuardFixture {
  test::ConfigFixture f;
  config::Config cfg;

  explicit GuardFixture(const std::string& extra = {}) : cfg(f.load(f.base() + extra).config) {}

  std::filesystem::path local(const std::string& path) const { return f.dir / "home/.codex" / path; }
  std::filesystem::path cloud(const std::string& path) const { return f.dir / "cloud/sync" / path; }

  void write_local(const std::string& path, const std::string& text) const {
    f.dir.write("home/.codex/" + path, text);
  }
};

const plan::Action& action_for(const engine::Prepared& p, const std::string& path) {
  for (const auto& a : p.plan.actions) {
    if (a.path == path) {
      return a;
    }
  }
  FAIL("no action for " << path);
  return p.plan.actions.front();
}

plan::Action copy_to_cloud(const std::string& path) {
  plan::Action a;
  a.kind = ActionKind::copy_to_cloud;
  a.path = path;
  a.reason = "new here";
  return a;
}

} // namespace

TEST_CASE("prepare withholds a copy to the cloud whose file holds a secret, and apply leaves it local",
          "[engine]") {
  GuardFixture g;
  g.write_local("skills/mine/SKILL.md", "# Mine\n\ngit push https://me:" + k_token + "@github.com/me/repo\n");
  g.write_local("skills/clean/SKILL.md", "# Clean\n\nNothing to hide; token_count: 12345\n");

  auto prepared = engine::prepare(g.cfg, {});
  const auto& withheld = action_for(prepared, "skills/mine/SKILL.md");
  CHECK(withheld.kind == ActionKind::withheld);
  REQUIRE(withheld.held_kind);
  CHECK(*withheld.held_kind == ActionKind::copy_to_cloud);
  CHECK_FALSE(withheld.writes());
  CHECK(withheld.bytes() == 0);
  CHECK_THAT(withheld.reason, CS_CONTAINS("contains a secret: skills/mine/SKILL.md:3 github-token " +
                                          k_shown + ", fingerprint cs1:"));
  CHECK_THAT(withheld.reason, CS_CONTAINS("; see [secrets]"));
  CHECK(withheld.reason.find(k_token) == std::string::npos);
  REQUIRE(prepared.secret_findings.count("skills/mine/SKILL.md") == 1);
  CHECK(prepared.secret_findings.at("skills/mine/SKILL.md").size() == 1);
  CHECK(prepared.secret_findings.count("skills/clean/SKILL.md") == 0);
  CHECK(action_for(prepared, "skills/clean/SKILL.md").kind == ActionKind::copy_to_cloud);
  CHECK(prepared.plan.count(ActionKind::withheld) == 1);

  const auto report = engine::apply(g.cfg, prepared, util::system_clock());
  CHECK(report.copied_to_cloud == 1);
  CHECK(std::filesystem::exists(g.cloud("skills/clean/SKILL.md")));
  CHECK_FALSE(std::filesystem::exists(g.cloud("skills/mine")));

  // The baseline does not record it as synced: the next run withholds it again.
  const auto again = engine::prepare(g.cfg, {});
  CHECK(action_for(again, "skills/mine/SKILL.md").kind == ActionKind::withheld);
  CHECK(again.plan.count(ActionKind::copy_to_cloud) == 0);
}

TEST_CASE("a finding whose fingerprint [secrets] allow lists does not withhold its file", "[engine]") {
  const auto findings = secrets::scan_text("x " + k_token + "\n");
  REQUIRE(findings.size() == 1);
  GuardFixture g("[secrets]\nallow = [\"" + findings[0].fingerprint + "\"]\n");
  g.write_local("skills/mine/SKILL.md", "uses " + k_token + "\n");
  g.write_local("skills/two/SKILL.md",
                "uses " + k_token + "\ntoken = \"CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G\"\n");
  const auto prepared = engine::prepare(g.cfg, {});
  CHECK(action_for(prepared, "skills/mine/SKILL.md").kind == ActionKind::copy_to_cloud);
  // Another secret in the same file is still a finding; only it is listed.
  const auto& two = action_for(prepared, "skills/two/SKILL.md");
  CHECK(two.kind == ActionKind::withheld);
  REQUIRE(prepared.secret_findings.at("skills/two/SKILL.md").size() == 1);
  CHECK(prepared.secret_findings.at("skills/two/SKILL.md")[0].rule == "assignment");
  CHECK(prepared.secret_findings.at("skills/two/SKILL.md")[0].line == 2);
}

TEST_CASE("guard_secrets scans fast-forward tails, merges, and only what goes to the cloud", "[engine]") {
  GuardFixture g;
  const std::string old_part = "{\"n\":1,\"text\":\"" + k_token + "\"}\n{\"n\":2}\n";
  g.write_local("sessions/old-secret.jsonl", old_part + "{\"n\":3}\n");
  g.write_local("sessions/new-secret.jsonl", "{\"n\":1}\n{\"n\":2,\"t\":\"" + k_token + "\"}\n");
  g.write_local("history.jsonl",
                "{\"ts\":1,\"text\":\"Authorization: Bearer CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G\"}\n");
  g.write_local("skills/pulled/SKILL.md", "local version with " + k_token + "\n");

  engine::Prepared p;
  auto tail_after_secret = copy_to_cloud("sessions/old-secret.jsonl");
  tail_after_secret.append_from = old_part.size();
  auto tail_with_secret = copy_to_cloud("sessions/new-secret.jsonl");
  tail_with_secret.append_from = 10; // inside line 2, which holds the token
  plan::Action merge;
  merge.kind = ActionKind::merge;
  merge.path = "history.jsonl";
  plan::Action pull;
  pull.kind = ActionKind::copy_to_local;
  pull.path = "skills/pulled/SKILL.md";
  pull.local = FileState{10, 0, std::nullopt};
  // A conflict a policy decided for the cloud: the local loser would be kept
  // in the conflict store, in the cloud folder.
  auto pull_keeping_loser = pull;
  pull_keeping_loser.keep_loser = true;
  p.plan.actions = {merge, tail_with_secret, tail_after_secret, pull, pull_keeping_loser};

  engine::guard_secrets(g.cfg, p);
  CHECK(p.plan.actions[0].kind == ActionKind::withheld);
  CHECK(p.plan.actions[0].held_kind == ActionKind::merge);
  CHECK_THAT(p.plan.actions[0].reason, CS_CONTAINS("history.jsonl:1 bearer Bearer ****(40 chars)"));
  CHECK(p.plan.actions[1].kind == ActionKind::withheld);
  CHECK_THAT(p.plan.actions[1].reason, CS_CONTAINS("sessions/new-secret.jsonl:2 github-token"));
  CHECK(p.plan.actions[2].kind == ActionKind::copy_to_cloud); // the token is before the new tail
  CHECK(p.plan.actions[3].kind == ActionKind::copy_to_local); // nothing local goes to the cloud
  CHECK(p.plan.actions[4].kind == ActionKind::withheld);
  CHECK(p.plan.actions[4].held_kind == ActionKind::copy_to_local);
  CHECK_THAT(p.plan.actions[4].reason,
             CS_CONTAINS("the version here, which the conflict store in the cloud folder would keep, contains a "
                         "secret: skills/pulled/SKILL.md:1 github-token"));
  CHECK(p.secret_findings.size() == 3);
}

TEST_CASE("guard_secrets names a file it cannot read and one that vanished", "[engine]") {
  GuardFixture g;
  g.f.dir.mkdir("home/.codex/skills/odd/SKILL.md"); // a folder where a file was planned: reading fails
  engine::Prepared p;
  p.plan.actions = {copy_to_cloud("skills/odd/SKILL.md")};
  try {
    engine::guard_secrets(g.cfg, p);
    FAIL("expected a RuntimeError");
  } catch (const RuntimeError& e) {
    CHECK_THAT(std::string(e.what()), CS_CONTAINS("cannot read " + codexsync::util::display_path(g.local("skills/odd/SKILL.md")) +
                                                  " to check it for secrets"));
  }
  p.plan.actions = {copy_to_cloud("skills/gone/SKILL.md")};
  CHECK_THROWS_AS(engine::guard_secrets(g.cfg, p), FailSafeError);
}
