#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace codexsync::config {

// The commented template, config/config.example.toml, embedded at build time.
extern const std::string_view k_config_template;

struct TemplateValues {
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

// Returns `value` as a TOML string: a literal string ('...') when it has no
// single quote or control character, else a basic string with escapes.
std::string toml_quote(std::string_view value);

} // namespace codexsync::config
