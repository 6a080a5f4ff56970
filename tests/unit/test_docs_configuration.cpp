#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/config/load.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

// docs/configuration.md is the user's reference for config.toml. It must name
// every key the loader reads, so it cannot silently fall behind the code.

namespace {

const std::string& configuration_doc() {
  static const std::string k_text =
      codexsync::test::read_text(std::filesystem::path(CODEXSYNC_SOURCE_DIR) / "docs" / "configuration.md");
  return k_text;
}

// The key name as the doc's tables write it: `machine_id`, `linux`.
std::string backquoted_name(const std::string& dotted) {
  return "`" + dotted.substr(dotted.rfind('.') + 1) + "`";
}

// The heading of the key's section: "\n### `[process_detection.background_process_names]`".
std::string section_heading(const std::string& dotted) {
  return "\n### `[" + dotted.substr(0, dotted.rfind('.')) + "]`";
}

// Where the next heading after `from` starts (npos at the end of the doc).
// TOML comments in code blocks start with "# ", so they are not headings.
std::size_t next_heading(const std::string& doc, std::size_t from) {
  return std::min(doc.find("\n## ", from), doc.find("\n### ", from));
}

} // namespace

TEST_CASE("docs/configuration.md exists and is not empty", "[docs]") {
  CHECK(configuration_doc().size() > 1000);
}

TEST_CASE("docs/configuration.md names every key the loader knows, under its section", "[docs]") {
  const auto& doc = configuration_doc();
  const auto keys = codexsync::config::known_keys();
  REQUIRE_FALSE(keys.empty());
  for (const auto& key : keys) {
    INFO("config key " << key << " must be documented under its section heading "
                       << section_heading(key).substr(1) << " in docs/configuration.md");
    const auto heading = doc.find(section_heading(key));
    REQUIRE(heading != std::string::npos);
    // The key is documented after its section's heading and before the next heading.
    const auto at = doc.find(backquoted_name(key), heading);
    CHECK(at != std::string::npos);
    CHECK(at < next_heading(doc, heading + 1));
  }
}
