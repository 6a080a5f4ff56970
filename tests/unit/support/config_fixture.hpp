#pragma once

#include "support/temp_dir.hpp"

#include <codexsync/config/load.hpp>
#include <codexsync/util/environment.hpp>

#include <string>
#include <string_view>

namespace codexsync::test {

// A sandbox with a home folder, an agent state folder and a cloud folder, and a
// minimal valid config to vary.
struct ConfigFixture {
  TempDir dir;
  util::Environment env;

  ConfigFixture() {
    dir.mkdir("home/.codex/skills");
    dir.mkdir("cloud");
    env.inherit = false;
    env.os = util::Os::linux;
    env.cwd = dir.path();
    env.vars["HOME"] = (dir / "home").string();
  }

  // The [paths] and [targets] a valid config needs; append more sections to it.
  std::string base() const {
    return "[identity]\nmachine_id = \"machine-a\"\n"
           "[paths]\nworkspace_root_dir = '" + (dir / "cloud").string() + "'\n" +
           "local_state_dir = '" + (dir / "home/.codex").string() + "'\n" +
           "cloud_root_dir = \"${workspace_root}/sync\"\n"
           "backup_dir = \"${workspace_root}/backups\"\n"
           "temp_dir = \"${workspace_root}/.tmp\"\n"
           "[targets]\ninclude_roots = [\"skills\"]\n";
  }

  std::filesystem::path file() const { return dir / "config.toml"; }

  config::LoadResult load(std::string_view text) const { return config::load_config_text(text, file(), env); }
};

} // namespace codexsync::test
