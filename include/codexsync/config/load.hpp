#pragma once

#include <codexsync/config/config.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codexsync::config {

struct LoadResult {
  Config config;
  std::vector<std::string> warnings;  // "FILE:LINE:COL: warning: ..." (unknown keys, fallbacks)
};

// Parses and validates TOML text read from `file` (used for messages and as the
// base of relative paths when workspace_root_dir is unset). Throws ConfigError
// listing every problem as "FILE:LINE:COL: message"; unknown keys are warnings.
// `profile` picks a [profiles.<name>] table (its config: the top level's
// sections under its own keys, its own folders inside backup_dir and
// temp_dir, Config::agent.profile = name). Without it the top level is loaded;
// a file whose top level is not a config of its own (no paths.cloud_root_dir)
// but has profiles is refused, naming them ("pick one with --profile NAME").
// An unknown profile name, or --profile for a file without profiles, is a
// ConfigError too (exit 4).
LoadResult load_config_text(std::string_view text, const fs::path& file, const util::Environment& env,
                            const std::optional<std::string>& profile = std::nullopt);

// Reads `file` and calls load_config_text. Throws ConfigError when the file
// cannot be read (naming it and what to do).
LoadResult load_config_file(const fs::path& file, const util::Environment& env,
                            const std::optional<std::string>& profile = std::nullopt);

// The [profiles.<name>] tables of a config file.
struct ProfileList {
  std::vector<std::string> names;  // in file order; empty when the file has none
  bool top_level = true;           // the top level is a config of its own (profile "")
};

// Lists the profiles without loading them. Throws ConfigError for invalid TOML
// and for problems that make every profile unusable (a [profiles] that is not
// a table of tables, a name that cannot name a folder, two names that differ
// only in case, a missing or unknown kind).
ProfileList list_profiles_text(std::string_view text, const fs::path& file, const util::Environment& env);
ProfileList list_profiles_file(const fs::path& file, const util::Environment& env);

// What can still be read from a config file that does not load: its machine
// id, [scheduler] and [notify], when the file is valid TOML and those values
// are valid; the rest of the returned Config keeps its defaults. For the run
// record, `status` and notify after an exit 4. nullopt when even that fails.
// Never throws.
std::optional<Config> salvage_config_file(const fs::path& file, const util::Environment& env);

// Returns the problems that make the config unfit for a command that writes
// (backup_before_overwrite = false,
// session_mode = "last_date_only"), each as "FILE:LINE:COL: message".
std::vector<std::string> write_blockers(const Config& config);

// Throws ConfigError when write_blockers() is not empty.
void require_writable(const Config& config);

// Returns every "section.key" the loader understands, in file order (for docs
// and tests that keep the template and docs/configuration.md complete).
std::vector<std::string> known_keys();

} // namespace codexsync::config
