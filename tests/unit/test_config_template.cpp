#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/config/template.hpp>

using namespace codexsync;
using namespace codexsync::config;

TEST_CASE("toml_quote: literal strings for plain text, escapes otherwise", "[config][template]") {
  CHECK(toml_quote("C:\\Users\\me\\.codex") == "'C:\\Users\\me\\.codex'");
  CHECK(toml_quote("it's") == "\"it's\"");
  CHECK(toml_quote("a\"b'\\c\n") == "\"a\\\"b'\\\\c\\n\"");
  CHECK(toml_quote("tab\there") == "\"tab\\there\"");
}

TEST_CASE("set_value_in_text replaces in the right section and uncomments", "[config][template]") {
  std::string text = "[a]\nkey = 1\n[b]\n# key = 2\nother = 3\n";
  CHECK(set_value_in_text(text, "b", "key", "9"));
  CHECK(text == "[a]\nkey = 1\n[b]\nkey = 9\nother = 3\n");
  CHECK(set_value_in_text(text, "a", "key", "8"));
  CHECK(text == "[a]\nkey = 8\n[b]\nkey = 9\nother = 3\n");
  CHECK_FALSE(set_value_in_text(text, "c", "key", "1"));
  CHECK_FALSE(set_value_in_text(text, "a", "ke", "1"));
}

TEST_CASE("render_template writes the values and the result loads with them", "[config][template]") {
  test::ConfigFixture f;
  TemplateValues values;
  values.machine_id = "laptop";
  values.local_state_dir = (f.dir / "home/.codex").string();
  values.workspace_root_dir = (f.dir / "it's cloud").string();  // a quote forces a basic string
  const auto text = render_template(values);
  const auto result = f.load(text);
  CHECK(result.warnings.empty());
  CHECK(result.config.identity.machine_id == "laptop");
  CHECK(result.config.paths.local_state_dir == f.dir / "home/.codex");
  CHECK(result.config.paths.local_state_dir_source == StateDirSource::config);
  CHECK(result.config.paths.cloud_root_dir == f.dir / "it's cloud/sync");
  // Comments survive.
  CHECK_THAT(text, CS_CONTAINS("# A stable, unique name for THIS machine."));
}

TEST_CASE("render_template for each agent: its kind, lists and process names, and it loads", "[config][template]") {
  for (const auto kind : {AgentKind::codex, AgentKind::claude, AgentKind::gemini, AgentKind::pi}) {
    test::ConfigFixture f;
    TemplateValues values;
    values.agent = kind;
    values.os = util::Os::linux;
    values.workspace_root_dir = (f.dir / "cloud").string();
    const auto text = render_template(values);
    INFO(text);
    const auto result = f.load(text);
    CHECK(result.warnings.empty());
    CHECK(result.config.agent.kind == kind);
  }
}
