#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/config/discovery.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/text.hpp>
#include <codexsync/util/fs.hpp>

using namespace codexsync;
using namespace codexsync::config;
using codexsync::test::TempDir;

namespace {

struct DiscoveryFixture {
  TempDir dir;
  util::Environment env;
  DiscoveryFixture() {
    env.inherit = false;
    env.os = util::Os::linux;
    env.cwd = dir.mkdir("work");
    env.vars["HOME"] = (dir / "home").string();
  }
};

std::string discovery_error(const DiscoveryFixture& f, const std::optional<std::filesystem::path>& explicit_file) {
  try {
    discover_config(explicit_file, f.env);
  } catch (const ConfigError& e) {
    return util::join(e.problems(), "\n");
  }
  FAIL("expected no config to be found");
  return {};
}

} // namespace

TEST_CASE("discovery order: -c, CODEXSYNC_CONFIG, user config dir, ./config.toml", "[config][discovery]") {
  DiscoveryFixture f;
  const auto explicit_file = f.dir.write("explicit.toml", "");
  const auto env_file = f.dir.write("from-env.toml", "");
  const auto user_file = f.dir.write("home/.config/codexsync/config.toml", "");
  const auto local_file = f.dir.write("work/config.toml", "");
  f.env.vars["CODEXSYNC_CONFIG"] = env_file.string();

  auto found = discover_config(explicit_file, f.env);
  CHECK(found.path == explicit_file);
  CHECK(found.origin == ConfigOrigin::command_line);

  found = discover_config(std::nullopt, f.env);
  CHECK(found.path == env_file);
  CHECK(found.origin == ConfigOrigin::environment);

  f.env.vars.erase("CODEXSYNC_CONFIG");
  found = discover_config(std::nullopt, f.env);
  CHECK(found.path == user_file);
  CHECK(found.origin == ConfigOrigin::user_config_dir);

  std::filesystem::remove(user_file);
  found = discover_config(std::nullopt, f.env);
  CHECK(found.path == local_file);
  CHECK(found.origin == ConfigOrigin::working_dir);
}

TEST_CASE("a relative -c is taken from the working folder", "[config][discovery]") {
  DiscoveryFixture f;
  f.dir.write("work/sub/c.toml", "");
  CHECK(discover_config(std::filesystem::path("sub/c.toml"), f.env).path == f.dir / "work/sub/c.toml");
}

TEST_CASE("XDG_CONFIG_HOME moves the user config folder, a relative one is ignored", "[config][discovery]") {
  DiscoveryFixture f;
  const auto xdg_file = f.dir.write("xdg/codexsync/config.toml", "");
  f.env.vars["XDG_CONFIG_HOME"] = (f.dir / "xdg").string();
  CHECK(discover_config(std::nullopt, f.env).path == xdg_file);
  f.env.vars["XDG_CONFIG_HOME"] = "relative/xdg";
  CHECK(default_config_path(std::nullopt, f.env) == f.dir / "home/.config/codexsync/config.toml");
}

TEST_CASE("the user config folder follows each OS's habit", "[config][discovery]") {
  util::Environment env;
  env.inherit = false;
  env.vars["HOME"] = "/home/u";
  env.vars["USERPROFILE"] = "C:/Users/u";
  env.vars["APPDATA"] = "C:/Users/u/AppData/Roaming";
  env.os = util::Os::linux;
  CHECK(util::user_config_dir(env) == std::filesystem::path("/home/u/.config/codexsync"));
  env.os = util::Os::macos;
  CHECK(util::user_config_dir(env) == std::filesystem::path("/home/u/Library/Application Support/codexsync"));
  env.os = util::Os::windows;
  CHECK(util::user_config_dir(env) == std::filesystem::path("C:/Users/u/AppData/Roaming") / "codexsync");
  CHECK(util::home_dir(env) == std::filesystem::path("C:/Users/u"));
}

TEST_CASE("a named file that does not exist is an error naming it", "[config][discovery]") {
  DiscoveryFixture f;
  f.dir.write("work/config.toml", "");  // must not be used instead
  CHECK_THAT(discovery_error(f, f.dir / "missing.toml"), CS_CONTAINS("missing.toml: config file not found (given with -c)"));
  f.env.vars["CODEXSYNC_CONFIG"] = (f.dir / "gone.toml").string();
  CHECK_THAT(discovery_error(f, std::nullopt), CS_CONTAINS("gone.toml: config file not found (named by $CODEXSYNC_CONFIG)"));
}

TEST_CASE("no config anywhere lists the places searched and suggests init-config", "[config][discovery]") {
  DiscoveryFixture f;
  const auto error = discovery_error(f, std::nullopt);
  CHECK_THAT(error, CS_CONTAINS("no config file found; searched, in order:"));
  CHECK_THAT(error, CS_CONTAINS("$CODEXSYNC_CONFIG (not set)"));
  CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.dir / "home/.config/codexsync/config.toml")));
  CHECK_THAT(error, CS_CONTAINS(codexsync::util::display_path(f.dir / "work/config.toml")));
  CHECK_THAT(error, CS_CONTAINS("codexsync init-config"));
}

TEST_CASE("a folder is not a config file", "[config][discovery]") {
  DiscoveryFixture f;
  f.dir.mkdir("work/config.toml");
  CHECK_THAT(discovery_error(f, std::nullopt), CS_CONTAINS("no config file found"));
}
