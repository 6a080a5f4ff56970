#include "not_available.hpp"

#include <fmt/format.h>

namespace codexsync::commands {

void not_available(std::string_view command, std::string_view machinery) {
  throw RuntimeError(fmt::format("`codexsync {}` is not available in this version: {} has not landed yet. "
                                 "Nothing was read or written. See CHANGELOG.md for what works today.",
                                 command, machinery));
}

} // namespace codexsync::commands
