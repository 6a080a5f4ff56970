#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/scan/artefacts.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// How the files a cloud client made (scan/artefacts.hpp) are shown: by
// `artefacts`, and for status and the plan.
namespace codexsync::commands {

// Both sides as a sync scans them, with the artefacts taken out (a look-alike
// that this machine's baseline or a delivery record knows is the user's
// file). Reads only.
struct Found {
  Index local;
  Index cloud;
  std::vector<scan::Artefact> artefacts;
  std::vector<std::string> unreadable;  // "side: path (reason)"
};
Found find_artefacts(const config::Config& cfg);

// Whether the file an artefact shadows is on that side (nullopt: unknown).
using ShadowExists = std::function<std::optional<bool>(Side side, const std::string& path)>;

// Looks the shadowed file up in the indexes of a scan (after take_artefacts).
// The indexes must outlive the returned function.
ShadowExists shadow_exists_in(const Index& local, const Index& cloud);

// "Dropbox conflict copy of skills/x/SKILL.md (exists)", "Syncthing temporary
// file", "iCloud placeholder (not downloaded) of skills/x/SKILL.md (not on this
// computer)".
std::string describe_artefact(const scan::Artefact& artefact, std::optional<bool> shadow_exists);

// Two lines per artefact, each starting with `indent`: its side and path, then
// describe_artefact(). Prints nothing for an empty list.
void print_artefacts(std::ostream& out, const std::vector<scan::Artefact>& artefacts,
                     const ShadowExists& exists, std::string_view indent = "  ");

// [{side, path, provider, what, shadows (null when the name does not say),
//   shadows_exists (null when unknown or no shadow), placeholder}].
nlohmann::json artefacts_json(const std::vector<scan::Artefact>& artefacts, const ShadowExists& exists);

} // namespace codexsync::commands
