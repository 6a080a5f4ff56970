#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/util/environment.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codexsync::config {

// The commented template, config/config.example.toml, embedded at build time.
extern const std::string_view k_config_template;

struct TemplateValues {
  // The agent the file is for (default codex): its kind, state folder comment,
  // include_roots, exclude_globs, the process names it gates on (as comments,
  // for `os`) and a note when the agent deletes old chats. Not custom.
  std::optional<AgentKind> agent;
  util::Os os = util::current_os();
  std::optional<std::string> machine_id;
  std::optional<std::string> local_state_dir;
  std::optional<std::string> workspace_root_dir;
};

// Returns the template with the given values written into their keys (a
// commented-out key is uncommented); comments and everything else are kept.
std::string render_template(const TemplateValues& values);

// Sets `key` in `[section]` of TOML text to the already-quoted `toml_value`,
// uncommenting a `# key = ...` line when that is all there is. Returns false
// when neither the key nor its commented form is found in that section.
bool set_value_in_text(std::string& text, std::string_view section, std::string_view key,
                       std::string_view toml_value);

// Replaces the whole assignment of `key` in `[section]` (its value may span
// lines, as a list does), or its commented-out form, with `lines`. Returns
// false when neither is found in that section.
bool replace_assignment_in_text(std::string& text, std::string_view section, std::string_view key,
                                std::string_view lines);

// Returns `items` as a TOML list of strings; one item per line, indented, when
// the one-line form would be longer than `width`.
std::string toml_string_list(const std::vector<std::string>& items, std::size_t width = 100);

// Returns `value` as a TOML string: a literal string ('...') when it has no
// single quote or control character, else a basic string with escapes.
std::string toml_quote(std::string_view value);

} // namespace codexsync::config
